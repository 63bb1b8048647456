"""Tools for testing code that uses microgigs: hypothesis strategies and adapter contracts.

Nothing here imports pytest, so any test runner can use it; the strategies need the
``hypothesis`` package (the ``dev`` extra).
"""

__all__: list[str] = []

"""The site's own settings, one place for every process that serves it.

The development server (``main.py``), gunicorn's workers (``wsgi.py``) and the periodic
worker (``worker.py``) open the same database under the same rules: a tick under another
policy would time, clear and refuse otherwise than the pages say.
"""

from __future__ import annotations

import importlib
import os

import attrs

from microgigs import FIVERR_LIKE, KHAMSAT
from microgigs.payments import FakeGateway, PaymentGateway

POLICY_OF_THE_SITE = attrs.evolve(
    KHAMSAT,
    ledger=attrs.evolve(KHAMSAT.ledger, require_verified_email=True),
    projects=attrs.evolve(KHAMSAT.projects, milestones_max=FIVERR_LIKE.projects.milestones_max),
)
"""Khamsat's numbers (Mostaql's for projects), and no money moves before a member's e-mail
address is verified. A project may be paid in up to 6 milestones (the Fiverr-like number)
rather than Mostaql's one, so a client can fund a larger project a part at a time."""

DATABASE_HELP = (
    "SQLite file or PostgreSQL DSN (default: $MICROGIGS_DATABASE, else marketplace.sqlite3)"
)


def database(given: str | None = None) -> str:
    """The marketplace's database: ``given``, else ``$MICROGIGS_DATABASE``, else a SQLite file."""
    return given or os.environ.get("MICROGIGS_DATABASE") or "marketplace.sqlite3"


def payment_gateway(*, demo: bool) -> PaymentGateway:
    """The gateway the site takes money in by: ``$MICROGIGS_GATEWAY``, ``module:factory``.

    The factory is called with no arguments (a class, or a function that reads its own
    settings) and returns a :class:`microgigs.payments.PaymentGateway`. A demo without one
    takes the fake gateway, which accepts every card; a site without one is refused
    (``ValueError``): its members would top up from nowhere and withdraw it as earnings.
    """
    named = os.environ.get("MICROGIGS_GATEWAY", "")
    if not named and demo:
        return FakeGateway()
    if not named:
        message = (
            "MICROGIGS_GATEWAY is not set: name your payment gateway as module:factory, or "
            "microgigs.payments:FakeGateway (it accepts every card) while trying a site"
        )
        raise ValueError(message)
    module, _colon, factory = named.partition(":")
    try:
        made = getattr(importlib.import_module(module), factory)()
    except Exception as error:  # noqa: BLE001 (whatever the host's factory raised: said, not a traceback)
        message = f"MICROGIGS_GATEWAY names {named!r}, which gives no gateway ({error!r})"
        raise ValueError(message) from None
    if not all(callable(getattr(made, name, None)) for name in ("charge", "void")):
        message = f"MICROGIGS_GATEWAY names {named!r}, which gave {type(made).__name__}, no gateway"
        raise ValueError(message)
    gateway: PaymentGateway = made
    return gateway

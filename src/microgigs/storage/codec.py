"""The one codec of the storage edge: aggregates to JSON text and back (cattrs).

Only adapters and hosts use it; the domain never serialises itself.

>>> from microgigs.testing.examples import place_order
>>> order = place_order()
>>> decode(encode(order), type(order)) == order
True
"""

from __future__ import annotations

import json
from typing import Final, TypeVar

from cattrs.preconf.json import make_converter

__all__ = ["converter", "decode", "encode"]

T = TypeVar("T")

converter: Final = make_converter()
"""The configured converter: datetimes as ISO 8601 with their offset, enums by value."""


def encode(value: object) -> str:
    """``value`` (an attrs object of the domain) as compact JSON text."""
    return json.dumps(converter.unstructure(value), ensure_ascii=False, separators=(",", ":"))


def decode(text: str | bytes, kind: type[T]) -> T:
    """The ``kind`` object that :func:`encode` wrote as ``text``."""
    return converter.structure(json.loads(text), kind)

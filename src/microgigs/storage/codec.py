"""The one codec of the storage edge: aggregates to JSON text and back (cattrs).

Only adapters and hosts use it; the domain never serialises itself.

>>> from microgigs.testing.examples import place_order
>>> order = place_order()
>>> decode(encode(order), type(order)) == order
True
"""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Final, TypeVar

from cattrs.preconf.json import make_converter

from microgigs.errors import InvalidType
from microgigs.ranking import Measure

__all__ = ["converter", "decode", "encode"]

T = TypeVar("T")

converter: Final = make_converter()
"""The configured converter: datetimes as ISO 8601 with their offset, enums by value."""


def _unstructure_measure(value: Measure | None) -> dict[str, str | int] | None:
    """A criterion's measure, tagged with its kind so that it reads back as it was."""
    if value is None:
        return None
    if isinstance(value, timedelta):
        return {"microseconds": value // timedelta(microseconds=1)}
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    return {"count": value}


def _structure_measure(raw: dict[str, str | int] | None, _: object) -> Measure | None:
    if raw is None:
        return None
    match raw:
        case {"microseconds": int(count)}:
            return timedelta(microseconds=count)
        case {"decimal": str(text)}:
            return Decimal(text)
        case {"count": int(count)}:
            return count
    raise InvalidType(field="measure", expected="a tagged measure", actual=str(raw)[:100])


def _is_measure(kind: object) -> bool:
    return kind in {Measure, Measure | None}


# predicate hooks: registered last, they win over the preset's union strategy
converter.register_unstructure_hook_func(_is_measure, _unstructure_measure)
converter.register_structure_hook_func(_is_measure, _structure_measure)


def encode(value: object) -> str:
    """``value`` (an attrs object of the domain) as compact JSON text."""
    return json.dumps(converter.unstructure(value), ensure_ascii=False, separators=(",", ":"))


def decode(text: str | bytes, kind: type[T]) -> T:
    """The ``kind`` object that :func:`encode` wrote as ``text``."""
    return converter.structure(json.loads(text), kind)

"""P8: the codec round trip of an order aggregate (cattrs) ÷ pydantic v2 doing the same.

The order is a delivered demo order with two upgrades, its history and its timers. The
library encodes it to JSON text and decodes it back into an ``Order`` (``microgigs.storage
.codec``, what every SQL adapter does for each order it writes and reads). The baseline is
pydantic v2 with models of the same shape, generated from the attrs classes (every field,
its type, nested models for nested classes): ``model_dump_json`` then
``model_validate_json``.

Run: .venv/bin/python bench/p8_codec.py
"""

from __future__ import annotations

import types
import typing
from datetime import UTC, datetime
from typing import Any

import attrs
import pydantic
from harness import measure, report

from microgigs import KHAMSAT, ManualClock, UlidGenerator
from microgigs.actors import Actor
from microgigs.marketplace import Marketplace
from microgigs.orders import Order
from microgigs.payments import FakeGateway
from microgigs.storage import MemoryStorage
from microgigs.storage.codec import decode, encode
from microgigs.testing.demo import load_demo

TARGET = "<= 1.0"
_MODELS: dict[type, type[pydantic.BaseModel]] = {}


def model_of(cls: type) -> type[pydantic.BaseModel]:
    """A pydantic model with the fields of an attrs class, nested classes as nested models."""
    if cls not in _MODELS:
        attrs.resolve_types(cls)
        fields = {f.name: (mapped(f.type), ...) for f in attrs.fields(cls)}
        _MODELS[cls] = pydantic.create_model(f"Py{cls.__name__}", **fields)  # type: ignore[call-overload]
    return _MODELS[cls]


def mapped(kind: Any) -> Any:
    """The pydantic type of a field's type."""
    if isinstance(kind, type) and attrs.has(kind):
        return model_of(kind)
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (types.UnionType, typing.Union):
        return typing.Union[tuple(mapped(a) for a in args)]  # noqa: UP007
    if origin in (list, tuple, dict, frozenset, set):
        return origin[tuple(mapped(a) if a is not Ellipsis else a for a in args)]
    supertype = getattr(kind, "__supertype__", None)  # NewType ids
    return mapped(supertype) if supertype is not None else kind


def as_model(value: Any) -> Any:
    """An attrs value as the generated pydantic model's value."""
    if attrs.has(type(value)):
        model = model_of(type(value))
        fields = attrs.fields(type(value))
        return model(**{f.name: as_model(getattr(value, f.name)) for f in fields})
    if isinstance(value, list | tuple):
        return type(value)(as_model(v) for v in value)
    if isinstance(value, dict):
        return {k: as_model(v) for k, v in value.items()}
    return value


def an_order() -> Order:
    """A delivered demo order: upgrades, history, a timer."""
    clock = ManualClock(datetime(2026, 10, 1, tzinfo=UTC))
    market = Marketplace(MemoryStorage("USD"), clock, UlidGenerator(clock, seed=1), KHAMSAT,
                         FakeGateway())  # fmt: skip
    demo = load_demo(market, clock)
    delivered = [o for o, story in demo.orders.items() if story == "delivered"]
    return market.order(Actor.system(), delivered[0])


def run(loops: int = 2_000, repeats: int = 7) -> float:
    """Measure; return the ratio."""
    order = an_order()
    model = as_model(order)
    kind = type(model)
    assert decode(encode(order), Order) == order
    assert kind.model_validate_json(model.model_dump_json()) == model

    def with_cattrs(n: int) -> None:
        for _ in range(n):
            decode(encode(order), Order)

    def with_pydantic(n: int) -> None:
        for _ in range(n):
            kind.model_validate_json(model.model_dump_json())

    timings = measure({"microgigs codec (cattrs)": with_cattrs, "pydantic v2": with_pydantic},
                      loops=loops, repeats=repeats)  # fmt: skip
    ratio = timings["microgigs codec (cattrs)"] / timings["pydantic v2"]
    report("P8 order codec round trip", [("cattrs ÷ pydantic v2", ratio, TARGET)], timings)
    print(f"  JSON: {len(encode(order))} characters (cattrs), "
          f"{len(model.model_dump_json())} (pydantic)")  # fmt: skip
    return ratio


def smoke() -> None:
    """The whole path at a tiny size."""
    run(loops=3, repeats=1)


if __name__ == "__main__":
    run()

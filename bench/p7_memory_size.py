"""P7: memory per service and per order in the memory adapter ÷ a tuple of the same fields.

Both sides hold the same leaf values (ids, texts, numbers, moments, enum members); the
library's side is the aggregate as the memory adapter stores it, the baseline the same
fields as nested tuples (every attrs object, list and dict becomes a tuple). Sizes are
deep: every object reachable from the entity counted once, leaves included, by
``sys.getsizeof``. Averaged over the services and orders of the demo month.

Run: .venv/bin/python bench/p7_memory_size.py
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from enum import Enum
from typing import Any

import attrs
from harness import RESULTS

from microgigs import KHAMSAT, ManualClock, UlidGenerator
from microgigs.marketplace import Marketplace
from microgigs.payments import FakeGateway
from microgigs.storage import MemoryStorage
from microgigs.testing.demo import load_demo

TARGET = "<= 1.1"


def as_tuples(value: Any) -> Any:
    """The same fields as nested tuples."""
    if attrs.has(type(value)):
        return tuple(as_tuples(getattr(value, f.name)) for f in attrs.fields(type(value)))
    if isinstance(value, list | tuple):
        return tuple(as_tuples(v) for v in value)
    if isinstance(value, dict):
        return tuple((as_tuples(k), as_tuples(v)) for k, v in value.items())
    return value


def deep_size(value: Any, seen: set[int] | None = None) -> int:
    """Bytes of every object reachable from ``value``, each once."""
    seen = set() if seen is None else seen
    if id(value) in seen or isinstance(value, type | Enum):
        return 0  # classes and enum members are shared by every entity
    seen.add(id(value))
    size = sys.getsizeof(value)
    if attrs.has(type(value)):
        children: Any = [getattr(value, f.name) for f in attrs.fields(type(value))]
        if hasattr(value, "__dict__"):
            size += sys.getsizeof(value.__dict__)
    elif isinstance(value, dict):
        children = [*value.keys(), *value.values()]
    elif isinstance(value, list | tuple | set | frozenset):
        children = list(value)
    else:
        children = []
    return size + sum(deep_size(child, seen) for child in children)


def stored(market: Marketplace) -> tuple[list[Any], list[Any]]:
    """The services and orders as the memory adapter holds them."""
    held = market.storage._backend  # type: ignore[attr-defined]  # noqa: SLF001 (on purpose)
    return list(held._services.values()), list(held._orders.values())  # noqa: SLF001


def run() -> dict[str, float]:
    """Measure; return the ratios."""
    clock = ManualClock(datetime(2026, 10, 1, tzinfo=UTC))
    market = Marketplace(MemoryStorage("USD"), clock, UlidGenerator(clock, seed=1), KHAMSAT,
                         FakeGateway())  # fmt: skip
    load_demo(market, clock)
    services, orders = stored(market)
    rows, sizes = [], {}
    for name, entities in (("service", services), ("order", orders)):
        library = sum(deep_size(e) for e in entities) / len(entities)
        plain = sum(deep_size(as_tuples(e)) for e in entities) / len(entities)
        sizes[name] = {"library_bytes": library, "tuple_bytes": plain}
        rows.append((f"bytes per {name}: memory adapter ÷ tuple", library / plain))
    print(f"P7 memory per entity  ({sys.implementation.name} {sys.version.split()[0]})")
    for name, size in sizes.items():
        library, plain = size["library_bytes"], size["tuple_bytes"]
        print(f"  {name:<8} library {library:>9.0f} B   tuples {plain:>9.0f} B")
    for label, ratio in rows:
        print(f"  {label:<52} {ratio:>8.2f}   target {TARGET}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "p7.json").write_text(json.dumps({"sizes": sizes, "ratios": dict(rows)}, indent=2))
    return dict(rows)


def smoke() -> None:
    """The whole path (the demo month is small)."""
    run()


if __name__ == "__main__":
    run()

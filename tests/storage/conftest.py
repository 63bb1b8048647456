"""Adapters under test: every contract check runs against each of them."""

from __future__ import annotations

import pytest

from microgigs.storage import MemoryStorage
from microgigs.storage.sqlite import SQLiteStorage

ADAPTERS = ["memory", "sqlite-file", "sqlite-memory"]


@pytest.fixture(params=ADAPTERS)
def make_storage(request, tmp_path):
    files = iter(range(1_000_000))
    factories = {
        "memory": lambda: MemoryStorage("USD"),
        "sqlite-file": lambda: SQLiteStorage(tmp_path / f"m{next(files)}.db", currency="USD"),
        "sqlite-memory": lambda: SQLiteStorage(":memory:", currency="USD"),
    }
    return factories[request.param]

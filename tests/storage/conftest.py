"""Adapters under test: every contract check runs against each of them."""

from __future__ import annotations

import pytest

from microgigs.storage import MemoryStorage

ADAPTERS = ["memory"]


@pytest.fixture(params=ADAPTERS)
def make_storage(request):
    if request.param == "memory":
        return lambda: MemoryStorage("USD")
    raise AssertionError(request.param)

"""The benchmark scripts run (tiny loops) so they cannot rot; their figures are not judged."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
SCRIPTS = sorted(p.stem for p in BENCH.glob("p[0-9]_*.py"))


@pytest.fixture(autouse=True)
def bench_on_path(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))


@pytest.mark.parametrize("name", SCRIPTS)
def test_every_candidate_of_every_benchmark_runs(name):
    module = importlib.import_module(name)
    candidates = [
        value
        for key, value in vars(module).items()
        if callable(value)
        and getattr(value, "__module__", "") == name
        and key != "main"
        and not key.startswith("_")
        and not isinstance(value, type)
        and value.__code__.co_varnames[:1] == ("loops",)
    ]
    assert candidates, f"{name} has no candidates"
    for run in candidates:
        run(3)
    sys.modules.pop(name, None)

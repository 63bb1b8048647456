"""The benchmark scripts run at tiny sizes so they cannot rot; their figures are not judged."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
SCRIPTS = sorted(p.stem for p in BENCH.glob("p[0-9]_*.py"))


@pytest.mark.parametrize("name", SCRIPTS)
def test_every_benchmark_runs_its_whole_path_at_a_tiny_size(name, monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    module = importlib.import_module(name)
    module.smoke()

"""The benchmark scripts run at tiny sizes so they cannot rot; their figures are not judged."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
NEEDS_POSTGRES = {"p2_postgres"}
SCRIPTS = [
    pytest.param(p.stem, marks=pytest.mark.postgres) if p.stem in NEEDS_POSTGRES else p.stem
    for p in sorted(BENCH.glob("p[0-9]_*.py"))
] + ["where_time_goes", "instructions"]


@pytest.mark.parametrize("name", SCRIPTS)
def test_every_benchmark_runs_its_whole_path_at_a_tiny_size(name, monkeypatch, request):
    if name in NEEDS_POSTGRES:
        monkeypatch.setenv("MICROGIGS_BENCH_POSTGRES_DSN", request.getfixturevalue("postgres_dsn"))
    monkeypatch.syspath_prepend(str(BENCH))
    module = importlib.import_module(name)
    module.smoke()

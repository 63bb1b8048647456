"""The benchmark scripts run at tiny sizes so they cannot rot; their figures are not judged."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
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


# In a child process: importing bench/mutation.py here would add its literals to the pool of
# constants hypothesis draws from in this worker, and change what later tests generate.
MUTATION_CHECK = """
import json, sys, tomllib
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import mutation
mutation.BUILD = Path(sys.argv[2])
where = mutation.prepare("money")
config = tomllib.loads((where / "pyproject.toml").read_text())["tool"]
meta = where / "mutants" / "src" / "microgigs" / "money.py.meta"
meta.parent.mkdir(parents=True)
verdicts = {"m.a__mutmut_1": 1, "m.a__mutmut_2": 0, "m.a__mutmut_3": 36, "m.a__mutmut_4": 33}
meta.write_text(json.dumps({"exit_code_by_key": verdicts}))
print(json.dumps([config["mutmut"]["only_mutate"],
                  config["mutmut"]["pytest_add_cli_args_test_selection"],
                  "testpaths" in config["pytest"]["ini_options"], mutation.outcome(where)]))
"""


def test_the_mutation_run_narrows_mutmut_to_one_module_and_counts_its_verdicts(tmp_path):
    run = subprocess.run(  # noqa: S603 (our own script, our own interpreter)
        [sys.executable, "-c", MUTATION_CHECK, str(BENCH), str(tmp_path)],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert 0 == run.returncode, run.stderr
    assert [
        ["src/microgigs/money.py"],
        ["tests/test_money.py", "docs/money.md"],
        False,
        {"mutants": 4, "killed": 2, "survived": 1, "not run": 1, "score": 0.667,
         "survivors": ["m.a__mutmut_2"]},
    ] == json.loads(run.stdout)  # fmt: skip


def test_the_web_load_runs_its_whole_path_at_a_tiny_size(tmp_path):
    """bench/web_load.py: 2 clients × 2 s on gunicorn with 2 workers, then the crash."""
    figures = tmp_path / "figures.json"
    done = subprocess.run(  # noqa: S603 (our own script, our own interpreter)
        [sys.executable, str(BENCH / "web_load.py"), "--seconds", "2", "--crash-seconds", "4",
         "--clients", "2", "--workers", "2", "--json", str(figures)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert 0 == done.returncode, done.stdout + done.stderr
    sqlite = json.loads(figures.read_text())["sqlite"]
    assert 0 == sqlite["server_errors"]
    assert 0 == sqlite["audit_issues"]
    assert [] == sqlite["crash"]["lost"]
    assert sqlite["crash"]["orders_checked"] > 0

"""Mutation testing of the rule modules with mutmut: the score and the survivors, by module.

Usage::

    .venv/bin/python bench/mutation.py                  # every rule module, one after another
    .venv/bin/python bench/mutation.py money pricing    # only these
    .venv/bin/python bench/mutation.py --list           # the modules and their tests

Each module is mutated on its own, in ``build/mutation/<module>/`` (a copy of ``src/``,
``tests/`` and ``docs/`` with the project's ``pyproject.toml``, whose ``[tool.mutmut]`` is
narrowed to the module's files and its targeted tests), so that a mutant of ``Money`` runs
the money tests, not the whole suite. mutmut runs there afresh with one child per core (its cache
would keep a verdict until the function changes, even when a test changed), and this script prints
per module: mutants, killed, survived, the score (killed ÷ mutants that ran), the seconds
it took, and every survivor by name (``mutmut show NAME`` in that directory shows its diff).
A summary is written to ``bench/results/mutation.json``.

Survivors are either killed by a new test or listed in docs/testing.md with the reason
they are harmless (equivalent mutants).
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build" / "mutation"
RESULTS = ROOT / "bench" / "results" / "mutation.json"
MUTMUT = Path(sys.executable).with_name("mutmut")

# module: (files to mutate, the tests that pin its rules)
MODULES: dict[str, tuple[list[str], list[str]]] = {
    "money": (["src/microgigs/money.py"], ["tests/test_money.py", "docs/money.md"]),
    "pricing": (["src/microgigs/pricing/*"], ["tests/pricing", "docs/pricing.md"]),
    "orders": (
        [
            "src/microgigs/orders/_machine.py",
            "src/microgigs/orders/_order.py",
            "src/microgigs/orders/_status.py",
        ],
        ["tests/orders", "docs/orders.md"],
    ),
    "contact filter": (
        ["src/microgigs/_contact.py"],
        ["tests/orders/test_conversation.py", "tests/marketplace/test_contact_details.py"],
    ),
    "ledger": (["src/microgigs/ledger/*"], ["tests/ledger", "docs/ledger.md"]),
    "levels": (
        ["src/microgigs/ranking/_levels.py"],
        [
            "tests/ranking/test_levels.py",
            "tests/ranking/test_levels_details.py",
            "tests/marketplace/test_levels.py",
            "docs/ranking.md",
        ],
    ),
    "policy": (["src/microgigs/policy.py"], ["tests/test_policy.py"]),
    "storage checks": (
        ["src/microgigs/storage/memory.py", "src/microgigs/storage/_sql.py"],
        ["tests/storage/test_contract.py"],
    ),
    "storage version and balance checks": (
        ["src/microgigs/storage/memory.py", "src/microgigs/storage/_sql.py"],
        ["tests/storage/test_contract.py"],
    ),
}
_SQL = "microgigs.storage._sql.x"
_MEMORY = "microgigs.storage.memory.x"
# module: the mutants it runs (mutmut's names, fnmatch patterns), when not its files' every one
MUTANTS: dict[str, list[str]] = {
    # what issue #21 names: the adapters' version and balance checks, not the statement
    # building, the search walker or the decoding around them ("storage checks" has those)
    "storage version and balance checks": [
        f"{_MEMORY}ǁ_MemoryBackendǁ_check__mutmut_*",
        f"{_MEMORY}ǁ_MemoryBackendǁ_check_documents__mutmut_*",
        f"{_MEMORY}ǁ_MemoryBackendǁ_check_evaluations__mutmut_*",
        f"{_MEMORY}ǁ_MemoryBackendǁ_check_postings__mutmut_*",
        f"{_MEMORY}__check_version__mutmut_*",
        f"{_MEMORY}__check_owned__mutmut_*",
        *(
            f"{_SQL}ǁSqlBackendǁ{method}__mutmut_*"
            for method in (
                "_upsert",
                "_owned",
                "_member",
                "_review",
                "_postings",
                "_evaluation",
                "_command",
            )
        ),
        f"{_SQL}__upsert_sql__mutmut_*",  # _upsert's statements, the versioned update's among them
        f"{_SQL}__nothing_found__mutmut_*",
        f"{_SQL}__nothing_found_else__mutmut_*",
        f"{_SQL}__one_changed__mutmut_*",
        f"{_SQL}ǁ_Balancesǁ*__mutmut_*",
    ],
}
# mutmut's exit codes (mutmut.stats.status_by_exit_code)
KILLED = {1, 3}
SURVIVED = {0}
TIMEOUT = {-24, 24, 36, 152}
PYTEST_ARGS = ["-p", "no:xdist", "-p", "no:cacheprovider", "-m", "not slow and not browser"]


def slug(module: str) -> str:
    return module.replace(" ", "-")


def prepare(module: str) -> Path:
    """The module's directory: the sources, the tests, and mutmut's narrowed config."""
    files, tests = MODULES[module]
    where = BUILD / slug(module)
    # mutmut keeps verdicts until a function's source changes, not when a test does: start
    # afresh, or a new test would not count
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir(parents=True)
    for part in ("src", "tests", "docs"):
        shutil.copytree(ROOT / part, where / part, dirs_exist_ok=True)
    config = (ROOT / "pyproject.toml").read_text()
    # the project's pytest options, without the paths of the whole suite
    config = re.sub(r"(?m)^testpaths = .*\n", "", config)
    mutmut = (
        "\n[tool.mutmut]\n"
        'source_paths = ["src/"]\n'
        f"only_mutate = {json.dumps(files)}\n"
        f"pytest_add_cli_args_test_selection = {json.dumps(tests)}\n"
        f"pytest_add_cli_args = {json.dumps(PYTEST_ARGS)}\n"
        f'also_copy = ["docs/"]\n'
    )
    config = re.sub(r"(?ms)^\[tool\.mutmut\].*?(?=^\[|\Z)", "", config) + mutmut
    (where / "pyproject.toml").write_text(config)
    return where


def chosen(name: str, patterns: Sequence[str]) -> bool:
    """Whether a mutant is one of the module's (all of its files' when no patterns)."""
    return not patterns or any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)


def outcome(where: Path, patterns: Sequence[str] = ()) -> dict[str, object]:
    """Counts and survivors from mutmut's ``.meta`` files of one module."""
    killed = survived = other = 0
    survivors: list[str] = []
    for meta in sorted((where / "mutants").rglob("*.meta")):
        found = json.loads(meta.read_text()).get("exit_code_by_key", {})
        for name, code in sorted(found.items()):
            if not chosen(name, patterns):
                continue
            if code in KILLED or code in TIMEOUT:
                killed += 1
            elif code in SURVIVED:
                survived += 1
                survivors.append(name)
            else:
                other += 1
    ran = killed + survived
    return {
        "mutants": ran + other,
        "killed": killed,
        "survived": survived,
        "not run": other,
        "score": round(killed / ran, 3) if ran else None,
        "survivors": survivors,
    }


def mutate(module: str) -> dict[str, object]:
    where = prepare(module)
    patterns = MUTANTS.get(module, [])
    started = time.perf_counter()
    environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    environment.pop("CI", None)  # the developer's hypothesis profile: fast, and random
    environment.pop("MICROGIGS_TEST_POSTGRES_DSN", None)  # mutants run on memory and SQLite
    subprocess.run(  # noqa: S603 (mutmut from our own virtual environment)
        [str(MUTMUT), "run", "--max-children", str(os.cpu_count() or 1), *patterns],
        cwd=where,
        env=environment,
        check=False,
        stdout=subprocess.DEVNULL,
    )
    found = outcome(where, patterns)
    found["seconds"] = round(time.perf_counter() - started)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help=f"any of: {', '.join(MODULES)}")
    parser.add_argument("--list", action="store_true", help="show the modules and their tests")
    options = parser.parse_args()
    if options.list:
        for module, (files, tests) in MODULES.items():
            print(f"{module}: {' '.join(files)}  <-  {' '.join(tests)}")
            for pattern in MUTANTS.get(module, []):
                print(f"  only {pattern}")
        return 0
    chosen = options.modules or list(MODULES)
    unknown = set(chosen) - set(MODULES)
    if unknown:
        parser.error(f"unknown modules: {', '.join(sorted(unknown))}")
    for module in chosen:
        found = mutate(module)
        # read again: another run may have written its modules meanwhile
        summary = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        summary[module] = found
        print(
            f"{module}: {found['killed']}/{int(found['killed']) + int(found['survived'])} killed"
            f" (score {found['score']}), {found['not run']} not run, {found['seconds']} s"
        )
        for name in found["survivors"]:  # type: ignore[attr-defined]
            print(f"  survived: {name}")
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

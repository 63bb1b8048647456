#!/usr/bin/env python3
"""Set up the project in ``.venv`` and run one of its jobs, with nothing but Python 3.11+.

Usage::

    python3 dev.py demo     # the example marketplace (web) with demo data, and its tick worker
    python3 dev.py tour     # a scripted tour of the use cases in the terminal
    python3 dev.py check    # ruff, ruff format, mypy (strict), pytest with every test
    python3 dev.py l10n     # re-extract, update and compile the gettext catalogs

Extra arguments after ``check`` go to pytest (``python3 dev.py check -k money``).

The virtual environment is rebuilt only when ``pyproject.toml`` changes, so the second
run of a command starts at once.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
STAMP = VENV / ".microgigs-installed"
EXTRAS = "dev,postgres,web,cli"
PYTEST_NO_TESTS_COLLECTED = 5
MINIMUM_PYTHON = (3, 11)


def _fingerprint() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def _run(*args: str | Path, env: dict[str, str] | None = None) -> int:
    print("$", " ".join(str(a) for a in args), flush=True)
    return subprocess.run([str(a) for a in args], cwd=ROOT, env=env, check=False).returncode


def _must(*args: str | Path) -> None:
    code = _run(*args)
    if code != 0:
        sys.exit(code)


def ensure_environment() -> None:
    """Create ``.venv`` and install the project with every extra, once per pyproject."""
    if sys.version_info < MINIMUM_PYTHON:
        sys.exit(f"microgigs needs Python {MINIMUM_PYTHON[0]}.{MINIMUM_PYTHON[1]} or newer")
    if not PYTHON.exists():
        print(f"creating {VENV}", flush=True)
        venv.create(VENV, with_pip=True)
    if STAMP.exists() and STAMP.read_text() == _fingerprint():
        return
    _must(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    _must(PYTHON, "-m", "pip", "install", "--quiet", "--editable", f".[{EXTRAS}]")
    STAMP.write_text(_fingerprint())


def demo(args: list[str]) -> int:
    """Serve the example marketplace (the web host) on SQLite with demo data, and its worker.

    The worker (``examples/web/worker.py``) runs ``tick`` every minute in its own process,
    on the same database (``--db``, as given to the server); it stops with the server.
    """
    db = args[args.index("--db") + 1] if "--db" in args[:-1] else "marketplace.sqlite3"
    port = args[args.index("--port") + 1] if "--port" in args[:-1] else "8000"
    # the worker's notices (written to the log in a demo) link to the demo's own address
    place = {"MICROGIGS_BASE_URL": f"http://127.0.0.1:{port}"} | dict(os.environ)
    print("$", PYTHON, "examples/web/worker.py", "--db", db, flush=True)
    worker = subprocess.Popen(
        [str(PYTHON), "examples/web/worker.py", "--db", db], cwd=ROOT, env=place
    )
    try:
        return _run(PYTHON, "examples/web/main.py", "--demo", *args)
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def tour(args: list[str]) -> int:
    """Play the scripted tour of the use cases in the terminal."""
    return _run(PYTHON, "examples/demo.py", *args)


def check(args: list[str]) -> int:
    """Run every check; the first that fails decides the exit code."""
    steps: list[tuple[str | Path, ...]] = [
        (PYTHON, "-m", "ruff", "check", "."),
        (PYTHON, "-m", "ruff", "format", "--check", "."),
        (PYTHON, "-m", "mypy"),
    ]
    for step in steps:
        code = _run(*step)
        if code != 0:
            return code
    # two workers (the CI machine has two cores), each taking the next test when free, so
    # the long state-machine tests run beside the rest
    code = _run(PYTHON, "-m", "pytest", "-n", "2", "--dist", "worksteal", *args)
    if code == PYTEST_NO_TESTS_COLLECTED:
        # pytest says 5 when it collected nothing: for this suite that means it is broken
        # (a wrong path, an import error hidden by a filter), never that all is well.
        print("pytest collected no tests: the suite did not run", file=sys.stderr)
    return code


def l10n(_args: list[str]) -> int:
    """Extract messages from src/, update ar and en catalogs, compile them."""
    return _run(PYTHON, "-m", "microgigs.l10n.catalogs")


JOBS = {"demo": demo, "tour": tour, "check": check, "l10n": l10n}


def main() -> int:
    """Run the job named on the command line."""
    if len(sys.argv) < 2 or sys.argv[1] not in JOBS:  # noqa: PLR2004 (program name + job)
        print(__doc__)
        return 2
    ensure_environment()
    return JOBS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())

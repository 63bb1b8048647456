"""Run every benchmark, P1 to P9, one after the other; each prints its table (P1–P8 JSON too).

    .venv/bin/python bench/run_all.py [--postgres DSN] [--full]

By default P5 and P6 run at a tenth of their sizes (100,000 entries, 100,000 services,
100,000 projects; the projects take about two minutes to load on both databases), so the
whole run stays short; ``--full`` runs them at 1,000,000, as the figures in
``docs/performance.md`` were measured (P6 alone then loads for about six minutes, and its
open projects for much longer). Without a PostgreSQL DSN
(``--postgres`` or ``MICROGIGS_TEST_POSTGRES_DSN``), P2
and the PostgreSQL rows of P5 and P6 are left out.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    """Run the scripts; the exit code is the first failure's."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", default=os.environ.get("MICROGIGS_TEST_POSTGRES_DSN"))
    parser.add_argument("--full", action="store_true", help="P5 and P6 at 1,000,000")
    options = parser.parse_args()
    size = "1000000" if options.full else "100000"
    pg = ["--postgres", options.postgres] if options.postgres else []
    runs: list[list[str]] = [
        ["p1_sqlite.py"],
        ["p3_memory.py"],
        ["p4_transition.py"],
        ["p5_balance.py", "--entries", size, *pg],
        ["p6_catalog.py", "--services", size, *pg],
        ["p6_projects.py", "--projects", size, *pg],
        ["p7_memory_size.py"],
        ["p8_codec.py"],
        ["search_recall.py"],
    ]
    if options.postgres:
        runs.insert(1, ["p2_postgres.py"])
    env = {**os.environ, "MICROGIGS_BENCH_POSTGRES_DSN": options.postgres or ""}
    for script, *args in runs:
        started = time.monotonic()
        print(f"\n$ {script} {' '.join(args)}", flush=True)
        code = subprocess.run(  # noqa: S603 (our own scripts, our own interpreter)
            [sys.executable, str(HERE / script), *args], env=env, check=False
        ).returncode
        print(f"  ({time.monotonic() - started:.0f} s)", flush=True)
        if code:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The examples are run by the suite, so they cannot rot."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_demo_runs_a_marketplace_on_sqlite_and_audits_clean(tmp_path):
    database = tmp_path / "demo.sqlite3"
    result = subprocess.run(  # noqa: S603 (our own example, our own interpreter)
        [sys.executable, str(ROOT / "examples" / "demo.py"), "--db", str(database)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    lines = result.stdout.splitlines()
    assert database.exists()
    assert "$205.00  تم التسليم / completed" in result.stdout
    assert "$15.00  ملغى / cancelled" in result.stdout
    assert any(line.endswith("| $75.00") and "wallet" in line for line in lines)
    assert any(line.endswith("| $164.00") and "available" in line for line in lines)
    assert any(line.endswith("| $41.00") and "platform" in line for line in lines)
    assert "audit: 0 issues" in result.stdout
    assert "catalog.own_service" in result.stdout

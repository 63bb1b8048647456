"""The examples are run by the suite, so they cannot rot."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_demo_prices_the_seed_order_and_splits_it_80_20():
    result = subprocess.run(  # noqa: S603 (our own example, our own interpreter)
        [sys.executable, str(ROOT / "examples" / "demo.py")],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert "$205.00 = seller $164.00 + platform $41.00, 6 days" in result.stdout
    assert "[en] $240.00 = $192.00 + $48.00" in result.stdout
    assert "catalog.own_service" in result.stdout

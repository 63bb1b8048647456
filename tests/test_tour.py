"""``python3 dev.py tour`` (``examples/demo.py`` without ``--db``) cleans up after itself."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_tour_leaves_no_temporary_folder(tmp_path):
    subprocess.run(  # noqa: S603 (our own example, our own interpreter)
        [sys.executable, str(ROOT / "examples" / "demo.py")],
        capture_output=True,
        check=True,
        timeout=120,
        env={**os.environ, "TMPDIR": str(tmp_path)},
    )
    assert [] == list(tmp_path.iterdir())

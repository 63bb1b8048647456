"""Side-by-side timing: candidates interleaved in one process, median of several repeats.

Machines are shared and noisy, so every figure is a ratio of two candidates measured in the
same run, never an absolute time.
"""

from __future__ import annotations

import json
import platform
import statistics
import sys
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def measure(
    candidates: Mapping[str, Callable[[int], None]],
    *,
    loops: int,
    repeats: int = 7,
) -> dict[str, float]:
    """Median nanoseconds per operation of each candidate; ``run(loops)`` does ``loops`` ops.

    Each repeat runs every candidate once, in turn, so drift in the machine's speed touches
    all of them alike.
    """
    samples: dict[str, list[float]] = {name: [] for name in candidates}
    for run in candidates.values():  # warm up caches and lazy imports
        run(max(1, loops // 10))
    for _ in range(repeats):
        for name, run in candidates.items():
            started = time.perf_counter_ns()
            run(loops)
            samples[name].append((time.perf_counter_ns() - started) / loops)
    return {name: statistics.median(values) for name, values in samples.items()}


def report(figure: str, rows: list[tuple[str, float, str]], timings: Mapping[str, float]) -> None:
    """Print a table of ratios against their targets and write it as JSON."""
    print(f"{figure}  ({platform.python_implementation()} {platform.python_version()})")
    for name, value in timings.items():
        print(f"  {name:<40} {value:>12.1f} ns/op")
    for label, ratio, target in rows:
        print(f"  {label:<52} {ratio:>8.2f}   target {target}")
    RESULTS.mkdir(exist_ok=True)
    payload = {
        "figure": figure,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "machine": platform.machine(),
        "timings_ns": dict(timings),
        "ratios": [
            {"label": label, "ratio": ratio, "target": target} for label, ratio, target in rows
        ],
    }
    name = figure.split(maxsplit=1)[0].lower()
    (RESULTS / f"{name}.json").write_text(json.dumps(payload, indent=2))

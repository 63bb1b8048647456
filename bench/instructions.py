"""Instructions per operation, counted by valgrind: what P1 and P3 cost, unmoved by noise.

Timings on a shared machine drift by a third between runs; the number of machine
instructions a piece of work executes does not. Each subject runs twice under
``valgrind --tool=cachegrind`` (``--cache-sim=no``: it counts, it does not simulate), with a
small and a large count of operations; the difference divided by the difference of the
counts is the cost of one operation, without the interpreter's start-up and the setup.

Subjects:

* ``dict``: P3's hand-written dict program, one lifecycle;
* ``memory``: the lifecycle on the memory adapter (P3's library side);
* ``command``: one use case that does nothing, on the memory adapter: the fixed cost of
  every command (unit of work, idempotency record, commit);
* ``sqlite``: the lifecycle on the SQLite adapter (P1's library side);
* ``sqlite-raw``: P1's baseline, the same statements sent through raw ``sqlite3``;
* ``codec`` and ``codec-pydantic``: P8's round trip of its order, by the storage codec and
  by pydantic v2 (not counted by default: ``bench/instructions.py codec codec-pydantic``).

Instructions are not time (a cache miss or a system call costs many), but a change that
removes work shows here at once, and the same counts come out on every run.

Run: .venv/bin/python bench/instructions.py [subject …]    (needs valgrind)
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import attrs
import p8_codec
from harness import RESULTS
from lifecycle import cast, play
from p1_sqlite import sqlite_replayer
from p3_memory import DictMarket
from replay import record
from sqlbench import known_ids

from microgigs.actors import Actor
from microgigs.marketplace import Context, handles
from microgigs.marketplace.commands import Command
from microgigs.orders import Order
from microgigs.storage import MemoryStorage
from microgigs.storage.codec import decode, encode
from microgigs.storage.ports import Storage
from microgigs.storage.sqlite import SQLiteStorage

COUNTS = {
    "dict": (1_000, 11_000),
    "command": (100, 1_100),
    "codec": (100, 1_100),
    "codec-pydantic": (100, 1_100),
}
DEFAULT_COUNTS = (50, 250)
_REFS = re.compile(r"I\s+refs:\s+([\d,]+)")


def _lifecycles(storage: Storage) -> Callable[[int], None]:
    played = cast(storage)

    def run(n: int) -> None:
        for _ in range(n):
            play(played)

    return run


def _dict(_folder: Path) -> Callable[[int], None]:
    market = DictMarket()

    def run(n: int) -> None:
        for i in range(n):
            market.play(i)

    return run


@attrs.frozen
class Noop(Command[None]):
    """A command whose handler does nothing: what the path every command takes costs."""

    actor: Actor


@handles(Noop)
def _noop(_command: Noop, _context: Context) -> None:
    return None


def _command(_folder: Path) -> Callable[[int], None]:
    played = cast(MemoryStorage("USD"))
    market, buyer = played.market, played.buyer

    def run(n: int) -> None:
        for i in range(n):
            market.execute(Noop(buyer, key=f"noop-{i}"))

    return run


def _codec(*, with_pydantic: bool) -> Callable[[int], None]:
    order = p8_codec.an_order()
    if with_pydantic:
        model = p8_codec.as_model(order)
        kind = type(model)

        def by_pydantic(n: int) -> None:
            for _ in range(n):
                kind.model_validate_json(model.model_dump_json())

        return by_pydantic

    def by_codec(n: int) -> None:
        for _ in range(n):
            decode(encode(order), Order)

    return by_codec


def _sqlite_raw(folder: Path, most: int) -> Callable[[int], None]:
    storage = SQLiteStorage(folder / "raw.db", currency="USD")
    played = cast(storage)
    script = record(storage, lambda: play(played), f"L{played.played}-", known_ids(played))
    storage.close()
    send = sqlite_replayer(sqlite3.connect(folder / "raw.db", isolation_level=None))(script)
    # renamed for the largest count whatever the count, so renaming cancels out
    scripts = [script.renamed() for _ in range(most)]

    def run(n: int) -> None:
        for transactions in scripts[:n]:
            send(transactions)

    return run


def subject(name: str, folder: Path) -> Callable[[int], None]:
    """The function doing ``n`` operations of ``name``."""
    most = COUNTS.get(name, DEFAULT_COUNTS)[1]
    makers: dict[str, Callable[[], Callable[[int], None]]] = {
        "dict": lambda: _dict(folder),
        "memory": lambda: _lifecycles(MemoryStorage("USD")),
        "command": lambda: _command(folder),
        "sqlite": lambda: _lifecycles(SQLiteStorage(folder / "library.db", currency="USD")),
        "sqlite-raw": lambda: _sqlite_raw(folder, most),
        "codec": lambda: _codec(with_pydantic=False),
        "codec-pydantic": lambda: _codec(with_pydantic=True),
    }
    return makers[name]()


def counted(name: str, n: int) -> int:
    """Instructions of a whole process doing ``n`` operations of ``name``."""
    valgrind = shutil.which("valgrind") or "valgrind"
    done = subprocess.run(  # noqa: S603 (valgrind on our own interpreter and script)
        [valgrind, "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
         sys.executable, __file__, "--one", name, str(n)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    found = _REFS.search(done.stderr)
    assert found, done.stderr[-2000:]
    return int(found.group(1).replace(",", ""))


def per_operation(name: str) -> int:
    """Instructions of one operation of ``name``."""
    few, many = COUNTS.get(name, DEFAULT_COUNTS)
    return (counted(name, many) - counted(name, few)) // (many - few)


def main() -> int:
    """Count the subjects asked for (all by default) and print a table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("subjects", nargs="*", default=["dict", "memory", "command", "sqlite",
                                                        "sqlite-raw"])  # fmt: skip
    parser.add_argument("--one", nargs=2, metavar=("SUBJECT", "COUNT"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.one:
        name, n = options.one
        with tempfile.TemporaryDirectory() as folder:
            subject(name, Path(folder))(int(n))
        return 0
    if shutil.which("valgrind") is None:
        print("valgrind is not installed: apt-get install -y valgrind")
        return 1
    figures = {name: per_operation(name) for name in options.subjects}
    for name, instructions in figures.items():
        print(f"  {name:<12} {instructions:>12,} instructions per operation")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "instructions.json").write_text(json.dumps(figures, indent=2))
    return 0


def smoke() -> None:
    """Every subject's whole path at a tiny size, without valgrind."""
    with tempfile.TemporaryDirectory() as folder:
        for name in ("dict", "memory", "command", "sqlite", "sqlite-raw", "codec",
                     "codec-pydantic"):  # fmt: skip
            subject(name, Path(folder))(2)


if __name__ == "__main__":
    sys.exit(main())

"""P3: the order lifecycle on the memory adapter ÷ a hand-written dict program.

Both do the same mutations per lifecycle: a cart line, an order with its quote (base and two
upgrades), the payment into escrow, the instructions and the delivery in the conversation,
the acceptance, the release (80% pending, 20% platform) and its clearance, each step
recorded under its idempotency key with an event in the outbox, the listing's sales
counted. The dict program checks nothing the library checks (actors, states, amounts,
versions): the ratio is the price of the rules, the copies and the unit of work.

Run: .venv/bin/python bench/p3_memory.py
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import timedelta

from harness import measure, report
from lifecycle import START, STEP, cast, check, play

from microgigs.storage import MemoryStorage

TARGET = "<= 15"


class DictMarket:
    """The lifecycle's mutations on plain dicts and lists."""

    def __init__(self) -> None:
        self.ids = itertools.count()
        self.now = START
        self.balances: dict[str, int] = defaultdict(int)
        self.balances["wallet:ahmad"] = 10**12
        self.entries: list[tuple[str, str, int]] = []
        self.commands: dict[str, object] = {}
        self.outbox: list[tuple[str, str]] = []
        self.carts: dict[str, dict[str, tuple[tuple[str, ...], int]]] = defaultdict(dict)
        self.orders: dict[str, dict[str, object]] = {}
        self.messages: dict[str, list[tuple[str, str, tuple[str, ...]]]] = defaultdict(list)
        self.releases: list[tuple[object, str, int]] = []
        self.sales: dict[str, int] = defaultdict(int)

    def post(self, key: str, moves: list[tuple[str, int]]) -> None:
        transaction = f"T{next(self.ids)}"
        for account, amount in moves:
            self.entries.append((transaction, account, amount))
            self.balances[account] += amount
        self.commands[key] = transaction

    def play(self, n: int) -> None:
        key = f"L{n}-"
        self.carts["ahmad"]["logo"] = (("U1", "U2"), 1)
        self.commands[key + "cart"] = None
        # checkout: the order and its quote, paid from the balance into escrow
        ((service, (upgrades, quantity)),) = self.carts["ahmad"].items()
        lines = [("base", 500 * quantity), *((u, 500 if u == "U1" else 1000) for u in upgrades)]
        total = sum(amount for _, amount in lines)
        order = f"O{next(self.ids)}"
        self.orders[order] = {"service": service, "lines": lines, "total": total,
                              "status": "awaiting_instructions", "placed_at": self.now,
                              "history": [("placed", self.now)]}  # fmt: skip
        self.carts["ahmad"].clear()
        self.post(key + "pay", [("wallet:ahmad", -total), (f"escrow:{order}", total)])
        self.outbox.append(("order.transitioned", order))
        self.commands[key + "pay"] = [order]
        # instructions, delivery, acceptance
        for event, status, body, files in (
            ("send_instructions", "in_progress", "الاسم: نخلة", ()),
            ("deliver", "awaiting_acceptance", "إليك الشعار", ("logo.png",)),
        ):
            self.messages[order].append((event, body, files))
            self.orders[order]["status"] = status
            self.orders[order]["history"].append((event, self.now))  # type: ignore[attr-defined]
            self.outbox.append(("order.transitioned", order))
            self.commands[key + event] = None
        self.orders[order]["status"] = "completed"
        self.orders[order]["history"].append(("accept", self.now))  # type: ignore[attr-defined]
        self.outbox.append(("order.transitioned", order))
        self.sales[service] += 1
        seller = total * 80 // 100
        self.post(key + "accept", [(f"escrow:{order}", -total), ("pending:sara", seller),
                                   ("revenue", total - seller)])  # fmt: skip
        self.releases.append((self.now + timedelta(seconds=1), order, seller))
        # tick: clear what is due
        self.now += STEP
        due = [r for r in self.releases if r[0] <= self.now]
        for release in due:
            self.post(f"clear:{release[1]}", [("pending:sara", -release[2]),
                                              ("available:sara", release[2])])  # fmt: skip
            self.releases.remove(release)


def run(loops: int = 2_000, repeats: int = 7) -> dict[str, float]:
    """Measure both; return the timings (ns per lifecycle)."""
    library = cast(MemoryStorage("USD"))
    plain = DictMarket()
    counter = itertools.count()

    def with_library(n: int) -> None:
        for _ in range(n):
            play(library)

    def with_dicts(n: int) -> None:
        for _ in range(n):
            plain.play(next(counter))

    timings = measure({"microgigs, memory adapter": with_library, "dict program": with_dicts},
                      loops=loops, repeats=repeats)  # fmt: skip
    check(library)
    ratio = timings["microgigs, memory adapter"] / timings["dict program"]
    report("P3 in-memory lifecycle", [("memory adapter ÷ dict program", ratio, TARGET)], timings)
    return timings


def smoke() -> None:
    """The whole path at a tiny size."""
    run(loops=3, repeats=1)


if __name__ == "__main__":
    run()

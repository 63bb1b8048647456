"""What P1 and P2 share: the lifecycle on an SQL adapter beside its replay on the raw driver."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness import measure, report
from lifecycle import Cast, cast, check, play
from replay import Script, record

from microgigs import ledger as lg
from microgigs.ids import MemberId
from microgigs.money import Money


def known_ids(c: Cast) -> set[str]:
    """The ids that exist before the recorded lifecycle: members, the service, upgrades."""
    members = {c.seller.member_id or "", c.buyer.member_id or ""}
    return {*members, c.service, *c.upgrades}


def compare(
    figure: str,
    label: str,
    target: str,
    *,
    library_store: Any,
    baseline_store: Any,
    replayer: Callable[[Script], Callable[[list[Any]], None]],
    reopen: Callable[[], Any],
    loops: int,
    repeats: int,
) -> float:
    """Time the lifecycle on ``library_store`` against its replay on ``baseline_store``."""
    library = cast(library_store)
    baseline = cast(baseline_store)
    script = record(baseline_store, lambda: play(baseline), f"L{baseline.played}-",
                    known_ids(baseline))  # fmt: skip
    seller = baseline.seller.member_id or MemberId("-")
    before = baseline.market.balance(lg.available(seller))
    baseline_store.close()
    send = replayer(script)
    scripts = [script.renamed() for _ in range(loops * (repeats + 1) + 2)]
    feed = iter(scripts)

    def with_library(n: int) -> None:
        for _ in range(n):
            play(library)

    sent = [0]

    def raw(n: int) -> None:
        for _ in range(n):
            send(next(feed))
        sent[0] += n

    timings = measure({"microgigs adapter": with_library, "raw driver, same SQL": raw},
                      loops=loops, repeats=repeats)  # fmt: skip
    check(library)
    # the replays were whole lifecycles: each cleared the seller's $16 in the baseline too
    again = reopen()
    try:
        with again.unit_of_work() as uow:
            after = uow.ledger.balance(lg.available(seller))
    finally:
        again.close()
    assert before + Money(1600, "USD") * sent[0] == after, (before, sent[0], after)
    ratio = timings["raw driver, same SQL"] / timings["microgigs adapter"]
    report(figure, [(label, ratio, target)], timings)
    print(f"  statements per lifecycle: {script.statements()} in {len(script.transactions)}"
          f" transactions; seller's available before the replays {before}")  # fmt: skip
    return ratio

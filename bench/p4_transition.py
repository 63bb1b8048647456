"""P4: one order transition, guards included, against a dict lookup and `transitions`.

The transition measured is the guarded self-loop pair of a mutual cancellation on an order
in progress: the seller asks to cancel (guard: no request open), the buyer refuses (guard:
the other party asked). Every candidate performs the same two transitions per loop.

Run: .venv/bin/python bench/p4_transition.py
"""

from __future__ import annotations

from datetime import timedelta

from harness import measure, report
from transitions import Machine

from microgigs import KHAMSAT
from microgigs.actors import Actor
from microgigs.ids import MemberId
from microgigs.orders import Order, OrderEvent, OrderStatus, Party, decide
from microgigs.testing.examples import BUYER_ID, EPOCH, place_order

POLICY = KHAMSAT.orders
BUYER = Actor.member(BUYER_ID)
SELLER = Actor.member(MemberId("M-sara_designs"))
NOW = EPOCH + timedelta(hours=2)
REQUEST, REFUSE = OrderEvent.REQUEST_CANCELLATION, OrderEvent.REFUSE_CANCELLATION


def in_progress() -> Order:
    order = place_order()
    order.apply(OrderEvent.SEND_INSTRUCTIONS, BUYER, EPOCH + timedelta(hours=1), POLICY)
    return order


def dict_lookup(loops: int) -> None:
    table = {
        (OrderStatus.IN_PROGRESS, REQUEST): OrderStatus.IN_PROGRESS,
        (OrderStatus.IN_PROGRESS, REFUSE): OrderStatus.IN_PROGRESS,
    }
    status = OrderStatus.IN_PROGRESS
    for _ in range(loops):
        status = table[status, REQUEST]
        status = table[status, REFUSE]


def microgigs_decide(loops: int) -> None:
    # The decision alone (table, party, guard) on an order with and without a request.
    asked = in_progress()
    asked.apply(REQUEST, SELLER, NOW, POLICY)
    fresh = in_progress()
    for _ in range(loops):
        decide(fresh, REQUEST, Party.SELLER, NOW, POLICY)
        decide(asked, REFUSE, Party.BUYER, NOW, POLICY)


def microgigs_apply(loops: int) -> None:
    order = in_progress()
    for _ in range(loops):
        order.apply(REQUEST, SELLER, NOW, POLICY)
        order.apply(REFUSE, BUYER, NOW, POLICY)
        order.history.clear()  # keep memory flat; apply() itself is what is timed
        order.published = 0


class _Model:
    def __init__(self) -> None:
        self.requested_by: str | None = None

    def no_request_open(self, _party: str) -> bool:
        return self.requested_by is None

    def asked_by_other(self, party: str) -> bool:
        return self.requested_by is not None and self.requested_by != party

    def remember(self, party: str) -> None:
        self.requested_by = party

    def forget(self, _party: str) -> None:
        self.requested_by = None


def transitions_library(loops: int) -> None:
    model = _Model()
    Machine(
        model=model,
        states=[s.value for s in OrderStatus],
        initial=OrderStatus.IN_PROGRESS.value,
        auto_transitions=False,
        transitions=[
            {
                "trigger": "request",
                "source": "in_progress",
                "dest": "in_progress",
                "conditions": "no_request_open",
                "after": "remember",
            },
            {
                "trigger": "refuse",
                "source": "in_progress",
                "dest": "in_progress",
                "conditions": "asked_by_other",
                "after": "forget",
            },
        ],
    )
    for _ in range(loops):
        model.request("seller")  # type: ignore[attr-defined]
        model.refuse("buyer")  # type: ignore[attr-defined]


def main() -> None:
    timings = measure(
        {
            "dict lookup": dict_lookup,
            "microgigs decide()": microgigs_decide,
            "microgigs Order.apply()": microgigs_apply,
            "transitions library": transitions_library,
        },
        loops=20_000,
    )
    base, lib = timings["dict lookup"], timings["transitions library"]
    decide_ns, apply_ns = timings["microgigs decide()"], timings["microgigs Order.apply()"]
    report(
        "P4 order transition",
        [
            ("decide() ÷ dict lookup", decide_ns / base, "≤ 15"),
            ("decide() ÷ transitions library", decide_ns / lib, "≤ 0.5"),
            ("Order.apply() ÷ dict lookup", apply_ns / base, "(whole transition)"),
            ("Order.apply() ÷ transitions library", apply_ns / lib, "≤ 0.5"),
        ],
        timings,
    )


if __name__ == "__main__":
    main()


def smoke() -> None:
    """Every candidate, a few loops: for the test suite, so the script cannot rot."""
    for run in (dict_lookup, microgigs_decide, microgigs_apply, transitions_library):
        run(3)

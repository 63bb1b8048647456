"""Random event sequences: terminal stays terminal, history = version, timers fire once."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from microgigs.errors import MicrogigsError
from microgigs.money import Money
from microgigs.orders import OrderEvent, Party
from microgigs.policy import KHAMSAT
from microgigs.testing.examples import EPOCH, place_order

from .conftest import ADMIN, BUYER, SELLER, SYSTEM

ACTORS = {Party.BUYER: BUYER, Party.SELLER: SELLER, Party.ADMIN: ADMIN, Party.SYSTEM: SYSTEM}
POLICY = attrs.evolve(KHAMSAT.orders, auto_cancel_unstarted_after=KHAMSAT.orders.auto_accept_after)
steps = st.lists(
    st.tuples(
        st.sampled_from(list(OrderEvent)),
        st.sampled_from(list(Party)),
        st.integers(0, 5 * 24),  # hours since the previous step
    ),
    max_size=40,
)


@given(steps)
def test_random_sequences_keep_the_invariants(sequence):
    order = place_order()
    now = EPOCH
    for event, party, hours in sequence:
        now += timedelta(hours=hours)
        was_terminal = order.status.is_terminal
        before = attrs.asdict(order)
        try:
            order.apply(
                event,
                ACTORS[party],
                now,
                POLICY,
                reason="سبب",
                refund=Money.of(5, "USD") if event is OrderEvent.RESOLVE_PARTIAL_REFUND else None,
            )
        except MicrogigsError:
            assert before == attrs.asdict(order)
        else:
            assert not was_terminal
        assert len(order.history) == order.version
        if order.status.is_terminal:
            assert order.next_due is None
        # a due timer fires exactly once: firing it again at the same moment is refused
        due = order.due_event(now, POLICY)
        if due is not None:
            order.apply(due, SYSTEM, now, POLICY)
            fired = attrs.asdict(order)
            with pytest.raises(MicrogigsError):
                order.apply(due, SYSTEM, now, POLICY)
            assert fired == attrs.asdict(order)
    statuses = [entry.to_status for entry in order.history]
    for index, status in enumerate(statuses):
        if status.is_terminal:
            assert [status] == statuses[index:]

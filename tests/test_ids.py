from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from microgigs.clock import ManualClock
from microgigs.ids import MemberId, OrderId, UlidGenerator

START = datetime(2026, 1, 1, tzinfo=UTC)
CROCKFORD = set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")


def test_a_seeded_generator_is_deterministic():
    first = UlidGenerator(ManualClock(START), seed=42)
    second = UlidGenerator(ManualClock(START), seed=42)
    assert [first.new(OrderId) for _ in range(5)] == [second.new(OrderId) for _ in range(5)]


def test_ids_are_26_crockford_characters():
    value = UlidGenerator(ManualClock(START)).new(MemberId)
    assert 26 == len(value)
    assert set(value) <= CROCKFORD


@given(st.lists(st.integers(-5_000, 5_000), min_size=1, max_size=60), st.integers(0, 2**32))
def test_ids_strictly_increase_whatever_the_clock_does(steps_ms, seed):
    clock = ManualClock(START)
    ids = UlidGenerator(clock, seed=seed)
    made = []
    for step in steps_ms:
        clock.set(clock.now() + timedelta(milliseconds=step))
        made.append(ids.new(OrderId))
    assert sorted(made) == made
    assert len(set(made)) == len(made)


def test_ids_sort_by_creation_time_across_generators():
    early = UlidGenerator(ManualClock(START), seed=1).new(OrderId)
    late = UlidGenerator(ManualClock(START + timedelta(milliseconds=1)), seed=2).new(OrderId)
    assert early < late

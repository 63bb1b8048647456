from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from microgigs.clock import ManualClock
from microgigs.ids import MemberId, OrderId, UlidGenerator, _encode

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


def _crockford(value: int) -> str:
    """The plain reading of a ULID: 26 digits of five bits, from the top."""
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    return "".join(alphabet[(value >> shift) & 31] for shift in range(125, -1, -5))


@given(st.integers(0, 2**128 - 1))
def test_an_id_is_its_value_in_crockford_base32(value):
    assert _crockford(value) == _encode(value)


def _millis(ulid: str) -> int:
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    return sum(alphabet.index(digit) << (5 * (9 - i)) for i, digit in enumerate(ulid[:10]))


def test_each_id_carries_the_millisecond_the_clock_reads_when_it_is_made():
    clock = ManualClock(START)
    ids = UlidGenerator(clock, seed=3)
    made = []
    for step in (0, 0, 1, 1_000, 0, 86_400_000):
        clock.advance(timedelta(milliseconds=step))
        made.append((clock.now(), ids.new(OrderId)))
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    assert [(now - epoch) // timedelta(milliseconds=1) for now, _ in made] == [
        _millis(ulid) for _, ulid in made
    ]


class LocalClock:
    """A host's clock that gives local times (the protocol asks for UTC; ids hold anyway)."""

    def __init__(self, moments: list[datetime]) -> None:
        self.moments = moments

    def now(self) -> datetime:
        return self.moments.pop(0)


def test_an_id_is_stamped_with_its_instant_even_in_a_repeated_local_hour():
    # 01:30 happens twice in New York on 2026-11-01: fold=0 (EDT), then fold=1 (EST), an
    # hour later. The two compare equal as local times; their ids must be an hour apart.
    new_york = ZoneInfo("America/New_York")
    first = datetime(2026, 11, 1, 1, 30, tzinfo=new_york)
    second = first.replace(fold=1)
    ids = UlidGenerator(LocalClock([first, second]), seed=1)

    earlier, later = ids.new(OrderId), ids.new(OrderId)

    stamped = [int.from_bytes(_decode(i)[:6], "big") for i in (earlier, later)]
    assert 3_600_000 == stamped[1] - stamped[0]


def _decode(ulid: str) -> bytes:
    value = 0
    for character in ulid:
        value = value * 32 + "0123456789ABCDEFGHJKMNPQRSTVWXYZ".index(character)
    return value.to_bytes(16, "big")

"""SQLite stores a time as fixed-width UTC text: the text ``isoformat`` writes, whatever the
offset the time came with, and the same text again for the time it wrote last."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo

import attrs
from hypothesis import given
from hypothesis import strategies as st

from microgigs.clock import utc
from microgigs.storage.sqlite import SQLiteStorage
from microgigs.testing.examples import make_service

STORAGE = SQLiteStorage(":memory:", currency="USD")
OFFSETS = st.timedeltas(min_value=timedelta(hours=-23, minutes=-59), max_value=timedelta(hours=23))
TIMES = st.datetimes(
    # a day from datetime's ends, so that any offset stays within its range
    min_value=datetime(1, 1, 2),  # noqa: DTZ001 (hypothesis adds the zone)
    max_value=datetime(9999, 12, 30),  # noqa: DTZ001
    timezones=st.builds(timezone, OFFSETS),
)


class FallBack(tzinfo):
    """UTC-5 whose clocks go back to UTC-6 at 02:00 on 1 November: 01:30 happens twice."""

    def utcoffset(self, dt: datetime | None) -> timedelta:
        assert dt is not None
        second = dt.fold or dt.replace(tzinfo=None) >= datetime(dt.year, 11, 1, 2)  # noqa: DTZ001
        return timedelta(hours=-6 if second else -5)


def stored(when: datetime) -> object:
    return STORAGE._backend._time(when)


def isoformat(when: datetime) -> str:
    return utc(when).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


@given(TIMES, TIMES)
def test_a_time_is_written_as_isoformat_writes_it_in_utc(first, second):
    assert stored(first) == isoformat(first)
    assert stored(first) == isoformat(first)  # the time written last, again
    assert stored(second) == isoformat(second)
    assert stored(first) == isoformat(first)


def test_every_field_is_written_at_its_full_width():
    assert stored(datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC)) == "0999-01-02T03:04:05.000000Z"
    east = timezone(timedelta(hours=5, minutes=30))
    assert stored(datetime(2026, 1, 1, 5, 30, 0, 7, tzinfo=east)) == "2026-01-01T00:00:00.000007Z"


def test_equal_times_of_one_zone_are_still_written_as_their_own_instants():
    # Within one zone, times compare by their wall clocks: the two 01:30 of the night the
    # clocks go back are equal, an hour apart, so the time written last is found by
    # identity, not equality.
    earlier = datetime(2026, 11, 1, 1, 30, tzinfo=FallBack())
    later = earlier.replace(fold=1)
    assert earlier == later
    assert stored(earlier) == "2026-11-01T06:30:00.000000Z"
    assert stored(later) == "2026-11-01T07:30:00.000000Z"


class _FakeDatetime(datetime):
    """What a patched clock returns (freezegun's ``FakeDatetime`` is such a subclass)."""


def test_a_subclass_of_datetime_is_written_as_its_instant():
    storage = SQLiteStorage(":memory:", currency="USD")
    at = _FakeDatetime(2026, 1, 1, 9, 30, tzinfo=UTC)
    service = attrs.evolve(make_service(), created_at=at, updated_at=at)
    with storage.unit_of_work() as uow:
        uow.services.add(service)
        uow.commit()
    with storage.unit_of_work() as uow:
        assert datetime(2026, 1, 1, 9, 30, tzinfo=UTC) == uow.services.get(service.id).created_at
        assert [] == uow.requests.open_now(at)

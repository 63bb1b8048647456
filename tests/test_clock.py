from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from microgigs.clock import CALENDARS_END, ManualClock, SystemClock, earlier, later, utc
from microgigs.errors import InvalidType, NaiveDatetime

START = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)


def test_naive_datetimes_are_refused_everywhere():
    naive = datetime(2026, 1, 1, 12, 0)  # noqa: DTZ001 (the point of the test)
    with pytest.raises(NaiveDatetime):
        utc(naive)
    with pytest.raises(NaiveDatetime):
        ManualClock(naive)
    clock = ManualClock(START)
    with pytest.raises(NaiveDatetime):
        clock.set(naive)
    assert clock.now() == START


def test_aware_times_are_converted_to_utc():
    riyadh = timezone(timedelta(hours=3))
    assert datetime(2026, 1, 1, 9, 0, tzinfo=UTC) == utc(datetime(2026, 1, 1, 12, 0, tzinfo=riyadh))
    assert utc(datetime(2026, 1, 1, 12, 0, tzinfo=riyadh)).tzinfo == UTC


def test_not_a_datetime_is_a_type_error():
    with pytest.raises(InvalidType):
        utc("2026-01-01")  # type: ignore[arg-type]


def test_manual_clock_moves_by_calendar_months_and_days():
    clock = ManualClock(START)
    clock.advance(relativedelta(months=1))
    assert datetime(2026, 2, 28, 12, 0, tzinfo=UTC) == clock.now()
    clock.advance(timedelta(hours=36))
    assert datetime(2026, 3, 2, 0, 0, tzinfo=UTC) == clock.now()


def test_system_clock_is_aware_utc():
    assert SystemClock().now().tzinfo == UTC


durations = st.builds(
    relativedelta,
    months=st.integers(0, 24),
    days=st.integers(0, 400),
    hours=st.integers(0, 48),
    seconds=st.integers(0, 86_400),
)
moments = st.datetimes(
    min_value=datetime(2000, 1, 1),  # noqa: DTZ001 (hypothesis adds the zone)
    max_value=datetime(2100, 1, 1),  # noqa: DTZ001
    timezones=st.just(UTC),
)


@given(moments, durations)
def test_later_and_earlier_move_as_relativedelta_does(when, delta):
    assert (when + delta, when - delta) == (later(when, delta), earlier(when, delta))


@pytest.mark.parametrize("by", [5, "1 day", None, 2.5])
def test_a_manual_clock_moved_by_what_is_no_duration_is_a_type_error(by):
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    with pytest.raises(InvalidType):
        clock.advance(by)  # type: ignore[arg-type]
    assert datetime(2026, 1, 1, tzinfo=UTC) == clock.now()


def test_a_deadline_past_the_calendars_end_is_its_last_moment():
    # a new user's probe: tick on 9999-12-31 raised a bare "year 10000 is out of range"
    end = datetime(9999, 12, 31, 12, tzinfo=UTC)
    for delta in (relativedelta(months=1), relativedelta(days=3)):
        assert CALENDARS_END == later(end, delta)
    # a day short of the calendar's end: it reads in any time zone (a hostile review: a
    # database session west of UTC could not read datetime.max back)
    assert CALENDARS_END == later(datetime(9999, 12, 29, tzinfo=UTC), relativedelta(days=1))
    west = timezone(-timedelta(hours=12))
    assert later(end.astimezone(west), relativedelta(days=3)).astimezone(west).year == 9999

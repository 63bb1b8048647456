"""Time comes from a :class:`Clock` the host injects; the domain never reads the wall clock.

Every time inside the library is timezone-aware UTC. :func:`utc` is the one gate: it turns an
aware time into UTC and refuses a naive one with :class:`~microgigs.errors.NaiveDatetime`.

>>> clock = ManualClock(datetime(2026, 1, 1, 9, 0, tzinfo=UTC))
>>> clock.advance(relativedelta(days=3))
>>> clock.now().isoformat()
'2026-01-04T09:00:00+00:00'
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from typing import Final, Protocol

from dateutil.relativedelta import relativedelta

from microgigs._text import _
from microgigs.errors import InvalidType, NaiveDatetime

__all__ = ["Clock", "ManualClock", "SystemClock", "earlier", "later", "utc"]


def utc(value: datetime) -> datetime:
    """``value`` in UTC; a naive datetime is refused, never guessed."""
    if type(value) is datetime and value.tzinfo is UTC:
        return value
    if not isinstance(value, datetime):
        raise InvalidType(field=_("time"), expected=_("a datetime"), actual=type(value).__name__)
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDatetime(value=value.isoformat())
    return value.astimezone(UTC)


@functools.lru_cache(maxsize=256)
def _fixed(delta: relativedelta) -> timedelta | None:
    if delta.years or delta.months or delta.weekday is not None or delta.year is not None:
        return None
    absolute = (delta.month, delta.day, delta.hour, delta.minute, delta.second, delta.microsecond)
    if any(part is not None for part in absolute):
        return None
    return timedelta(
        days=delta.days,
        hours=delta.hours,
        minutes=delta.minutes,
        seconds=delta.seconds,
        microseconds=delta.microseconds,
    )


CALENDARS_END: Final = datetime(9999, 12, 30, tzinfo=UTC)
"""The latest deadline: one past it is this, never reached. A day short of the calendar's
end, so that it reads in any time zone (a database session's too) without overflowing."""


def later(when: datetime, delta: relativedelta) -> datetime:
    """``when`` moved by a policy duration.

    Calendar-aware for months and years; as fast as a ``timedelta`` for the fixed days and
    hours most policies use.

    >>> later(datetime(2026, 1, 31, tzinfo=UTC), relativedelta(months=1)).date().isoformat()
    '2026-02-28'
    >>> later(datetime(2026, 1, 31, tzinfo=UTC), relativedelta(days=3)).date().isoformat()
    '2026-02-03'
    """
    fixed = _fixed(delta)
    try:
        moved = when + fixed if fixed is not None else when + delta
    except (OverflowError, ValueError):  # past the calendar's end (year 9999): never reached
        return CALENDARS_END
    return min(moved, CALENDARS_END)


def earlier(when: datetime, delta: relativedelta) -> datetime:
    """``when`` moved back by a policy duration (the start of a window ending at ``when``).

    >>> earlier(datetime(2026, 3, 31, tzinfo=UTC), relativedelta(months=1)).date().isoformat()
    '2026-02-28'
    >>> earlier(datetime(2026, 3, 1, tzinfo=UTC), relativedelta(days=30)).date().isoformat()
    '2026-01-30'
    """
    fixed = _fixed(delta)
    return when - fixed if fixed is not None else when - delta


class Clock(Protocol):
    """Where the current time comes from."""

    def now(self) -> datetime:
        """The current time, aware, in UTC."""
        ...


class SystemClock:
    """The real clock, for hosts in production."""

    def now(self) -> datetime:
        """The wall clock's time in UTC."""
        return datetime.now(UTC)


class ManualClock:
    """A clock that moves only when told: tests, simulations and replays."""

    __slots__ = ("_now",)

    def __init__(self, start: datetime) -> None:
        self._now = utc(start)

    def now(self) -> datetime:
        """The time this clock was last set or advanced to."""
        return self._now

    def set(self, when: datetime) -> None:
        """Jump to ``when`` (forwards or backwards: replays need both)."""
        self._now = utc(when)

    def advance(self, by: timedelta | relativedelta) -> None:
        """Move forward by a duration (``relativedelta(months=1)`` is calendar-aware)."""
        if not isinstance(by, timedelta | relativedelta):
            raise InvalidType(
                field=_("duration"),
                expected=_("a timedelta or relativedelta"),
                actual=type(by).__name__,
            )
        self._now = utc(self._now + by)

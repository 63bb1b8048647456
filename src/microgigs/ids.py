"""Typed, time-sortable ids from an injected generator.

Ids are ULIDs (26 characters of Crockford base32: 48 bits of milliseconds, then 80 bits that
are random, or counted up within one millisecond), so sorting ids sorts by creation time and
an index on them stays append-only. Each kind of id is its own ``NewType``, so mypy refuses
an ``OrderId`` where a ``ServiceId`` belongs.

>>> from datetime import UTC, datetime
>>> from microgigs.clock import ManualClock
>>> ids = UlidGenerator(ManualClock(datetime(2026, 1, 1, tzinfo=UTC)), seed=7)
>>> first, second = ids.new(OrderId), ids.new(OrderId)
>>> len(first), first < second
(26, True)
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import NewType, Protocol, TypeVar

from microgigs.clock import Clock

__all__ = [
    "BidId",
    "CategoryId",
    "ContractId",
    "EventId",
    "IdGenerator",
    "InquiryId",
    "MemberId",
    "MessageId",
    "OfferId",
    "OrderId",
    "ProjectId",
    "RequestId",
    "ReviewId",
    "ServiceId",
    "TransactionId",
    "UlidGenerator",
    "UpgradeId",
    "WithdrawalId",
]

MemberId = NewType("MemberId", str)
CategoryId = NewType("CategoryId", str)
ServiceId = NewType("ServiceId", str)
UpgradeId = NewType("UpgradeId", str)
OrderId = NewType("OrderId", str)
MessageId = NewType("MessageId", str)
TransactionId = NewType("TransactionId", str)
ReviewId = NewType("ReviewId", str)
RequestId = NewType("RequestId", str)
OfferId = NewType("OfferId", str)
InquiryId = NewType("InquiryId", str)
EventId = NewType("EventId", str)
ProjectId = NewType("ProjectId", str)
BidId = NewType("BidId", str)
ContractId = NewType("ContractId", str)
WithdrawalId = NewType("WithdrawalId", str)

IdT = TypeVar("IdT", bound=str)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MILLISECOND = timedelta(milliseconds=1)
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_RANDOM_BITS = 80
_TIME_BITS = 48
_DIGIT_PAIRS = tuple(high + low for high in _ALPHABET for low in _ALPHABET)
_PAIR = (1 << 10) - 1
_CHUNK = (1 << 30) - 1


class IdGenerator(Protocol):
    """Makes new ids of any kind: ``ids.new(OrderId)``."""

    def new(self, kind: Callable[[str], IdT]) -> IdT:
        """A fresh id, greater than every id this generator made before."""
        ...


class UlidGenerator:
    """ULIDs from a clock; deterministic when given a ``seed``, cryptographic otherwise.

    Within one millisecond (or when the clock goes backwards) the previous id's random part
    is counted up, so ids from one generator are strictly increasing.
    """

    __slots__ = ("_clock", "_last", "_millis", "_moment", "_random")

    def __init__(self, clock: Clock, *, seed: int | None = None) -> None:
        self._clock = clock
        self._random: Callable[[int], int] = (
            secrets.randbits
            if seed is None
            # a seeded generator is for tests and simulations, where repeatable ids matter
            else random.Random(seed).getrandbits  # noqa: S311 (never a secret)
        )
        self._last = 0
        self._moment: datetime | None = None
        self._millis = 0

    def new(self, kind: Callable[[str], IdT]) -> IdT:
        """A fresh id of ``kind``."""
        now = self._clock.now()
        if now != self._moment or now.fold != self._moment.fold:
            # one command reads the same moment for each id it makes (a simulated clock
            # always does): its millisecond is worked out once per moment, not per id. Two
            # local times of one zone compare by their wall clock, fold aside: a repeated
            # hour's second pass is another instant.
            self._moment = now
            self._millis = ((now - _EPOCH) // _MILLISECOND) % (1 << _TIME_BITS)
        value = (self._millis << _RANDOM_BITS) | self._random(_RANDOM_BITS)
        if value <= self._last:
            value = self._last + 1
        self._last = value
        return kind(_encode(value))


def _encode(value: int) -> str:
    """The 26 digits of a 130-bit ``value`` (the top two bits zero), ten bits per lookup.

    The 128-bit value is cut once into 30-bit chunks (each fits one machine word, where a
    shift is cheap), then each chunk into its three pairs of digits: written out, 13 lookups
    cost about a third less than a loop over the shifts of the whole value.
    """
    pairs = _DIGIT_PAIRS
    a = (value >> 90) & _CHUNK
    b = (value >> 60) & _CHUNK
    c = (value >> 30) & _CHUNK
    d = value & _CHUNK
    return "".join(
        (
            pairs[(value >> 120) & _PAIR],
            pairs[a >> 20],
            pairs[(a >> 10) & _PAIR],
            pairs[a & _PAIR],
            pairs[b >> 20],
            pairs[(b >> 10) & _PAIR],
            pairs[b & _PAIR],
            pairs[c >> 20],
            pairs[(c >> 10) & _PAIR],
            pairs[c & _PAIR],
            pairs[d >> 20],
            pairs[(d >> 10) & _PAIR],
            pairs[d & _PAIR],
        )
    )

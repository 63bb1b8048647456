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

IdT = TypeVar("IdT", bound=str)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MILLISECOND = timedelta(milliseconds=1)
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_RANDOM_BITS = 80
_TIME_BITS = 48
_LENGTH = 26
_DIGIT_PAIRS = tuple(high + low for high in _ALPHABET for low in _ALPHABET)
_PAIR_SHIFTS = tuple(range(_LENGTH * 5 - 10, -1, -10))


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

    __slots__ = ("_clock", "_last", "_random")

    def __init__(self, clock: Clock, *, seed: int | None = None) -> None:
        self._clock = clock
        self._random: Callable[[int], int] = (
            secrets.randbits
            if seed is None
            # a seeded generator is for tests and simulations, where repeatable ids matter
            else random.Random(seed).getrandbits  # noqa: S311 (never a secret)
        )
        self._last = 0

    def new(self, kind: Callable[[str], IdT]) -> IdT:
        """A fresh id of ``kind``."""
        millis = ((self._clock.now() - _EPOCH) // _MILLISECOND) % (1 << _TIME_BITS)
        value = (millis << _RANDOM_BITS) | self._random(_RANDOM_BITS)
        if value <= self._last:
            value = self._last + 1
        self._last = value
        return kind(_encode(value))


def _encode(value: int) -> str:
    # ten bits (two digits) at a time, from the top: 13 lookups for 26 digits
    return "".join([_DIGIT_PAIRS[(value >> shift) & 1023] for shift in _PAIR_SHIFTS])

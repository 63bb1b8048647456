"""Bid credits: how many bids a freelancer may still place this month (RULES.md §11)."""

from __future__ import annotations

from datetime import UTC, datetime

import attrs
from dateutil.relativedelta import relativedelta

from microgigs.clock import utc
from microgigs.errors import NoBidCredits
from microgigs.ids import MemberId
from microgigs.policy import ProjectPolicy

__all__ = ["BidCredits", "next_month"]


def next_month(now: datetime) -> datetime:
    """The first moment of the calendar month after ``now`` (UTC): when credits refill."""
    when = utc(now)
    return datetime(when.year, when.month, 1, tzinfo=UTC) + relativedelta(months=1)


@attrs.define(slots=True)
class BidCredits:
    """A freelancer's bids left until ``refills_at``, when ``tick`` fills them up again.

    ``id`` is the freelancer's member id: one record each, made on their first bid.
    """

    id: MemberId
    left: int
    refills_at: datetime
    version: int = 0

    @classmethod
    def fresh(cls, member_id: MemberId, now: datetime, policy: ProjectPolicy) -> BidCredits:
        """A freelancer's first month: the policy's whole allowance."""
        return cls(member_id, policy.bid_credits_per_month, next_month(now))

    def spend(self) -> None:
        """One bid placed (:class:`~microgigs.errors.NoBidCredits` if none is left)."""
        if self.left <= 0:
            raise NoBidCredits(refills_at=self.refills_at)
        self.left -= 1
        self.version += 1

    def refund(self, placed_at: datetime, now: datetime, policy: ProjectPolicy) -> None:
        """A bid given back: its project was cancelled before hiring, or moderation removed it.

        The credit goes back to the month the bid was placed in: a bid of a month that has
        ended gives nothing back (that month's allowance ended with it), and a month never
        holds more than its allowance.
        """
        self.refill(now, policy)  # a new month's allowance first, if its time has come
        if utc(placed_at) < self.refills_at - relativedelta(months=1):
            return
        self.left = min(self.left + 1, policy.bid_credits_per_month)
        self.version += 1

    def refill(self, now: datetime, policy: ProjectPolicy) -> bool:
        """A new month's allowance, if its time has come (``tick``); True if refilled."""
        if utc(now) < self.refills_at:
            return False
        self.left = policy.bid_credits_per_month
        self.refills_at = next_month(now)
        self.version += 1
        return True

"""Aggregates stored as one document per row with the columns their queries use.

A new aggregate is a :class:`Table` (its name, its class, the columns its queries read)
and the :class:`Select` values its repository asks for: the memory adapter answers a
select by looking at the columns, the SQL adapters by turning it into one indexed query,
and a unit of work lays its staged writes over the answer with the same
:meth:`Select.matches`. Nothing else in an adapter changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Final, Generic, NamedTuple, Protocol, TypeVar

import attrs

from microgigs._text import _
from microgigs.projects import BidCredits, Contract, Project
from microgigs.withdrawals import Withdrawal


class Versioned(Protocol):
    """What a stored aggregate has: an id and the version it was read at."""

    @property
    def id(self) -> str: ...

    @property
    def version(self) -> int: ...


V = TypeVar("V", bound=Versioned)
Column = str | int | datetime | None


@attrs.frozen
class Table(Generic[V]):
    """An aggregate's table: ``name`` (also in SQL), its class, its label, its columns."""

    name: str
    kind: type[V]
    label: str
    columns: Callable[[V], Mapping[str, Column]]


class Select(NamedTuple):
    """Which rows: columns equal to values, a time column up to or after a moment, an order.

    ``order`` lists ``(column, descending)``; the id breaks ties the same way as the last
    column. Rows whose ``until`` or ``after`` column is empty never match. ``past`` is a
    page's cursor, the last row of the page before as ``(its time, its id)``: only the
    rows that come after it in a one-column time ``order`` (Stripe's ``starting_after``).

    A named tuple, not a frozen attrs class: every ``tick`` makes several (its queues of
    projects, contracts and bid credits), and a tuple is made for about two thirds of it.
    """

    equal: tuple[tuple[str, Column], ...] = ()
    until: tuple[str, datetime] | None = None
    after: tuple[str, datetime] | None = None
    order: tuple[tuple[str, bool], ...] = ()
    limit: int = 100
    past: tuple[datetime, str] | None = None

    def matches(self, columns: Mapping[str, Column]) -> bool:
        """Whether a row with these columns is selected."""
        if any(columns[name] != value for name, value in self.equal):
            return False
        for bound, below in ((self.until, True), (self.after, False)):
            if bound is not None:
                found = columns[bound[0]]
                if not isinstance(found, datetime):
                    return False
                if (found > bound[1]) if below else (found <= bound[1]):
                    return False
        return True

    def arrange(self, rows: Iterable[V], columns: Callable[[V], Mapping[str, Column]]) -> list[V]:
        """The selected ``rows`` in this order, at most ``limit`` of them."""
        chosen = [row for row in rows if self.matches(columns(row))]
        if not chosen:  # often so (nothing due at a tick): no sort keys to make
            return chosen
        descending = self.order[-1][1] if self.order else False
        if self.past is not None:
            chosen = [row for row in chosen if self._comes_past(columns(row), row.id)]
        chosen.sort(key=lambda row: row.id, reverse=descending)
        for name, down in reversed(self.order):
            chosen.sort(key=_by(columns, name), reverse=down)
        return chosen[: self.limit]

    def _comes_past(self, columns: Mapping[str, Column], key: str) -> bool:
        """Whether a row comes after the cursor ``past`` in this order (a time column's)."""
        assert self.past is not None  # noqa: S101 (only asked with a cursor)
        (name, descending), (at, last) = self.order[-1], self.past
        found = columns[name]
        if not isinstance(found, datetime):
            return False
        return (found, key) < (at, last) if descending else (found, key) > (at, last)


def _by(
    columns: Callable[[V], Mapping[str, Column]], name: str
) -> Callable[[V], tuple[int, Column]]:
    def key(row: V) -> tuple[int, Column]:
        value = columns(row)[name]
        return (0, None) if value is None else (1, value)

    return key


HELD: Final = "held"
"""The ``status`` column of an open project whose client is suspended: neither listed nor
expired by ``tick`` until the client is reinstated (the document keeps ``open``)."""


def _project_columns(project: Project) -> Mapping[str, Column]:
    return {
        "client_id": project.client_id,
        "category_id": project.terms.category_id,
        "bracket": project.terms.bracket,
        "status": HELD if project.client_suspended else project.status.value,
        "created_at": project.created_at,
        "opened_at": project.opened_at,
        "expires_at": project.expires_at,
    }


def _contract_columns(contract: Contract) -> Mapping[str, Column]:
    return {
        "project_id": contract.project_id,
        "client_id": contract.client_id,
        "freelancer_id": contract.freelancer_id,
        "status": contract.status.value,
        "offered_at": contract.offered_at,
        "next_due_at": contract.next_due_at,
        "disputed_at": contract.disputed_since,
    }


def _credit_columns(allowance: BidCredits) -> Mapping[str, Column]:
    return {"refills_at": allowance.refills_at}


def _withdrawal_columns(withdrawal: Withdrawal) -> Mapping[str, Column]:
    return {
        "seller_id": withdrawal.seller_id,
        "status": withdrawal.status.value,
        "requested_at": withdrawal.requested_at,
    }


PROJECTS: Final = Table("projects", Project, _("project"), _project_columns)
CONTRACTS: Final = Table("contracts", Contract, _("contract"), _contract_columns)
BID_CREDITS: Final = Table("bid_credits", BidCredits, _("bid credits"), _credit_columns)
WITHDRAWALS: Final = Table("withdrawals", Withdrawal, _("withdrawal"), _withdrawal_columns)
TABLES: Final[
    tuple[Table[Project] | Table[Contract] | Table[BidCredits] | Table[Withdrawal], ...]
] = (PROJECTS, CONTRACTS, BID_CREDITS, WITHDRAWALS)
"""Every aggregate stored the shared way (their SQL tables come from the migrations)."""

"""What a handler is given: the unit of work and the marketplace's parts, for one command.

A handler is ``(command, context) -> result``: it loads through ``context.uow``, calls the
domain and stages what changed. The runner (``Marketplace.execute``) does the rest: the
actor and key checks, the unit of work, the idempotency record, the commit, and voiding the
gateway charges of a command that did not commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, ClassVar, Concatenate, Final, ParamSpec, TypeVar

import attrs

from microgigs._text import _
from microgigs.actors import Actor, Role
from microgigs.catalog import CategoryTree
from microgigs.errors import (
    CurrencyMismatch,
    EmailNotVerified,
    InvalidType,
    MemberSuspended,
    NotFound,
    PaymentFailed,
    PermissionDenied,
)
from microgigs.ids import IdGenerator, MemberId, TransactionId
from microgigs.ledger import Gateway, Transaction
from microgigs.marketplace.commands import Command
from microgigs.members import Member
from microgigs.money import Money
from microgigs.payments import PaymentGateway, Receipt
from microgigs.policy import MarketplacePolicy
from microgigs.storage.ports import UnitOfWork

C = TypeVar("C")
R = TypeVar("R")
P = ParamSpec("P")
Handler = Callable[..., object]  # type: ignore[explicit-any]  # one type for every handler

TIMERS: Final = "timers"
"""The key namespace of ``tick``'s steps: no caller's key reaches it."""
HANDLERS: Final[dict[type, Handler]] = {}
"""Every command class and the function that handles it (filled by the area modules)."""


def given(command: object, names: Iterable[str]) -> dict[str, Any]:  # type: ignore[explicit-any]
    """The command's fields ``names``, by name: what a handler passes on to the domain as is.

    A use case's fields that the domain takes under the same names are listed once, beside
    its handler, for the command that creates the aggregate and the one that edits it.
    """
    return {name: getattr(command, name) for name in names}


def handles(kind: type[C]) -> Callable[[Callable[[C, Context], R]], Callable[[C, Context], R]]:
    """Register the decorated function as the handler of ``kind``."""

    def register(handler: Callable[[C, Context], R]) -> Callable[[C, Context], R]:
        HANDLERS[kind] = handler
        return handler

    return register


@attrs.frozen
class SystemStep(Command[R]):
    """A step of ``tick``: run by the system only, under keys of its own namespace."""

    actor: Actor = attrs.field(factory=Actor.system, kw_only=True)

    system_only: ClassVar[bool] = True
    key_scope: ClassVar[str | None] = TIMERS


@attrs.define(slots=True)
class Context:
    """One command's unit of work, its moment, and the marketplace's parts.

    ``key`` is the command's key in its actor's namespace: the ledger postings and gateway
    charges it makes are keyed by it, so a replay posts and charges nothing new.
    """

    uow: UnitOfWork
    key: str
    now: datetime
    ids: IdGenerator
    policy: MarketplacePolicy
    gateway: PaymentGateway
    categories: CategoryTree
    charges: list[Receipt] = attrs.Factory(list)

    def trader(self, actor: Actor) -> Member:
        """The member acting for themselves, refused if suspended.

        An admin (or the system) trades for nobody: ``PermissionDenied``, as a member's own
        pages refuse them, never ``NotFound`` of the admin's id among the members.
        """
        if actor.role is not Role.MEMBER or actor.member_id is None:
            raise PermissionDenied(actor=actor.role.label, action=_("trade"))
        member = self.uow.members.get(actor.member_id)
        member.require_can_trade()
        return member

    def require_party_trading(self, member_id: MemberId) -> None:
        """The other party this command deals with may trade: ``MemberSuspended`` if not."""
        self.uow.members.get(member_id).require_can_trade()

    def payer(self, actor: Actor) -> Member:
        """The member acting for themselves to move money: a trader, verified if the policy asks.

        Money moves (a top-up, a checkout, an accepted offer, a withdrawal) only for a member
        whose e-mail the host verified, when ``policy.ledger.require_verified_email`` says so.
        """
        member = self.trader(actor)
        if self.policy.ledger.require_verified_email and not member.email_verified:
            raise EmailNotVerified(member_id=member.id)
        return member

    def require_trading(self, actor: Actor) -> None:
        """Refuse a suspended member (admins, the system and strangers pass to the domain).

        Someone who is no member at all is the domain's to refuse (``PermissionDenied``).
        """
        member_id = actor.member_id
        if actor.role is not Role.MEMBER or member_id is None:
            return
        try:
            trading = self.uow.members.can_trade(member_id)
        except NotFound:
            return
        if not trading:
            raise MemberSuspended(member_id=member_id)

    def charge(self, payer: MemberId, amount: Money, method: Gateway) -> Receipt:
        """Charge a gateway for this run of the command; voided if the run does not commit.

        The charge's key is this run's own (the command's key and a fresh id): two runs of
        one command at once (a double submit, a retry while the first still runs) never
        share a receipt, so the one that fails voids only its own charge.
        """
        if not isinstance(method, Gateway):
            raise InvalidType(
                field=_("payment method"), expected="Gateway", actual=type(method).__name__
            )
        if not isinstance(amount, Money):  # checked before any gateway hears of it
            raise InvalidType(field=_("amount"), expected="Money", actual=type(amount).__name__)
        if amount.currency != self.policy.currency:  # the ledger keeps the policy's only
            raise CurrencyMismatch(left=self.policy.currency, right=amount.currency)
        receipt = self.gateway.charge(f"{self.key}|{self.ids.new(str)}", payer, amount, method)
        self.charges.append(receipt)
        if (receipt.payer, receipt.amount, receipt.method) != (payer, amount, method):
            raise PaymentFailed(method=method, reason=_("the receipt does not match the charge"))
        return receipt

    def post(
        self,
        posting: Callable[Concatenate[TransactionId, str, P], Transaction],
        step: str,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> None:
        """Post a ledger transaction of this command, keyed ``<the command's key>:<step>``.

        A replay of the command makes the same key, which the ledger posts only once.
        """
        made = posting(self.ids.new(TransactionId), f"{self.key}:{step}", *args, **kwargs)
        self.uow.ledger.post(made)

    def zero(self) -> Money:
        """Nothing, in the marketplace's currency."""
        return Money.zero(self.policy.currency)

"""Requests for services that don't exist (الخدمات غير الموجودة), and sellers' offers.

A buyer posts what they need; an admin approves it; sellers offer one of their services or a
custom price and delivery time; the buyer accepts one offer and it becomes an order. A
request closes when fulfilled, when its buyer closes it, or when it expires.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

import attrs

from microgigs._checks import checked_fields, of_kind, one_with_id, plain_text, whole_number
from microgigs._contact import message_text
from microgigs._labels import LabelledEnum, label_members
from microgigs._text import _
from microgigs.actors import Actor
from microgigs.catalog import ServiceSnapshot, check_price
from microgigs.clock import later, utc
from microgigs.errors import (
    InvalidType,
    MicrogigsError,
    NotFound,
    OfferExists,
    OwnService,
    PermissionDenied,
    RequestClosed,
    ServiceStatusConflict,
)
from microgigs.ids import CategoryId, MemberId, OfferId, OrderId, RequestId, ServiceId
from microgigs.money import Money
from microgigs.policy import CatalogPolicy

__all__ = [
    "TEXT_LENGTH",
    "TITLE_LENGTH",
    "Offer",
    "RequestStatus",
    "ServiceRequest",
    "request_refusals",
]

TEXT_LENGTH: Final = (10, 2000)
"""How many characters a request's description and an offer's message hold."""
TITLE_LENGTH: Final = (10, 120)
"""How many characters a request's title holds."""


class RequestStatus(LabelledEnum):
    """Where a request stands."""

    PENDING_REVIEW = "pending_review"
    OPEN = "open"
    FULFILLED = "fulfilled"
    CLOSED = "closed"
    REJECTED = "rejected"


label_members(
    {
        RequestStatus.PENDING_REVIEW: _("pending review"),
        RequestStatus.OPEN: _("open"),
        RequestStatus.FULFILLED: _("fulfilled"),
        RequestStatus.CLOSED: _("closed"),
        RequestStatus.REJECTED: _("rejected"),
    }
)


@attrs.frozen
class Offer:
    """A seller's answer: one of their services, or a custom price and delivery time."""

    id: OfferId
    seller_id: MemberId
    message: str
    made_at: datetime
    service_id: ServiceId | None = None
    price: Money | None = None
    delivery_days: int | None = None


def request_refusals(
    policy: CatalogPolicy, *, title: str, description: str, budget: Money | None = None
) -> dict[str, MicrogigsError]:
    """Every field of a request the rules refuse, by name, in a form's order.

    ``post_request`` raises the first, by the same checks; a host's form names them all
    at once (a walk-through: the budget was refused, then the title, then the details).
    Empty when every field passes.

    >>> from microgigs.policy import KHAMSAT
    >>> list(request_refusals(KHAMSAT.catalog, title="شعار", description="قصير",
    ...                       budget=Money(1, "USD")))
    ['title', 'description', 'budget']
    """
    return _content(policy, title=title, description=description, budget=budget)[1]


def _content(
    policy: CatalogPolicy, *, title: str, description: str, budget: Money | None
) -> tuple[dict[str, object], dict[str, MicrogigsError]]:
    """A request's texts checked (each as kept) and each refusal, in a form's order."""
    policy = of_kind(_("policy"), policy, CatalogPolicy)  # not the marketplace's whole
    step = Money(1, policy.base_price_min.currency)  # any amount in the price range

    def budget_allowed() -> Money | None:
        if budget is None:
            return None
        return check_price(_("budget"), budget, policy.base_price_min, policy.unit_price_max, step)

    return checked_fields(
        (
            (
                "title",
                lambda: message_text(_("request title"), title, TITLE_LENGTH, multiline=False),
            ),
            (
                "description",
                lambda: message_text(_("request description"), description, TEXT_LENGTH),
            ),
            ("budget", budget_allowed),
        )
    )


@attrs.define(slots=True)
class ServiceRequest:
    """A buyer's request for a service nobody offers yet."""

    id: RequestId
    buyer_id: MemberId
    category_id: CategoryId
    title: str
    description: str
    created_at: datetime
    expires_at: datetime
    budget: Money | None = None
    status: RequestStatus = RequestStatus.PENDING_REVIEW
    rejection_reason: str | None = None
    offers: list[Offer] = attrs.Factory(list)
    accepted_offer: OfferId | None = None
    order_id: OrderId | None = None
    version: int = 0

    @classmethod
    def post(
        cls,
        request_id: RequestId,
        *,
        buyer_id: MemberId,
        category_id: CategoryId,
        title: str,
        description: str,
        budget: Money | None,
        now: datetime,
        policy: CatalogPolicy,
    ) -> ServiceRequest:
        """A new request, waiting for review; the first of ``request_refusals`` is raised."""
        when = utc(now)
        checked, refused = _content(policy, title=title, description=description, budget=budget)
        if refused:
            raise next(iter(refused.values()))
        return cls(
            id=request_id,
            buyer_id=buyer_id,
            category_id=category_id,
            title=str(checked["title"]),
            description=str(checked["description"]),
            created_at=when,
            expires_at=later(when, policy.request_lifetime),
            budget=budget,
        )

    def _require(self, status: RequestStatus, action: str) -> None:
        if self.status is not status:
            raise ServiceStatusConflict(status=self.status, action=action, subject=_("request"))

    def _changed(self) -> None:
        self.version += 1

    def approve(self, actor: Actor) -> None:
        """An admin publishes the request."""
        actor.require_admin(_("approve a request"))
        self._require(RequestStatus.PENDING_REVIEW, _("approve"))
        self.status = RequestStatus.OPEN
        self._changed()

    def reject(self, actor: Actor, reason: str) -> None:
        """An admin turns the request down."""
        actor.require_admin(_("reject a request"))
        self._require(RequestStatus.PENDING_REVIEW, _("reject"))
        self.rejection_reason = plain_text(_("reason"), reason, 1, 1000)
        self.status = RequestStatus.REJECTED
        self._changed()

    def is_open(self, now: datetime) -> bool:
        """Open for offers: approved, not fulfilled or closed, not expired."""
        return self.status is RequestStatus.OPEN and utc(now) < self.expires_at

    def make_offer(
        self,
        offer_id: OfferId,
        actor: Actor,
        message: str,
        now: datetime,
        policy: CatalogPolicy,
        *,
        service: ServiceSnapshot | None = None,
        price: Money | None = None,
        delivery_days: int | None = None,
    ) -> Offer:
        """A seller's offer: one of their active services, or a custom price and delivery."""
        seller_id = actor.acting_member(_("make an offer"))
        if seller_id == self.buyer_id:
            raise OwnService(service_id=self.id, action=_("make an offer on your own request"))
        if not self.is_open(now):
            raise RequestClosed(request_id=self.id)
        if any(o.seller_id == seller_id for o in self.offers):
            raise OfferExists(request_id=self.id)
        text = message_text(_("message"), message, TEXT_LENGTH)
        if service is not None:
            if service.seller_id != seller_id:  # a public service, but not theirs to offer
                raise PermissionDenied(
                    actor=actor.role.label, action=_("offer another seller's service")
                )
            if price is not None or delivery_days is not None:  # which terms would hold?
                raise InvalidType(
                    field=_("offer"),
                    expected=_("a service, or a price and delivery days"),
                    actual=_("both"),
                )
            offer = Offer(  # the service at its terms now: they hold if the seller edits it
                offer_id,
                seller_id,
                text,
                utc(now),
                service_id=service.service_id,
                price=service.base_price,
                delivery_days=service.delivery_days,
            )
        else:
            amount = check_price(
                _("offer price"),
                price,  # type: ignore[arg-type]
                policy.base_price_min,
                policy.unit_price_max,
                policy.base_price_step,
            )
            days = whole_number(
                _("delivery days"),
                delivery_days,  # type: ignore[arg-type]
                policy.delivery_days_min,
                policy.delivery_days_max,
            )
            offer = Offer(offer_id, seller_id, text, utc(now), price=amount, delivery_days=days)
        self.offers.append(offer)
        self._changed()
        return offer

    def offer(self, offer_id: OfferId) -> Offer:
        """One offer of this request."""
        return one_with_id(_("offer"), self.offers, offer_id)

    def accept(self, actor: Actor, offer_id: OfferId, order_id: OrderId, now: datetime) -> Offer:
        """The buyer takes an offer; the request is fulfilled by ``order_id``."""
        actor.require_member(self.buyer_id, _("accept an offer"))
        if not self.is_open(now):
            raise RequestClosed(request_id=self.id)
        chosen = self.offer(offer_id)
        self.accepted_offer, self.order_id = chosen.id, order_id
        self.status = RequestStatus.FULFILLED
        self._changed()
        return chosen

    def close(self, actor: Actor) -> None:
        """The buyer withdraws the request."""
        actor.require_member(self.buyer_id, _("close this request"))
        self._require(RequestStatus.OPEN, _("close"))
        self.status = RequestStatus.CLOSED
        self._changed()

    def expire(self, now: datetime) -> bool:
        """Close an open request whose time is up (what ``tick`` does); True if it closed."""
        if self.status is RequestStatus.OPEN and utc(now) >= self.expires_at:
            self.status = RequestStatus.CLOSED
            self._changed()
            return True
        return False

    def custom_service(self, offer: Offer) -> ServiceSnapshot:
        """What an order of a custom offer buys: the request's title at the offer's terms."""
        if offer.price is None or offer.delivery_days is None:
            raise NotFound(kind=_("offer"), key=offer.id)
        return ServiceSnapshot(
            service_id=ServiceId(f"offer-{offer.id}"),
            seller_id=offer.seller_id,
            category_id=self.category_id,
            title=self.title,
            instructions=self.description,
            base_price=offer.price,
            delivery_days=offer.delivery_days,
            upgrades=(),
            service_version=0,
        )

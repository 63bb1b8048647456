"""The marketplace façade: the one object a host builds and calls.

Each mutating use case is one unit of work: check the actor, load, call the domain, write
the ledger entries and the aggregates together, record the domain events in the outbox,
commit. Each takes an idempotency key: the same key with the same request returns the
first result and changes nothing more; the same key with another request is
:class:`~microgigs.errors.IdempotencyConflict`.

This first slice covers the seed's journey: members, services and their moderation (with
the catalogue index), top-ups, the cart, checkout from the balance or a gateway, the
instructions and the conversation, delivery, acceptance and release, the late-seller
cancellation and refund, and ``tick`` (automatic transitions and clearance).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Final, TypeVar

import attrs

from microgigs import ledger as lg
from microgigs._text import _
from microgigs.actors import Actor, Role
from microgigs.catalog import CategoryTree, Service, ServiceStatus, Upgrade, default_categories
from microgigs.clock import Clock, earlier, later
from microgigs.errors import (
    IdempotencyConflict,
    MicrogigsError,
    NoPayoutMethod,
    NotFound,
    PermissionDenied,
    ReviewNotAllowed,
    ServiceNotAvailable,
    StaleWrite,
)
from microgigs.ids import (
    CategoryId,
    EventId,
    IdGenerator,
    InquiryId,
    MemberId,
    MessageId,
    OfferId,
    OrderId,
    RequestId,
    ReviewId,
    ServiceId,
    TransactionId,
    UpgradeId,
)
from microgigs.inquiries import Inquiry
from microgigs.members import Member, PayoutMethod
from microgigs.money import Money
from microgigs.orders import (
    Message,
    Order,
    OrderEvent,
    OrderStatus,
    act_with_message,
    post_message,
)
from microgigs.payments import PaymentGateway
from microgigs.policy import MarketplacePolicy
from microgigs.pricing import quote
from microgigs.ranking import (
    Evaluation,
    ListingPage,
    ListingQuery,
    Ordering,
    Rating,
    Review,
    SellerLevel,
    evaluate,
    evaluation_round,
    grant_professional,
    listing_for,
    remove_professional,
    seller_metrics,
)
from microgigs.requests import ServiceRequest
from microgigs.storage.codec import encode
from microgigs.storage.ports import CommandRecord, OutboxEvent, Storage, UnitOfWork

__all__ = ["Marketplace", "TickReport"]

T = TypeVar("T")
_TICK_BATCH: Final = 200
_BEGINNING: Final = datetime(2000, 1, 1, tzinfo=UTC)
_LISTING_PAGE: Final = 100


@attrs.frozen
class TickReport:
    """What one ``tick`` did.

    Order transitions fired, releases cleared, requests expired, sellers evaluated, listings
    whose "best selling lately" count changed.
    """

    transitions: int
    cleared: int
    expired: int = 0
    evaluated: int = 0
    trending: int = 0


def _fingerprint(name: str, request: object) -> str:
    return hashlib.sha256(f"{name}|{request!r}".encode()).hexdigest()


@attrs.define
class Marketplace:
    """A marketplace: storage, clock, ids, policy and payment gateway, wired once."""

    storage: Storage
    clock: Clock
    ids: IdGenerator
    policy: MarketplacePolicy
    gateway: PaymentGateway
    categories: CategoryTree = attrs.Factory(default_categories)

    # --- the machinery of every use case --------------------------------------------------

    def _command(
        self, key: str, name: str, request: object, work: Callable[[UnitOfWork], T], result: type[T]
    ) -> T:
        """Run ``work`` once per key: a replay returns the recorded result.

        A replay racing the first run (another process, the same key) fails, either at
        commit or earlier, when what it reads already shows the winner's effect (an order
        already accepted, a review already answered); it then finds the winner's record and
        returns its result like any replay. A failure with no record under the key is the
        caller's.
        """
        fingerprint = _fingerprint(name, request)
        with self.storage.unit_of_work() as uow:
            done = uow.commands.get(key)
            if done is None:
                try:
                    outcome = work(uow)
                    record = CommandRecord(key, fingerprint, json.dumps(_plain(outcome)))
                    uow.commands.put(record)
                    uow.commit()
                except MicrogigsError:
                    done = self._recorded(key)
                    if done is None:
                        raise
                else:
                    return outcome
        if done.fingerprint != fingerprint:
            raise IdempotencyConflict(key=key)
        return _decoded(done.result, result)

    def _recorded(self, key: str) -> CommandRecord | None:
        with self.storage.unit_of_work() as uow:
            return uow.commands.get(key)

    def _publish(self, uow: UnitOfWork, order: Order) -> None:
        for event in order.pull_events():
            uow.outbox.record(
                OutboxEvent(
                    self.ids.new(EventId), "order.transitioned", encode(event), event.transition.at
                )
            )

    def _save(self, uow: UnitOfWork, order: Order) -> None:
        # events first: the stored order must remember that they were handed out
        self._publish(uow, order)
        uow.orders.save(order)

    def _add_paid(self, uow: UnitOfWork, order: Order, key: str, method: lg.Gateway | None) -> None:
        """A new order, its events, and its total paid into escrow (``None``: the balance)."""
        self._publish(uow, order)
        uow.orders.add(order)
        uow.ledger.post(
            lg.pay_order(
                self.ids.new(TransactionId), f"{key}:{order.id}", order_id=order.id,
                buyer_id=order.buyer_id, amount=order.quote.total, source=method,
                at=order.placed_at,
            )
        )  # fmt: skip

    def _member(self, uow: UnitOfWork, actor: Actor) -> Member:
        if actor.member_id is None:
            raise NotFound(kind=_("member"), key="-")
        member = uow.members.get(actor.member_id)
        member.require_can_trade()
        return member

    # --- members -------------------------------------------------------------------------

    def register_member(  # noqa: PLR0913 (a profile's parts)
        self,
        key: str,
        *,
        username: str,
        email: str,
        first_name: str,
        family_name: str,
        phone: str | None = None,
    ) -> MemberId:
        """A new member (the host has verified identity and stored the password)."""

        def work(uow: UnitOfWork) -> MemberId:
            member = Member.register(
                self.ids.new(MemberId),
                username=username,
                email=email,
                first_name=first_name,
                family_name=family_name,
                joined_at=self.clock.now(),
                phone=phone,
            )
            uow.members.add(member)
            return member.id

        request = (username, email, first_name, family_name, phone)
        return self._command(key, "register", request, work, MemberId)

    def update_profile(  # noqa: PLR0913 (the parts of a profile a member may change)
        self,
        key: str,
        actor: Actor,
        *,
        first_name: str | None = None,
        family_name: str | None = None,
        bio: str | None = None,
        avatar: str | None = None,
        phone: str | None = None,
    ) -> None:
        """A member changes the parts of their profile given (each checked first)."""

        def work(uow: UnitOfWork) -> None:
            member = self._own_profile(uow, actor)
            member.update_profile(
                first_name=first_name, family_name=family_name, bio=bio, avatar=avatar, phone=phone
            )
            uow.members.save(member)

        request = (actor, first_name, family_name, bio, avatar, phone)
        self._command(key, "update_profile", request, work, type(None))

    def verify_email(self, key: str, member_id: MemberId) -> None:
        """Record that the host confirmed a member's address (its activation link)."""

        def work(uow: UnitOfWork) -> None:
            member = uow.members.get(member_id)
            member.verify_email()
            uow.members.save(member)

        self._command(key, "verify_email", member_id, work, type(None))

    def suspend_member(self, key: str, actor: Actor, member_id: MemberId, reason: str) -> None:
        """An admin stops a member from buying and selling; their services leave the index."""

        def work(uow: UnitOfWork) -> None:
            member = uow.members.get(member_id)
            member.suspend(actor, reason)
            uow.members.save(member)
            for service in uow.services.by_seller(member_id):
                uow.listings.remove(service.id)

        self._command(key, "suspend_member", (actor, member_id, reason), work, type(None))

    def reinstate_member(self, key: str, actor: Actor, member_id: MemberId) -> None:
        """An admin lets a suspended member trade again; their active services return."""

        def work(uow: UnitOfWork) -> None:
            member = uow.members.get(member_id)
            member.reinstate(actor)
            uow.members.save(member)
            for service in uow.services.by_seller(member_id):
                if service.status is ServiceStatus.ACTIVE:
                    self._list(uow, service, member)

        self._command(key, "reinstate_member", (actor, member_id), work, type(None))

    def _own_profile(self, uow: UnitOfWork, actor: Actor) -> Member:
        if actor.member_id is None:
            raise PermissionDenied(actor=actor.role.label, action=_("edit a profile"))
        return uow.members.get(actor.member_id)

    def set_payout_methods(self, key: str, actor: Actor, methods: Sequence[PayoutMethod]) -> None:
        """Where the member's withdrawals go (PayPal first, as on Khamsat, if you like)."""

        def work(uow: UnitOfWork) -> None:
            member = self._member(uow, actor)
            member.set_payout_methods(tuple(methods))
            uow.members.save(member)

        self._command(key, "set_payout_methods", (actor, tuple(methods)), work, type(None))

    # --- services ----------------------------------------------------------------------------

    def publish_service(  # noqa: PLR0913 (a service's parts)
        self,
        key: str,
        actor: Actor,
        *,
        category_id: CategoryId,
        title: str,
        description: str,
        instructions: str,
        base_price: Money,
        delivery_days: int,
        upgrades: Sequence[tuple[str, Money, int]] = (),
        tags: Sequence[str] = (),
    ) -> ServiceId:
        """A seller's new service, sent to review."""

        def work(uow: UnitOfWork) -> ServiceId:
            seller = self._member(uow, actor)
            self.categories.category(category_id)
            service = Service.draft(
                self.ids.new(ServiceId),
                seller_id=seller.id,
                category_id=category_id,
                title=title,
                description=description,
                instructions=instructions,
                base_price=base_price,
                delivery_days=delivery_days,
                upgrades=[Upgrade(self.ids.new(UpgradeId), t, p, d) for t, p, d in upgrades],
                tags=tags,
                policy=self.policy.catalog,
                created_at=self.clock.now(),
            )
            service.submit(actor, self.clock.now())
            uow.services.add(service)
            return service.id

        request = (
            actor, category_id, title, description, instructions, base_price, delivery_days,
            tuple(upgrades), tuple(tags),
        )  # fmt: skip
        return self._command(key, "publish_service", request, work, ServiceId)

    def moderate_service(
        self, key: str, actor: Actor, service_id: ServiceId, *, reason: str | None = None
    ) -> None:
        """An admin approves a service (``reason=None``) or rejects it with a reason."""

        def work(uow: UnitOfWork) -> None:
            service = uow.services.get(service_id)
            if reason is None:
                service.approve(actor, self.clock.now())
                self._list(uow, service)
            else:
                service.reject(actor, reason, self.clock.now())
            uow.services.save(service)

        self._command(key, "moderate_service", (actor, service_id, reason), work, type(None))

    def edit_service(  # noqa: PLR0913 (every part of a service can be edited)
        self,
        key: str,
        actor: Actor,
        service_id: ServiceId,
        *,
        title: str | None = None,
        description: str | None = None,
        instructions: str | None = None,
        base_price: Money | None = None,
        delivery_days: int | None = None,
        upgrades: Sequence[tuple[str, Money, int]] | None = None,
        tags: Sequence[str] | None = None,
    ) -> None:
        """The seller changes a service; a published one leaves the index until reviewed.

        Orders already placed keep their snapshot. ``upgrades`` replaces every upgrade.
        """

        def work(uow: UnitOfWork) -> None:
            self._member(uow, actor)
            service = uow.services.get(service_id)
            service.edit(
                actor, self.policy.catalog, self.clock.now(), title=title,
                description=description, instructions=instructions, base_price=base_price,
                delivery_days=delivery_days, tags=tags,
                upgrades=None if upgrades is None else [
                    Upgrade(self.ids.new(UpgradeId), t, p, d) for t, p, d in upgrades
                ],
            )  # fmt: skip
            uow.services.save(service)
            if service.status is not ServiceStatus.ACTIVE:
                uow.listings.remove(service.id)

        request = (
            actor, service_id, title, description, instructions, base_price, delivery_days,
            None if upgrades is None else tuple(upgrades), None if tags is None else tuple(tags),
        )  # fmt: skip
        self._command(key, "edit_service", request, work, type(None))

    def pause_service(self, key: str, actor: Actor, service_id: ServiceId) -> None:
        """The seller (or an admin) stops taking orders: the service leaves the index."""

        def work(uow: UnitOfWork) -> None:
            service = uow.services.get(service_id)
            service.pause(actor, self.clock.now())
            uow.services.save(service)
            uow.listings.remove(service.id)

        self._command(key, "pause_service", (actor, service_id), work, type(None))

    def resume_service(self, key: str, actor: Actor, service_id: ServiceId) -> None:
        """The seller takes orders again: the service returns to the index."""

        def work(uow: UnitOfWork) -> None:
            seller = self._member(uow, actor)
            service = uow.services.get(service_id)
            service.resume(actor, self.clock.now())
            uow.services.save(service)
            self._list(uow, service, seller)

        self._command(key, "resume_service", (actor, service_id), work, type(None))

    def _list(self, uow: UnitOfWork, service: Service, seller: Member | None = None) -> None:
        """Put an active service in the catalogue index, its sales counted from its orders."""
        seller = seller or uow.members.get(service.seller_id)
        sold = [
            o
            for o in uow.orders.of_seller_since(service.seller_id, _BEGINNING)
            if o.service.service_id == service.id and o.status is OrderStatus.COMPLETED
        ]
        lately = self._trending_since(self.clock.now())
        uow.listings.put(
            listing_for(
                service,
                section_id=self.categories.category(service.category_id).section_id,
                seller_level=seller.level,
                rating=uow.reviews.rating_of_service(service.id),
                sales=len(sold),
                recent_sales=sum(1 for o in sold if o.placed_at >= lately),
                policy=self.policy.reviews,
            )
        )

    # --- money in ------------------------------------------------------------------------------

    def top_up(self, key: str, actor: Actor, amount: Money, method: lg.Gateway) -> None:
        """Money paid in through a gateway onto the member's balance."""

        def work(uow: UnitOfWork) -> None:
            member = self._member(uow, actor)
            self.gateway.charge(key, member.id, amount, method)
            uow.ledger.post(
                lg.top_up(
                    self.ids.new(TransactionId), f"{key}:top-up", member_id=member.id,
                    amount=amount, source=method, at=self.clock.now(),
                )
            )  # fmt: skip

        self._command(key, "top_up", (actor, amount, method), work, type(None))

    # --- the cart and checkout ---------------------------------------------------------------

    def add_to_cart(
        self,
        key: str,
        actor: Actor,
        service_id: ServiceId,
        *,
        upgrade_ids: Sequence[UpgradeId] = (),
        quantity: int = 1,
    ) -> None:
        """Put a service in the buyer's cart with chosen upgrades and a quantity."""

        def work(uow: UnitOfWork) -> None:
            buyer = self._member(uow, actor)
            cart = uow.carts.get(buyer.id)
            cart.put(
                buyer, uow.services.get(service_id), self.policy.catalog,
                upgrade_ids=upgrade_ids, quantity=quantity,
            )  # fmt: skip
            uow.carts.save(cart)

        request = (actor, service_id, tuple(upgrade_ids), quantity)
        self._command(key, "add_to_cart", request, work, type(None))

    def remove_from_cart(self, key: str, actor: Actor, service_id: ServiceId) -> None:
        """Take a service out of the buyer's cart."""

        def work(uow: UnitOfWork) -> None:
            buyer = self._member(uow, actor)
            cart = uow.carts.get(buyer.id)
            cart.remove(service_id)
            uow.carts.save(cart)

        self._command(key, "remove_from_cart", (actor, service_id), work, type(None))

    def add_favourite(self, key: str, actor: Actor, service_id: ServiceId) -> None:
        """Save another seller's active service to the member's favourites."""

        def work(uow: UnitOfWork) -> None:
            member = self._member(uow, actor)
            favourites = uow.favourites.get(member.id)
            favourites.add(member, uow.services.get(service_id))
            uow.favourites.save(favourites)

        self._command(key, "add_favourite", (actor, service_id), work, type(None))

    def remove_favourite(self, key: str, actor: Actor, service_id: ServiceId) -> None:
        """Forget a saved service."""

        def work(uow: UnitOfWork) -> None:
            member = self._member(uow, actor)
            favourites = uow.favourites.get(member.id)
            favourites.remove(service_id)
            uow.favourites.save(favourites)

        self._command(key, "remove_favourite", (actor, service_id), work, type(None))

    def checkout(self, key: str, actor: Actor, method: lg.Gateway | None = None) -> list[OrderId]:
        """Pay for the whole cart (balance, or a gateway) and place one order per line.

        A gateway is charged the total once per key; if it declines, nothing is written.
        """

        def work(uow: UnitOfWork) -> list[OrderId]:
            buyer = self._member(uow, actor)
            cart = uow.carts.get(buyer.id)
            if not len(cart):
                raise NotFound(kind=_("cart line"), key=buyer.id)
            now = self.clock.now()
            orders = []
            for line in cart:
                service = uow.services.get(line.service_id)
                service.require_buyable_by(buyer.id)
                snapshot = service.snapshot()
                priced = quote(
                    snapshot, self.policy, upgrade_ids=line.upgrade_ids, quantity=line.quantity
                )
                order = Order.place(
                    self.ids.new(OrderId), buyer_id=buyer.id, quote=priced, service=snapshot,
                    placed_at=now, policy=self.policy.orders,
                )  # fmt: skip
                orders.append(order)
            total = sum((o.quote.total for o in orders), Money.zero(self.policy.currency))
            if method is not None:
                self.gateway.charge(key, buyer.id, total, method)
            for order in orders:
                self._add_paid(uow, order, key, method)
                inquiry = uow.inquiries.about(buyer.id, order.service.service_id)
                if inquiry is not None and inquiry.order_id is None:
                    inquiry.convert(order.id)
                    uow.inquiries.save(inquiry)
            cart.clear()
            uow.carts.save(cart)
            return [o.id for o in orders]

        return self._command(key, "checkout", (actor, method), work, list)

    # --- the order --------------------------------------------------------------------------------

    def send_message(
        self,
        key: str,
        actor: Actor,
        order_id: OrderId,
        body: str,
        attachments: Sequence[str] = (),
    ) -> None:
        """Write in the order; the buyer's first message carries the instructions."""

        def work(uow: UnitOfWork) -> None:
            order = uow.orders.get(order_id)
            message = post_message(
                order, actor, body, message_id=self.ids.new(MessageId), sent_at=self.clock.now(),
                policy=self.policy.orders, attachments=attachments,
            )  # fmt: skip
            uow.orders.add_message(message)
            self._save(uow, order)

        request = (actor, order_id, body, tuple(attachments))
        self._command(key, "send_message", request, work, type(None))

    def deliver(
        self,
        key: str,
        actor: Actor,
        order_id: OrderId,
        body: str,
        attachments: Sequence[str] = (),
    ) -> None:
        """The seller delivers, with a message and files."""
        self._act(key, actor, order_id, OrderEvent.DELIVER, body, attachments)

    def request_modification(self, key: str, actor: Actor, order_id: OrderId, reason: str) -> None:
        """The buyer asks for changes to a delivery."""
        self._act(key, actor, order_id, OrderEvent.REQUEST_MODIFICATION, reason, ())

    def _act(  # noqa: PLR0913, PLR0917 (the key, who, which order, what, the message)
        self,
        key: str,
        actor: Actor,
        order_id: OrderId,
        event: OrderEvent,
        body: str,
        attachments: Sequence[str],
    ) -> None:
        def work(uow: UnitOfWork) -> None:
            order = uow.orders.get(order_id)
            message = act_with_message(
                order, event, actor, body, message_id=self.ids.new(MessageId),
                sent_at=self.clock.now(), policy=self.policy.orders, attachments=attachments,
            )  # fmt: skip
            uow.orders.add_message(message)
            self._save(uow, order)

        request = (actor, order_id, event, body, tuple(attachments))
        self._command(key, event.value, request, work, type(None))

    def report_problem(self, key: str, actor: Actor, order_id: OrderId, reason: str) -> None:
        """The buyer reports a problem: the order is disputed until an admin decides."""
        self._act(key, actor, order_id, OrderEvent.REPORT_PROBLEM, reason, ())

    def accept(self, key: str, actor: Actor, order_id: OrderId) -> None:
        """The buyer accepts the delivery: the order completes and the money is released."""
        self._transition(key, actor, order_id, OrderEvent.ACCEPT)

    def cancel_late(self, key: str, actor: Actor, order_id: OrderId) -> None:
        """The buyer cancels an order whose seller is late: the money goes back."""
        self._transition(key, actor, order_id, OrderEvent.CANCEL_LATE)

    def decline(self, key: str, actor: Actor, order_id: OrderId, reason: str | None = None) -> None:
        """The seller declines an order before delivering: the money goes back."""
        self._transition(key, actor, order_id, OrderEvent.DECLINE, reason=reason)

    def request_cancellation(
        self, key: str, actor: Actor, order_id: OrderId, reason: str | None = None
    ) -> None:
        """Either side asks to cancel by agreement (accepted by ``tick`` if left unanswered)."""
        self._transition(key, actor, order_id, OrderEvent.REQUEST_CANCELLATION, reason=reason)

    def answer_cancellation(
        self, key: str, actor: Actor, order_id: OrderId, *, agree: bool
    ) -> None:
        """The other side agrees (the money goes back) or refuses (the work goes on)."""
        event = OrderEvent.ACCEPT_CANCELLATION if agree else OrderEvent.REFUSE_CANCELLATION
        self._transition(key, actor, order_id, event)

    def resolve_dispute(
        self,
        key: str,
        actor: Actor,
        order_id: OrderId,
        outcome: OrderEvent,
        refund: Money | None = None,
    ) -> None:
        """An admin closes a dispute: complete it, refund it all, or refund ``refund`` of it.

        ``outcome`` is ``RESOLVE_COMPLETE``, ``RESOLVE_FULL_REFUND`` or
        ``RESOLVE_PARTIAL_REFUND``; a partial refund releases the rest to the seller, with
        commission on the rest only.
        """
        self._transition(key, actor, order_id, outcome, refund=refund)

    def _transition(  # noqa: PLR0913 (the key, who, which order, the event and its data)
        self,
        key: str,
        actor: Actor,
        order_id: OrderId,
        event: OrderEvent,
        *,
        reason: str | None = None,
        refund: Money | None = None,
    ) -> None:
        def work(uow: UnitOfWork) -> None:
            order = uow.orders.get(order_id)
            self._apply(uow, order, event, actor, key, reason=reason, refund=refund)

        request = (actor, order_id, reason, refund)
        self._command(key, event.value, request, work, type(None))

    def _apply(  # noqa: PLR0913 (the unit, the order, the event, who, the key, its data)
        self,
        uow: UnitOfWork,
        order: Order,
        event: OrderEvent,
        actor: Actor,
        key: str,
        *,
        now: datetime | None = None,
        reason: str | None = None,
        refund: Money | None = None,
    ) -> None:
        """Fire ``event`` and move the money its outcome calls for, in the same unit."""
        now = self.clock.now() if now is None else now
        order.apply(event, actor, now, self.policy.orders, reason=reason, refund=refund)
        if order.status is OrderStatus.COMPLETED:
            self._count_sale(uow, order, now)
            seller = uow.members.get(order.seller_id)
            clears_at = later(now, self.policy.ledger.clearance_for(seller.level))
            quoted = order.quote
            if order.refunded is None:
                posting = lg.release(
                    self.ids.new(TransactionId), f"{key}:release", order_id=order.id,
                    seller_id=order.seller_id, subtotal=quoted.subtotal, buyer_fee=quoted.buyer_fee,
                    commission=self.policy.ledger.commission, at=now, clears_at=clears_at,
                )  # fmt: skip
            else:
                posting = lg.partial_refund(
                    self.ids.new(TransactionId), f"{key}:partial-refund", order_id=order.id,
                    buyer_id=order.buyer_id, seller_id=order.seller_id, subtotal=quoted.subtotal,
                    buyer_fee=quoted.buyer_fee, refunded=order.refunded,
                    commission=self.policy.ledger.commission, at=now, clears_at=clears_at,
                )  # fmt: skip
            uow.ledger.post(posting)
        elif order.status is OrderStatus.CANCELLED:
            uow.ledger.post(
                lg.refund(
                    self.ids.new(TransactionId), f"{key}:refund", order_id=order.id,
                    buyer_id=order.buyer_id, amount=order.quote.total, at=now,
                )
            )  # fmt: skip
        self._save(uow, order)

    def _count_sale(self, uow: UnitOfWork, order: Order, now: datetime) -> None:
        listing = uow.listings.get(order.service.service_id)
        if listing is not None:
            lately = order.placed_at >= self._trending_since(now)
            uow.listings.put(
                attrs.evolve(
                    listing, sales=listing.sales + 1, recent_sales=listing.recent_sales + lately
                )
            )

    def _trending_since(self, now: datetime) -> datetime:
        """The first moment of "best selling lately" at ``now``."""
        return earlier(now, self.policy.catalog.trending_window)

    # --- requests for services that don't exist -----------------------------------------------

    def post_request(  # noqa: PLR0913 (what is asked, in which category, for how much)
        self,
        key: str,
        actor: Actor,
        *,
        category_id: CategoryId,
        title: str,
        description: str,
        budget: Money | None = None,
    ) -> RequestId:
        """A buyer asks for a service nobody offers yet (reviewed before it is shown)."""

        def work(uow: UnitOfWork) -> RequestId:
            buyer = self._member(uow, actor)
            self.categories.category(category_id)
            request = ServiceRequest.post(
                self.ids.new(RequestId), buyer_id=buyer.id, category_id=category_id, title=title,
                description=description, budget=budget, now=self.clock.now(),
                policy=self.policy.catalog,
            )  # fmt: skip
            uow.requests.add(request)
            return request.id

        request = (actor, category_id, title, description, budget)
        return self._command(key, "post_request", request, work, RequestId)

    def moderate_request(
        self, key: str, actor: Actor, request_id: RequestId, *, reason: str | None = None
    ) -> None:
        """An admin shows a request (``reason=None``) or rejects it with a reason."""

        def work(uow: UnitOfWork) -> None:
            request = uow.requests.get(request_id)
            if reason is None:
                request.approve(actor)
            else:
                request.reject(actor, reason)
            uow.requests.save(request)

        self._command(key, "moderate_request", (actor, request_id, reason), work, type(None))

    def make_offer(  # noqa: PLR0913 (who offers what on which request)
        self,
        key: str,
        actor: Actor,
        request_id: RequestId,
        message: str,
        *,
        service_id: ServiceId | None = None,
        price: Money | None = None,
        delivery_days: int | None = None,
    ) -> OfferId:
        """A seller offers one of their active services, or a custom price and delivery."""

        def work(uow: UnitOfWork) -> OfferId:
            self._member(uow, actor)
            request = uow.requests.get(request_id)
            snapshot = None
            if service_id is not None:
                service = uow.services.get(service_id)
                if not service.is_buyable:
                    raise ServiceNotAvailable(service_id=service.id, status=service.status)
                snapshot = service.snapshot()
            offer = request.make_offer(
                self.ids.new(OfferId), actor, message, self.clock.now(), self.policy.catalog,
                service=snapshot, price=price, delivery_days=delivery_days,
            )  # fmt: skip
            uow.requests.save(request)
            return offer.id

        request = (actor, request_id, message, service_id, price, delivery_days)
        return self._command(key, "make_offer", request, work, OfferId)

    def accept_offer(
        self, key: str, actor: Actor, request_id: RequestId, offer_id: OfferId
    ) -> OrderId:
        """The buyer takes an offer: it becomes an order, paid from the balance into escrow."""

        def work(uow: UnitOfWork) -> OrderId:
            buyer = self._member(uow, actor)
            request = uow.requests.get(request_id)
            order_id = self.ids.new(OrderId)
            offer = request.accept(actor, offer_id, order_id, self.clock.now())
            if offer.service_id is not None:
                service = uow.services.get(offer.service_id)
                service.require_buyable_by(buyer.id)
                snapshot = service.snapshot()
            else:
                snapshot = request.custom_service(offer)
            now = self.clock.now()
            order = Order.place(
                order_id, buyer_id=buyer.id, quote=quote(snapshot, self.policy), service=snapshot,
                placed_at=now, policy=self.policy.orders,
            )  # fmt: skip
            self._add_paid(uow, order, key, None)
            uow.requests.save(request)
            return order.id

        return self._command(key, "accept_offer", (actor, request_id, offer_id), work, OrderId)

    def close_request(self, key: str, actor: Actor, request_id: RequestId) -> None:
        """The buyer withdraws a request."""

        def work(uow: UnitOfWork) -> None:
            request = uow.requests.get(request_id)
            request.close(actor)
            uow.requests.save(request)

        self._command(key, "close_request", (actor, request_id), work, type(None))

    # --- inquiries -------------------------------------------------------------------------------

    def ask(self, key: str, actor: Actor, service_id: ServiceId, body: str) -> InquiryId:
        """A buyer's question about a service before buying (the same inquiry if asked again)."""

        def work(uow: UnitOfWork) -> InquiryId:
            buyer = self._member(uow, actor)
            service = uow.services.get(service_id)
            service.require_buyable_by(buyer.id)
            now = self.clock.now()
            inquiry = uow.inquiries.about(buyer.id, service_id)
            if inquiry is None:
                inquiry = Inquiry.open(
                    self.ids.new(InquiryId), service_id=service_id, seller_id=service.seller_id,
                    buyer=actor, body=body, at=now,
                )  # fmt: skip
                uow.inquiries.add(inquiry)
            else:
                inquiry.write(actor, body, now)
                uow.inquiries.save(inquiry)
            return inquiry.id

        return self._command(key, "ask", (actor, service_id, body), work, InquiryId)

    def answer_inquiry(self, key: str, actor: Actor, inquiry_id: InquiryId, body: str) -> None:
        """The seller's (or the buyer's) next message in an inquiry."""

        def work(uow: UnitOfWork) -> None:
            inquiry = uow.inquiries.get(inquiry_id)
            inquiry.write(actor, body, self.clock.now())
            uow.inquiries.save(inquiry)

        self._command(key, "answer_inquiry", (actor, inquiry_id, body), work, type(None))

    # --- reviews ------------------------------------------------------------------------------

    def review(
        self, key: str, actor: Actor, order_id: OrderId, *, stars: int, comment: str
    ) -> ReviewId:
        """The buyer's review of a completed order; the service's rating moves at once."""

        def work(uow: UnitOfWork) -> ReviewId:
            order = uow.orders.get(order_id)
            if uow.reviews.for_order(order_id) is not None:
                raise ReviewNotAllowed(order_id=order_id, reason=_("it has a review already"))
            review = Review.write(
                self.ids.new(ReviewId), order=order, actor=actor, stars=stars, comment=comment,
                now=self.clock.now(), policy=self.policy.reviews,
            )  # fmt: skip
            uow.reviews.add(review)
            listing = uow.listings.get(review.service_id)
            if listing is not None:
                before = uow.reviews.rating_of_service(review.service_id)
                rating = Rating(before.count + 1, before.total + review.stars)
                uow.listings.put(
                    attrs.evolve(
                        listing,
                        rating_count=rating.count,
                        score=int(rating.bayesian(self.policy.reviews) * 100),
                    )
                )
            return review.id

        request = (actor, order_id, stars, comment)
        return self._command(key, "review", request, work, ReviewId)

    def reply(self, key: str, actor: Actor, review_id: ReviewId, text: str) -> None:
        """The seller's one reply to a review."""

        def work(uow: UnitOfWork) -> None:
            review = uow.reviews.get(review_id)
            review.answer(actor, text, self.clock.now(), self.policy.reviews)
            uow.reviews.save(review)

        self._command(key, "reply", (actor, review_id, text), work, type(None))

    # --- withdrawals ----------------------------------------------------------------------------

    def request_withdrawal(self, key: str, actor: Actor, amount: Money) -> None:
        """The seller sets available earnings aside for a payout (at least the minimum)."""

        def work(uow: UnitOfWork) -> None:
            seller = self._member(uow, actor)
            if not seller.payout_methods:
                raise NoPayoutMethod(member_id=seller.id)
            uow.ledger.post(
                lg.request_withdrawal(
                    self.ids.new(TransactionId), f"{key}:request", seller_id=seller.id,
                    amount=amount, minimum=self.policy.ledger.withdrawal_minimum,
                    at=self.clock.now(),
                )
            )  # fmt: skip

        self._command(key, "request_withdrawal", (actor, amount), work, type(None))

    def settle_withdrawal(
        self, key: str, actor: Actor, seller_id: MemberId, amount: Money, *, paid: bool
    ) -> None:
        """The payout provider's answer, recorded by an admin or the system.

        Paid, the money leaves the platform; failed, it is available to the seller again.
        """

        def work(uow: UnitOfWork) -> None:
            if actor.role is Role.MEMBER:
                raise PermissionDenied(actor=actor.role.label, action=_("settle a withdrawal"))
            settle = lg.complete_withdrawal if paid else lg.fail_withdrawal
            uow.ledger.post(
                settle(
                    self.ids.new(TransactionId), f"{key}:settle", seller_id=seller_id,
                    amount=amount, at=self.clock.now(),
                )
            )  # fmt: skip

        request = (actor, seller_id, amount, paid)
        self._command(key, "settle_withdrawal", request, work, type(None))

    # --- time -----------------------------------------------------------------------------------

    def tick(self, now: datetime | None = None) -> TickReport:
        """Fire every due automatic transition and clear every due release, each once.

        Safe to run twice or from two processes: each step is a command keyed by what it
        changes (the order's version, the release), so a second run finds it done.
        """
        when = self.clock.now() if now is None else now
        system = Actor.system()
        transitions = cleared = 0
        with self.storage.unit_of_work() as uow:
            due_orders = uow.orders.due(when, limit=_TICK_BATCH)
            due_releases = uow.ledger.due_releases(when, limit=_TICK_BATCH)
            expiring = uow.requests.expiring(when, limit=_TICK_BATCH)
        for order_id in due_orders:
            transitions += self._tick_order(order_id, when, system)
        for release in due_releases:
            cleared += self._tick_release(release, when)
        expired = sum(self._tick_request(request_id, when) for request_id in expiring)
        evaluated = self.evaluate_levels(when)
        return TickReport(transitions, cleared, expired, evaluated, self.refresh_trending(when))

    # --- best selling lately --------------------------------------------------------------------

    def refresh_trending(self, now: datetime | None = None) -> int:
        """Recount "best selling lately" once a day, so old sales leave the trending order.

        A completion adds its sale at once; this recount (run by ``tick``) drops the sales
        bought before the policy's ``catalog.trending_window``. Each seller's recount is a
        command keyed by seller and day (UTC), and the day's run is recorded once every
        seller is done, so ticks after it cost one read. Returns how many listings changed.
        """
        when = self.clock.now() if now is None else now
        day = when.astimezone(UTC).date().isoformat()
        if self._recorded(f"trending:{day}") is not None:
            return 0
        trending: dict[MemberId, list[ServiceId]] = {}
        query = ListingQuery(ordering=Ordering.TRENDING, limit=_LISTING_PAGE)
        with self.storage.unit_of_work() as uow:
            while True:
                page = uow.listings.search(query)
                counted = [listing for listing in page.listings if listing.recent_sales > 0]
                for listing in counted:
                    trending.setdefault(listing.seller_id, []).append(listing.service_id)
                if page.next_cursor is None or len(counted) < len(page.listings):
                    break
                query = attrs.evolve(query, cursor=page.next_cursor)
        changed = sum(
            self._recount_trending(seller_id, services, when, day)
            for seller_id, services in trending.items()
        )
        self._command(f"trending:{day}", "refresh_trending", day, lambda _uow: None, type(None))
        return changed

    def _recount_trending(
        self, seller_id: MemberId, services: list[ServiceId], now: datetime, day: str
    ) -> int:
        def work(uow: UnitOfWork) -> int:
            lately = Counter(
                order.service.service_id
                for order in uow.orders.of_seller_since(seller_id, self._trending_since(now))
                if order.status is OrderStatus.COMPLETED
            )
            changed = 0
            for service_id in services:
                listing = uow.listings.get(service_id)
                if listing is not None and listing.recent_sales != lately[service_id]:
                    uow.listings.put(attrs.evolve(listing, recent_sales=lately[service_id]))
                    changed += 1
            return changed

        key = f"trending:{seller_id}:{day}"
        return self._command(key, "recount_trending", (seller_id, day), work, int)

    # --- seller levels ------------------------------------------------------------------------

    def evaluate_levels(self, now: datetime | None = None) -> int:
        """Evaluate every seller not yet evaluated in the round in force at ``now``.

        The round is the last occurrence of the policy's rule (monthly by default); each
        seller's evaluation is a command keyed by seller and round, so running it twice or
        from two processes evaluates each seller once. ``tick`` calls it; returns how many
        sellers it evaluated.
        """
        round_at = evaluation_round(self.clock.now() if now is None else now, self.policy.levels)
        evaluated = 0
        while True:
            with self.storage.unit_of_work() as uow:
                due = uow.levels.sellers_due(round_at, limit=_TICK_BATCH)
            done = sum(self._evaluate_level(seller_id, round_at) for seller_id in due)
            evaluated += done
            if len(due) < _TICK_BATCH or done == 0:
                return evaluated

    def _evaluate_level(self, seller_id: MemberId, round_at: datetime) -> int:
        levels = self.policy.levels

        def work(uow: UnitOfWork) -> None:
            seller = uow.members.get(seller_id)
            since = round_at - levels.metrics_window
            metrics = seller_metrics(
                seller_id, orders=uow.orders.of_seller_since(seller_id, since),
                reviews=uow.reviews.of_seller_since(seller_id, since),
                inquiries=uow.inquiries.to_seller(seller_id, since), at=round_at, policy=levels,
            )  # fmt: skip
            previous = uow.levels.latest(seller_id)
            evaluation = evaluate(
                seller_id, current=seller.level, metrics=metrics, policy=levels, now=round_at,
                below_since=None if previous is None else previous.below_since,
            )  # fmt: skip
            uow.levels.add(evaluation)
            if evaluation.changed:
                self._set_level(uow, seller, evaluation.level, round_at)

        key = f"level:{seller_id}:{round_at.isoformat()}"
        try:
            self._command(key, "evaluate_level", (seller_id, round_at), work, type(None))
        except StaleWrite:  # another process evaluated this seller first
            return 0
        return 1

    def _set_level(self, uow: UnitOfWork, seller: Member, level: SellerLevel, at: datetime) -> None:
        """Move a seller to ``level``: the member, their listings, and an event."""
        before = seller.level
        seller.set_level(level)
        uow.members.save(seller)
        for service in uow.services.by_seller(seller.id):
            listing = uow.listings.get(service.id)
            if listing is not None:
                uow.listings.put(attrs.evolve(listing, seller_level=level))
        payload = json.dumps({"seller_id": seller.id, "from": before.value, "to": level.value})
        uow.outbox.record(OutboxEvent(self.ids.new(EventId), "member.level_changed", payload, at))

    def grant_professional(self, key: str, actor: Actor, seller_id: MemberId) -> None:
        """An admin grants a seller the professional level."""

        def work(uow: UnitOfWork) -> None:
            seller = uow.members.get(seller_id)
            level = grant_professional(actor, seller.level)
            if level is not seller.level:
                self._set_level(uow, seller, level, self.clock.now())

        self._command(key, "grant_professional", (actor, seller_id), work, type(None))

    def remove_professional(self, key: str, actor: Actor, seller_id: MemberId) -> None:
        """An admin removes the professional level.

        The seller falls to the level their latest evaluation earned (level 1 if never
        evaluated).
        """

        def work(uow: UnitOfWork) -> None:
            seller = uow.members.get(seller_id)
            latest = uow.levels.latest(seller_id)
            earned = SellerLevel.LEVEL_1 if latest is None else latest.earned
            level = remove_professional(actor, earned)
            if seller.level is SellerLevel.PROFESSIONAL:
                self._set_level(uow, seller, level, self.clock.now())

        self._command(key, "remove_professional", (actor, seller_id), work, type(None))

    def level_history(self, seller_id: MemberId, *, limit: int = 12) -> list[Evaluation]:
        """A seller's level evaluations with their explanations, newest first."""
        with self.storage.unit_of_work() as uow:
            return uow.levels.history(seller_id, limit=limit)

    def _tick_request(self, request_id: RequestId, when: datetime) -> int:
        def work(uow: UnitOfWork) -> None:
            request = uow.requests.get(request_id)
            if request.expire(when):
                uow.requests.save(request)

        try:
            self._command(f"expire:{request_id}", "expire", request_id, work, type(None))
        except StaleWrite:
            return 0
        return 1

    def _tick_order(self, order_id: OrderId, when: datetime, system: Actor) -> int:
        with self.storage.unit_of_work() as uow:
            order = uow.orders.get(order_id)
            event = order.due_event(when, self.policy.orders)
            key = f"tick:{order_id}:{order.version}"
        if event is None:
            return 0

        def work(uow: UnitOfWork) -> None:
            self._apply(uow, uow.orders.get(order_id), event, system, key, now=when)

        try:
            self._command(key, "tick", (order_id, event), work, type(None))
        except StaleWrite:  # another process fired it first
            return 0
        return 1

    def _tick_release(self, release: lg.Release, when: datetime) -> int:
        key = f"clear:{release.order_id}"

        def work(uow: UnitOfWork) -> None:
            uow.ledger.post(
                lg.clear(
                    self.ids.new(TransactionId), key, seller_id=release.seller_id,
                    amount=release.amount, order_id=release.order_id, at=when,
                )
            )  # fmt: skip

        try:
            self._command(key, "clear", release.order_id, work, type(None))
        except (StaleWrite, IdempotencyConflict):
            return 0
        return 1

    # --- reading ------------------------------------------------------------------------------

    def balance(self, account: lg.AccountId) -> Money:
        """The balance of a ledger account."""
        with self.storage.unit_of_work() as uow:
            return uow.ledger.balance(account)

    def order(self, order_id: OrderId) -> Order:
        """An order as stored."""
        with self.storage.unit_of_work() as uow:
            return uow.orders.get(order_id)

    def rating(self, service_id: ServiceId) -> Rating:
        """A service's rating."""
        with self.storage.unit_of_work() as uow:
            return uow.reviews.rating_of_service(service_id)

    def search(self, query: ListingQuery) -> ListingPage:
        """Browse, search and sort the catalogue (filters, Arabic text, orderings, cursors)."""
        with self.storage.unit_of_work() as uow:
            return uow.listings.search(query)

    def member(self, member_id: MemberId) -> Member:
        """A member's profile."""
        with self.storage.unit_of_work() as uow:
            return uow.members.get(member_id)

    def service(self, service_id: ServiceId) -> Service:
        """A service as stored (any status)."""
        with self.storage.unit_of_work() as uow:
            return uow.services.get(service_id)

    def orders_of(
        self, actor: Actor, status: OrderStatus | None = None, *, as_seller: bool = False
    ) -> list[Order]:
        """The actor's orders as buyer (or as seller), newest first, in one status if given."""
        if actor.member_id is None:
            raise PermissionDenied(actor=actor.role.label, action=_("list orders"))
        with self.storage.unit_of_work() as uow:
            if as_seller:
                return uow.orders.by_seller(actor.member_id, status)
            return uow.orders.by_buyer(actor.member_id, status)

    def conversation(self, actor: Actor, order_id: OrderId) -> list[Message]:
        """An order's messages, for its buyer, its seller or an admin."""
        with self.storage.unit_of_work() as uow:
            order = uow.orders.get(order_id)
            actor.require_party((order.buyer_id, order.seller_id), _("read this conversation"))
            return uow.orders.messages(order_id)


def _plain(value: object) -> object:
    if isinstance(value, list):
        return [str(v) for v in value]
    return None if value is None else str(value)


def _decoded(text: str, kind: type[T]) -> T:
    value = json.loads(text)
    return value if value is None or kind is list else kind(value)  # type: ignore[call-arg]

"""The catalogue: publishing, moderating, editing, pausing services, and their index."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Final

from microgigs._text import _
from microgigs.actors import Role
from microgigs.catalog import Service, ServiceStatus, Upgrade
from microgigs.clock import earlier
from microgigs.errors import InvalidType, ServiceNotAvailable
from microgigs.ids import ServiceId, UpgradeId
from microgigs.marketplace import commands as c
from microgigs.marketplace._context import Context, given, handles
from microgigs.members import Member
from microgigs.orders import OrderStatus
from microgigs.ranking import listing_for

_BEGINNING: Final = datetime(2000, 1, 1, tzinfo=UTC)
_WRITTEN: Final = (
    "title",
    "description",
    "instructions",
    "base_price",
    "delivery_days",
    "tags",
    "gallery",
)
"""What a seller writes of a service: the same names in its commands and in the domain."""


def upgrades_of(
    context: Context, offered: Sequence[c.NewUpgrade], kept: Sequence[Upgrade] = ()
) -> list[Upgrade]:
    """The upgrades a seller offers, each with a new id but those the same as one ``kept``.

    An edit that sends an upgrade back unchanged (its title, price and days) keeps its id,
    so a buyer's cart line that chose it still has it.
    """
    if not isinstance(offered, list | tuple):
        raise InvalidType(field=_("upgrades"), expected=_("a list"), actual=type(offered).__name__)
    unused = {(u.title, u.price, u.extra_days): u.id for u in reversed(kept)}
    made = []
    for upgrade in offered:
        if not isinstance(upgrade, c.NewUpgrade):
            raise InvalidType(
                field=_("upgrade"), expected="NewUpgrade", actual=type(upgrade).__name__
            )
        content = (upgrade.title, upgrade.price, upgrade.extra_days)
        upgrade_id = unused.pop(content, None) or context.ids.new(UpgradeId)
        made.append(Upgrade(upgrade_id, *content))
    return made


def buyable(
    context: Context,
    service_id: ServiceId,
    buyer: Member,
    action: str = _("buy your own service"),
) -> Service:
    """A service ``buyer`` may buy now: active, not theirs, its seller not suspended."""
    service = context.uow.services.get(service_id)
    service.require_buyable_by(buyer.id, action)
    if not context.uow.members.can_trade(service.seller_id):
        # true, and says nothing of the seller's account to a buyer (it is not paused)
        raise ServiceNotAvailable(service_id=service.id, status=_("unavailable for now"))
    return service


@handles(c.PublishService)
def publish_service(command: c.PublishService, context: Context) -> Service:
    seller = context.trader(command.actor)
    context.categories.category(command.category_id)
    service = Service.draft(
        context.ids.new(ServiceId),
        seller_id=seller.id,
        category_id=command.category_id,
        upgrades=upgrades_of(context, command.upgrades),
        policy=context.policy.catalog,
        created_at=context.now,
        **given(command, _WRITTEN),
    )
    service.submit(command.actor, context.now)
    context.uow.services.add(service)
    return service


@handles(c.ModerateService)
def moderate_service(command: c.ModerateService, context: Context) -> None:
    service = context.uow.services.get(command.service_id)
    if command.reason is None:
        service.approve(command.actor, context.now)
        list_service(context, service)
    else:
        service.reject(command.actor, command.reason, context.now)
    context.uow.services.save(service)


@handles(c.EditService)
def edit_service(command: c.EditService, context: Context) -> None:
    context.trader(command.actor)
    service = context.uow.services.get(command.service_id)
    upgrades = (
        None
        if command.upgrades is None
        else upgrades_of(context, command.upgrades, kept=service.upgrades)
    )
    service.edit(
        command.actor,
        context.policy.catalog,
        context.now,
        upgrades=upgrades,
        **given(command, _WRITTEN),
    )
    context.uow.services.save(service)
    if service.status is not ServiceStatus.ACTIVE:
        context.uow.listings.remove(service.id)


@handles(c.PauseService)
def pause_service(command: c.PauseService, context: Context) -> None:
    service = context.uow.services.get(command.service_id)
    service.pause(command.actor, context.now, reason=command.reason)
    context.uow.services.save(service)
    context.uow.listings.remove(service.id)


@handles(c.ResumeService)
def resume_service(command: c.ResumeService, context: Context) -> None:
    """The seller ends their own pause (refused while suspended); an admin ends an admin's."""
    admin = command.actor.role is Role.ADMIN
    seller = None if admin else context.trader(command.actor)
    service = context.uow.services.get(command.service_id)
    service.resume(command.actor, context.now)
    context.uow.services.save(service)
    list_service(context, service, seller)  # not listed while its seller may not sell


def list_service(context: Context, service: Service, seller: Member | None = None) -> None:
    """Put an active service in the catalogue index, its sales counted from its orders."""
    uow = context.uow
    seller = seller or uow.members.get(service.seller_id)
    if not seller.can_trade:  # listed again when the seller is reinstated
        return
    sold = [
        o
        for o in uow.orders.of_seller_since(service.seller_id, _BEGINNING)
        if o.service.service_id == service.id and o.status is OrderStatus.COMPLETED
    ]
    lately = trending_since(context, context.now)
    uow.listings.put(
        listing_for(
            service,
            section_id=context.categories.category(service.category_id).section_id,
            seller_level=seller.level,
            rating=uow.reviews.rating_of_service(service.id),
            sales=len(sold),
            recent_sales=sum(1 for o in sold if o.placed_at >= lately),
            policy=context.policy.reviews,
        )
    )


def trending_since(context: Context, now: datetime) -> datetime:
    """The first moment of "best selling lately" at ``now``."""
    return earlier(now, context.policy.catalog.trending_window)

"""Services with their upgrades, checked against the policy, and their moderation."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Final

import attrs

from microgigs._checks import checked_fields, of_kind, plain_text, short_list, whole_number
from microgigs._labels import LabelledEnum, label_members
from microgigs._text import _
from microgigs.actors import Actor, Role
from microgigs.clock import utc
from microgigs.errors import (
    DuplicateUpgrade,
    InvalidType,
    MicrogigsError,
    OwnService,
    PermissionDenied,
    PriceNotAllowed,
    ServiceNotAvailable,
    ServiceStatusConflict,
    TooManyUpgrades,
    UnitPriceTooHigh,
    UnknownUpgrade,
)
from microgigs.ids import CategoryId, MemberId, ServiceId, UpgradeId
from microgigs.money import Money
from microgigs.policy import CatalogPolicy

_UPGRADE_TITLE_LENGTH: Final = (3, 100)
_REASON_LENGTH: Final = (1, 1000)
_REFERENCE_LENGTH: Final = 500


class ServiceStatus(LabelledEnum):
    """Where a service stands in moderation; only active services can be bought."""

    DRAFT = "draft"
    PENDING_REVIEW = "pending_review"
    ACTIVE = "active"
    PAUSED = "paused"
    REJECTED = "rejected"


label_members(
    {
        ServiceStatus.DRAFT: _("draft"),
        ServiceStatus.PENDING_REVIEW: _("pending review"),
        ServiceStatus.ACTIVE: _("active"),
        ServiceStatus.PAUSED: _("paused"),
        ServiceStatus.REJECTED: _("rejected"),
    }
)


def check_price(field: str, price: Money, minimum: Money, maximum: Money, step: Money) -> Money:
    """``price`` if it lies from ``minimum`` to ``maximum`` on a multiple of ``step``."""
    if not isinstance(price, Money):
        raise InvalidType(field=field, expected="Money", actual=type(price).__name__)
    if (
        price.currency != minimum.currency
        or not minimum <= price <= maximum
        or price.minor % step.minor != 0
    ):
        raise PriceNotAllowed(field=field, price=price, minimum=minimum, maximum=maximum, step=step)
    return price


def check_unit_price(unit: Money, policy: CatalogPolicy) -> Money:
    """``unit`` (the base and chosen upgrades) if it stays within the policy's cap."""
    if unit > policy.unit_price_max:
        raise UnitPriceTooHigh(price=unit, maximum=policy.unit_price_max)
    return unit


@attrs.frozen
class Upgrade:
    """A paid extra of a service (تطوير): a title, a price and extra delivery days."""

    id: UpgradeId
    title: str
    price: Money
    extra_days: int = 0


def _check_upgrades(upgrades: Sequence[Upgrade], policy: CatalogPolicy) -> tuple[Upgrade, ...]:
    if not isinstance(upgrades, list | tuple):
        raise InvalidType(field=_("upgrades"), expected=_("a list"), actual=type(upgrades).__name__)
    if len(upgrades) > policy.max_upgrades:
        raise TooManyUpgrades(count=len(upgrades), maximum=policy.max_upgrades)
    checked = []
    for upgrade in upgrades:
        if not isinstance(upgrade, Upgrade):
            raise InvalidType(field=_("upgrade"), expected="Upgrade", actual=type(upgrade).__name__)
        checked.append(
            Upgrade(
                id=upgrade.id,
                title=plain_text(_("upgrade title"), upgrade.title, *_UPGRADE_TITLE_LENGTH),
                price=check_price(
                    _("upgrade price"),
                    upgrade.price,
                    policy.upgrade_price_min,
                    policy.upgrade_price_max,
                    policy.upgrade_price_step,
                ),
                extra_days=whole_number(
                    _("extra days"), upgrade.extra_days, 0, policy.upgrade_extra_days_max
                ),
            )
        )
    ids = [u.id for u in checked]
    for upgrade_id in ids:
        if ids.count(upgrade_id) > 1:
            raise DuplicateUpgrade(upgrade_id=upgrade_id)
    return tuple(checked)


def _check_tags(tags: Sequence[str], policy: CatalogPolicy) -> tuple[str, ...]:
    cleaned = (
        " ".join(plain_text(_("tag"), t, 1, policy.tag_length_max).split())
        for t in short_list(_("tags"), tags, policy.max_tags)
    )
    return tuple(dict.fromkeys(cleaned))


@attrs.frozen
class ServiceSnapshot:
    """What was bought, frozen at purchase: later edits of the service never change it."""

    service_id: ServiceId
    seller_id: MemberId
    category_id: CategoryId
    title: str
    instructions: str
    base_price: Money
    delivery_days: int
    upgrades: tuple[Upgrade, ...]
    service_version: int

    def upgrade(self, upgrade_id: UpgradeId) -> Upgrade:
        """The upgrade with this id, or :class:`~microgigs.errors.UnknownUpgrade`."""
        for upgrade in self.upgrades:
            if upgrade.id == upgrade_id:
                return upgrade
        raise UnknownUpgrade(service_id=self.service_id, upgrade_id=str(upgrade_id)[:100])

    def choose(self, upgrade_ids: Sequence[UpgradeId]) -> tuple[Upgrade, ...]:
        """The chosen upgrades, in the service's order; unknown or repeated ids are refused."""
        if isinstance(upgrade_ids, str) or not isinstance(upgrade_ids, Sequence):
            raise InvalidType(
                field=_("upgrades"), expected=_("a list of ids"), actual=type(upgrade_ids).__name__
            )
        seen: set[UpgradeId] = set()
        for upgrade_id in upgrade_ids:
            if not isinstance(upgrade_id, str):
                raise InvalidType(
                    field=_("upgrade"), expected=_("an id"), actual=type(upgrade_id).__name__
                )
            if upgrade_id in seen:
                raise DuplicateUpgrade(upgrade_id=upgrade_id)
            self.upgrade(upgrade_id)
            seen.add(upgrade_id)
        return tuple(u for u in self.upgrades if u.id in seen)


_REVIEWED_AGAIN_WHEN_EDITED: Final = frozenset(
    {ServiceStatus.ACTIVE, ServiceStatus.PAUSED, ServiceStatus.REJECTED}
)
"""What a seller's edit sends back to review: what was published, and what was refused."""


@attrs.define(slots=True)
class Service:
    """A service (خدمة) a seller offers: base price, delivery time and up to N upgrades.

    Build one with :meth:`draft`; change it only through its methods, each of which checks
    the actor and the policy first, so a refused change leaves it as it was.
    """

    id: ServiceId
    seller_id: MemberId
    category_id: CategoryId
    title: str
    description: str
    instructions: str
    base_price: Money
    delivery_days: int
    upgrades: tuple[Upgrade, ...]
    tags: tuple[str, ...]
    gallery: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    status: ServiceStatus = ServiceStatus.DRAFT
    rejection_reason: str | None = None
    version: int = 0
    paused_by_admin: bool = False
    """Paused by an admin: only an admin resumes it (its seller may edit it into review)."""
    pause_reason: str | None = None
    """Why an admin paused it, for its seller (``None`` when not paused, or by the seller)."""

    @classmethod
    def draft(
        cls,
        service_id: ServiceId,
        *,
        seller_id: MemberId,
        category_id: CategoryId,
        title: str,
        description: str,
        instructions: str,
        base_price: Money,
        delivery_days: int,
        policy: CatalogPolicy,
        created_at: datetime,
        upgrades: Sequence[Upgrade] = (),
        tags: Sequence[str] = (),
        gallery: Sequence[str] = (),
    ) -> Service:
        """A new draft; every part is checked against ``policy``."""
        when = utc(created_at)
        content = _checked(
            _content(
                policy,
                title=title,
                description=description,
                instructions=instructions,
                base_price=base_price,
                delivery_days=delivery_days,
                upgrades=upgrades,
                tags=tags,
                gallery=gallery,
            )
        )
        return cls(
            id=service_id,
            seller_id=seller_id,
            category_id=category_id,
            created_at=when,
            updated_at=when,
            **content,  # type: ignore[arg-type]
        )

    # --- reading --------------------------------------------------------------------------

    @property
    def is_buyable(self) -> bool:
        """Only active services can be bought."""
        return self.status is ServiceStatus.ACTIVE

    @property
    def full_price(self) -> Money:
        """One unit with every upgrade: the most one unit can cost."""
        return sum((u.price for u in self.upgrades), self.base_price)

    def require_buyable_by(
        self, buyer_id: MemberId, action: str = _("buy your own service")
    ) -> None:
        """Refuse an inactive service, or its seller (``action``: what they tried)."""
        if buyer_id == self.seller_id:
            raise OwnService(service_id=self.id, action=action)
        if not self.is_buyable:
            raise ServiceNotAvailable(service_id=self.id, status=self.status)

    def snapshot(self) -> ServiceSnapshot:
        """What an order keeps of this service."""
        return ServiceSnapshot(
            service_id=self.id,
            seller_id=self.seller_id,
            category_id=self.category_id,
            title=self.title,
            instructions=self.instructions,
            base_price=self.base_price,
            delivery_days=self.delivery_days,
            upgrades=self.upgrades,
            service_version=self.version,
        )

    # --- changes ----------------------------------------------------------------------------

    def _move(self, to: ServiceStatus, when: datetime) -> None:
        self.status = to
        self.updated_at = utc(when)
        self.version += 1

    def _require(self, allowed: tuple[ServiceStatus, ...], action: str) -> None:
        if self.status not in allowed:
            raise ServiceStatusConflict(status=self.status, action=action)

    def edit(
        self,
        actor: Actor,
        policy: CatalogPolicy,
        when: datetime,
        *,
        title: str | None = None,
        description: str | None = None,
        instructions: str | None = None,
        base_price: Money | None = None,
        delivery_days: int | None = None,
        category_id: CategoryId | None = None,
        upgrades: Sequence[Upgrade] | None = None,
        tags: Sequence[str] | None = None,
        gallery: Sequence[str] | None = None,
    ) -> None:
        """Change the content; a published or rejected service goes back to review.

        A rejected service, fixed, is submitted again (its reason cleared); a published one
        leaves the index until approved. Orders keep their snapshot, so nothing already
        bought changes. An edit that changes nothing (no field, or each the same as now)
        changes nothing: the service keeps its status, as a host's form sent back unchanged.
        """
        actor.require_member(self.seller_id, _("edit this service"))
        content = _checked(
            _content(
                policy,
                title=self.title if title is None else title,
                description=self.description if description is None else description,
                instructions=self.instructions if instructions is None else instructions,
                base_price=self.base_price if base_price is None else base_price,
                delivery_days=self.delivery_days if delivery_days is None else delivery_days,
                upgrades=self.upgrades if upgrades is None else upgrades,
                tags=self.tags if tags is None else tags,
                gallery=self.gallery if gallery is None else gallery,
            )
        )
        if category_id is None or category_id == self.category_id:
            category_id = self.category_id
        elif type(category_id) is not str:
            raise InvalidType(
                field=_("category"), expected=_("a category id"), actual=type(category_id).__name__
            )
        if category_id == self.category_id and all(
            getattr(self, name) == value for name, value in content.items()
        ):
            return
        for name, value in content.items():
            setattr(self, name, value)
        self.category_id = category_id
        if self.status in _REVIEWED_AGAIN_WHEN_EDITED:
            # back to review: a rejection's or a pause's reason is for the version before
            self.rejection_reason = self.pause_reason = None
            self.paused_by_admin = False
            self._move(ServiceStatus.PENDING_REVIEW, when)
        else:
            self._move(self.status, when)

    def submit(self, actor: Actor, when: datetime) -> None:
        """The seller sends a draft (or a rejected service, fixed) to review."""
        actor.require_member(self.seller_id, _("submit this service"))
        self._require((ServiceStatus.DRAFT, ServiceStatus.REJECTED), _("submit for review"))
        self.rejection_reason = None
        self._move(ServiceStatus.PENDING_REVIEW, when)

    def approve(self, actor: Actor, when: datetime) -> None:
        """An admin publishes a reviewed service."""
        actor.require_admin(_("approve a service"))
        self._require((ServiceStatus.PENDING_REVIEW,), _("approve"))
        self._move(ServiceStatus.ACTIVE, when)

    def reject(self, actor: Actor, reason: str, when: datetime) -> None:
        """An admin turns a service down, saying why."""
        actor.require_admin(_("reject a service"))
        self._require((ServiceStatus.PENDING_REVIEW,), _("reject"))
        self.rejection_reason = plain_text(_("reason"), reason, *_REASON_LENGTH, multiline=True)
        self._move(ServiceStatus.REJECTED, when)

    def pause(self, actor: Actor, when: datetime, *, reason: str | None = None) -> None:
        """The seller (or an admin) stops taking orders for a while.

        An admin's pause takes over the seller's own: a service the seller paused first is
        then the team's to resume, as one the team paused on sale. An admin may say why
        (``reason``, 1–1,000 characters, shown to the seller); a seller's own pause keeps
        none.
        """
        admin = actor.role is Role.ADMIN
        if not admin:
            actor.require_member(self.seller_id, _("pause this service"))
        why = None
        if admin and reason is not None:
            why = plain_text(_("reason"), reason, *_REASON_LENGTH, multiline=True)
        taking_over = admin and self.status is ServiceStatus.PAUSED and not self.paused_by_admin
        if not taking_over:
            self._require((ServiceStatus.ACTIVE,), _("pause"))
        self.paused_by_admin = admin
        self.pause_reason = why
        self._move(ServiceStatus.PAUSED, when)

    def resume(self, actor: Actor, when: datetime) -> None:
        """The seller takes orders again; after an admin's pause, only an admin resumes it."""
        if not self.paused_by_admin:
            actor.require_member(self.seller_id, _("resume this service"))
        elif actor.role is not Role.ADMIN:
            raise PermissionDenied(
                actor=actor.role.label, action=_("resume a service an admin paused")
            )
        self._require((ServiceStatus.PAUSED,), _("resume"))
        self.paused_by_admin = False
        self.pause_reason = None
        self._move(ServiceStatus.ACTIVE, when)


def service_refusals(
    policy: CatalogPolicy,
    *,
    title: str,
    description: str,
    instructions: str,
    base_price: Money,
    delivery_days: int,
    upgrades: Sequence[Upgrade] = (),
    tags: Sequence[str] = (),
    gallery: Sequence[str] = (),
) -> dict[str, MicrogigsError]:
    """Every field of a service's content the rules refuse, by name, in a form's order.

    ``publish_service`` and ``edit_service`` raise the first, by the same checks; a host's
    form names them all at once. Empty when every field passes. The base price and the
    upgrades together over the policy's cap (``UnitPriceTooHigh``) is said of
    ``base_price`` once each passes alone.

    >>> from microgigs.policy import KHAMSAT
    >>> found = service_refusals(KHAMSAT.catalog, title="", description="قصير",
    ...                          instructions="", base_price=Money(700, "USD"), delivery_days=0)
    >>> list(found)
    ['title', 'description', 'base_price', 'delivery_days']
    """
    return _content(
        of_kind(_("policy"), policy, CatalogPolicy),  # not the marketplace's whole
        title=title,
        description=description,
        instructions=instructions,
        base_price=base_price,
        delivery_days=delivery_days,
        upgrades=upgrades,
        tags=tags,
        gallery=gallery,
    )[1]


def _content(
    policy: CatalogPolicy,
    *,
    title: str,
    description: str,
    instructions: str,
    base_price: Money,
    delivery_days: int,
    upgrades: Sequence[Upgrade] = (),
    tags: Sequence[str] = (),
    gallery: Sequence[str] = (),
) -> tuple[dict[str, object], dict[str, MicrogigsError]]:
    """A service's content checked: each field's value, normalised, and each refusal.

    The refusals are by name, in a form's order (see :func:`service_refusals`).
    """
    checks: tuple[tuple[str, Callable[[], object]], ...] = (
        ("title", lambda: plain_text(_("service title"), title, *policy.title_length)),
        (
            "description",
            lambda: plain_text(
                _("service description"), description, *policy.description_length, multiline=True
            ),
        ),
        (
            "instructions",
            lambda: plain_text(
                _("instructions"), instructions, 0, policy.instructions_length_max, multiline=True
            ),
        ),
        (
            "base_price",
            lambda: check_price(
                _("base price"),
                base_price,
                policy.base_price_min,
                policy.unit_price_max,
                policy.base_price_step,
            ),
        ),
        (
            "delivery_days",
            lambda: whole_number(
                _("delivery days"),
                delivery_days,
                policy.delivery_days_min,
                policy.delivery_days_max,
            ),
        ),
        ("upgrades", lambda: _check_upgrades(upgrades, policy)),
        ("tags", lambda: _check_tags(tags, policy)),
        ("gallery", lambda: _check_gallery(gallery, policy)),
    )
    values, found = checked_fields(checks)
    if not {"base_price", "upgrades"} & set(found):
        try:
            check_unit_price(sum((u.price for u in upgrades), base_price), policy)
        except MicrogigsError as error:
            found["base_price"] = error
    return values, found


def _check_gallery(gallery: Sequence[str], policy: CatalogPolicy) -> tuple[str, ...]:
    items = short_list(_("gallery"), gallery, policy.max_gallery_items)
    return tuple(plain_text(_("gallery item"), g, 1, _REFERENCE_LENGTH) for g in items)


def _checked(content: tuple[dict[str, object], dict[str, MicrogigsError]]) -> dict[str, object]:
    """The values of :func:`_content`, or its first refusal (a form's order: title first)."""
    values, found = content
    if found:
        raise next(iter(found.values()))
    return values

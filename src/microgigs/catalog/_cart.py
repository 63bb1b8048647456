"""Favourites and the cart: what a buyer keeps and what they are about to pay for."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import attrs

from microgigs._checks import whole_number
from microgigs._text import _
from microgigs.catalog._service import Service, check_unit_price
from microgigs.errors import NotFound
from microgigs.ids import MemberId, ServiceId, UpgradeId
from microgigs.members import Member
from microgigs.policy import CatalogPolicy


def _require_own(owner_id: MemberId, member: Member) -> None:
    if member.id != owner_id:
        raise NotFound(kind=_("cart"), key=member.id)
    member.require_can_trade()


@attrs.define(slots=True)
class Favourites:
    """The services a member saved, newest first."""

    owner_id: MemberId
    service_ids: list[ServiceId] = attrs.Factory(list)
    version: int = 0

    def __contains__(self, service_id: object) -> bool:
        return service_id in self.service_ids

    def __iter__(self) -> Iterator[ServiceId]:
        return iter(self.service_ids)

    def add(self, member: Member, service: Service) -> None:
        """Save an active service of another seller (saving it again changes nothing)."""
        _require_own(self.owner_id, member)
        service.require_buyable_by(member.id)
        if service.id not in self.service_ids:
            self.service_ids.insert(0, service.id)
            self.version += 1

    def remove(self, service_id: ServiceId) -> None:
        """Forget a saved service."""
        if service_id not in self.service_ids:
            raise NotFound(kind=_("favourite"), key=str(service_id)[:100])
        self.service_ids.remove(service_id)
        self.version += 1


@attrs.frozen
class CartLine:
    """One service in the cart, with its chosen upgrades and quantity."""

    service_id: ServiceId
    upgrade_ids: tuple[UpgradeId, ...]
    quantity: int


@attrs.define(slots=True)
class Cart:
    """A buyer's cart: one line per service; checkout makes one order per line."""

    owner_id: MemberId
    lines: dict[ServiceId, CartLine] = attrs.Factory(dict)
    version: int = 0

    def __iter__(self) -> Iterator[CartLine]:
        return iter(self.lines.values())

    def __len__(self) -> int:
        return len(self.lines)

    def line(self, service_id: ServiceId) -> CartLine:
        """The line of this service, or :class:`~microgigs.errors.NotFound`."""
        try:
            return self.lines[service_id]
        except (KeyError, TypeError):
            raise NotFound(kind=_("cart line"), key=str(service_id)[:100]) from None

    def put(
        self,
        member: Member,
        service: Service,
        policy: CatalogPolicy,
        *,
        upgrade_ids: Sequence[UpgradeId] = (),
        quantity: int = 1,
    ) -> CartLine:
        """Add a service (or replace its line) with chosen upgrades and a quantity.

        Refused: the buyer's own service, an inactive one, upgrades of another service or
        chosen twice, a quantity out of range, a unit above the cap. Nothing changes then.
        """
        _require_own(self.owner_id, member)
        service.require_buyable_by(member.id)
        snapshot = service.snapshot()
        chosen = snapshot.choose(upgrade_ids)
        check_unit_price(sum((u.price for u in chosen), snapshot.base_price), policy)
        line = CartLine(
            service_id=service.id,
            upgrade_ids=tuple(u.id for u in chosen),
            quantity=whole_number(_("quantity"), quantity, 1, policy.quantity_max),
        )
        self.lines[service.id] = line
        self.version += 1
        return line

    def change_quantity(
        self, member: Member, service: Service, policy: CatalogPolicy, quantity: int
    ) -> CartLine:
        """Order more or fewer units of a line."""
        current = self.line(service.id)
        return self.put(member, service, policy, upgrade_ids=current.upgrade_ids, quantity=quantity)

    def change_upgrades(
        self,
        member: Member,
        service: Service,
        policy: CatalogPolicy,
        upgrade_ids: Sequence[UpgradeId],
    ) -> CartLine:
        """Choose other upgrades for a line."""
        current = self.line(service.id)
        return self.put(member, service, policy, upgrade_ids=upgrade_ids, quantity=current.quantity)

    def remove(self, service_id: ServiceId) -> None:
        """Take a service out of the cart."""
        self.line(service_id)
        del self.lines[service_id]
        self.version += 1

    def clear(self) -> None:
        """Empty the cart (after checkout)."""
        if self.lines:
            self.lines.clear()
            self.version += 1

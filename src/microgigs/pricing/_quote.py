"""Quotes: what an order of a service costs the buyer and pays the seller."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from microgigs._checks import whole_number
from microgigs._labels import LabelledEnum, label_members
from microgigs._text import _
from microgigs.catalog import ServiceSnapshot, check_unit_price
from microgigs.errors import InvalidType
from microgigs.ids import ServiceId, UpgradeId
from microgigs.money import Money
from microgigs.policy import MarketplacePolicy
from microgigs.pricing._split import charge, split


class LineKind(LabelledEnum):
    """What a line of a quote is for."""

    BASE = "base"
    UPGRADE = "upgrade"
    BUYER_FEE = "buyer_fee"


label_members(
    {
        LineKind.BASE: _("service"),
        LineKind.UPGRADE: _("upgrade"),
        LineKind.BUYER_FEE: _("service fee"),
    }
)


@attrs.frozen
class LineItem:
    """One line: ``quantity`` × ``unit_price`` = ``amount``."""

    kind: LineKind
    title: str
    unit_price: Money
    quantity: int
    amount: Money
    upgrade_id: UpgradeId | None = None


@attrs.frozen
class Quote:
    """The price of one order: lines, subtotal, buyer fees, total, and the split.

    ``subtotal`` is the price of the work (base and upgrades, times the quantity); the
    buyer pays ``total`` (subtotal and buyer fees); the platform keeps ``commission`` of
    the subtotal and the seller gets ``seller_net``; ``commission + seller_net ==
    subtotal`` always.
    """

    service_id: ServiceId
    quantity: int
    upgrade_ids: tuple[UpgradeId, ...]
    lines: tuple[LineItem, ...]
    subtotal: Money
    buyer_fee: Money
    total: Money
    commission: Money
    seller_net: Money
    delivery_days: int

    @property
    def unit_price(self) -> Money:
        """One unit: the base and the chosen upgrades."""
        return sum(
            (line.unit_price for line in self.lines if line.kind is not LineKind.BUYER_FEE),
            Money.zero(self.subtotal.currency),
        )


def _line(
    kind: LineKind, title: str, price: Money, quantity: int, upgrade_id: UpgradeId | None = None
) -> LineItem:
    """``quantity`` units at ``price`` each: the line's amount is their product."""
    amount = price if quantity == 1 else price * quantity  # one unit: its price, not a copy
    return LineItem(kind, title, price, quantity, amount, upgrade_id)


def quote(
    service: ServiceSnapshot,
    policy: MarketplacePolicy,
    *,
    upgrade_ids: Sequence[UpgradeId] = (),
    quantity: int = 1,
) -> Quote:
    """Price ``quantity`` units of ``service`` with the chosen upgrades under ``policy``.

    >>> from microgigs.policy import KHAMSAT
    >>> from microgigs.testing.examples import logo_service
    >>> service = logo_service()
    >>> offer = quote(service, KHAMSAT, upgrade_ids=[u.id for u in service.upgrades])
    >>> str(offer.total), str(offer.commission), str(offer.seller_net), offer.delivery_days
    ('205.00 USD', '41.00 USD', '164.00 USD', 5)
    """
    if not isinstance(service, ServiceSnapshot):
        raise InvalidType(
            field=_("service"), expected="ServiceSnapshot", actual=type(service).__name__
        )
    count = whole_number(_("quantity"), quantity, 1, policy.catalog.quantity_max)
    chosen = service.choose(upgrade_ids)
    unit = check_unit_price(sum((u.price for u in chosen), service.base_price), policy.catalog)
    lines = [
        _line(LineKind.BASE, service.title, service.base_price, count),
        *(_line(LineKind.UPGRADE, u.title, u.price, count, upgrade_id=u.id) for u in chosen),
    ]
    # the lines' amounts added up: each line is its price × count
    subtotal = unit if count == 1 else unit * count
    fee = charge(subtotal, policy.ledger.buyer_fees)
    if fee.is_positive():
        lines.append(_line(LineKind.BUYER_FEE, LineKind.BUYER_FEE.label, fee, 1))
    parts = split(subtotal, policy.ledger.commission)
    return Quote(
        service_id=service.service_id,
        quantity=count,
        upgrade_ids=tuple(u.id for u in chosen),
        lines=tuple(lines),
        subtotal=subtotal,
        buyer_fee=fee,
        total=subtotal + fee,
        commission=parts.commission,
        seller_net=parts.seller_net,
        delivery_days=service.delivery_days + sum(u.extra_days for u in chosen),
    )


@attrs.frozen
class CartQuote:
    """The quotes of every cart line (one future order each) and their sums."""

    quotes: tuple[Quote, ...]
    subtotal: Money
    buyer_fee: Money
    total: Money
    commission: Money
    seller_net: Money


def quote_cart(
    lines: Sequence[tuple[ServiceSnapshot, Sequence[UpgradeId], int]],
    policy: MarketplacePolicy,
) -> CartQuote:
    """Quote each ``(service, upgrade_ids, quantity)`` and add the quotes up.

    Fees apply per order (per line), as each line becomes its own order at checkout.
    """
    quotes = tuple(
        quote(service, policy, upgrade_ids=upgrade_ids, quantity=quantity)
        for service, upgrade_ids, quantity in lines
    )
    zero = Money.zero(policy.currency)
    return CartQuote(
        quotes=quotes,
        subtotal=sum((q.subtotal for q in quotes), zero),
        buyer_fee=sum((q.buyer_fee for q in quotes), zero),
        total=sum((q.total for q in quotes), zero),
        commission=sum((q.commission for q in quotes), zero),
        seller_net=sum((q.seller_net for q in quotes), zero),
    )

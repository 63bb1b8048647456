"""Money in, favourites, the cart and checkout."""

from __future__ import annotations

from typing import Protocol, TypeVar

from microgigs import ledger as lg
from microgigs._text import _
from microgigs.catalog import Cart, CartLine, Favourites
from microgigs.errors import EmptyCart, InsufficientFunds, InvalidType, OutOfRange, PriceChanged
from microgigs.ids import MemberId, OrderId
from microgigs.marketplace import commands as c
from microgigs.marketplace._catalog import buyable
from microgigs.marketplace._context import Context, handles
from microgigs.marketplace._orders import publish
from microgigs.members import Member
from microgigs.money import Money
from microgigs.orders import Order
from microgigs.pricing import quote

Record = TypeVar("Record", Cart, Favourites)


@handles(c.TopUp)
def top_up(command: c.TopUp, context: Context) -> None:
    member = context.payer(command.actor)
    maximum = context.policy.ledger.top_up_maximum
    amount: object = command.amount  # not Money: charge() refuses it (InvalidType)
    if maximum is not None and isinstance(amount, Money) and amount > maximum:
        smallest = Money(1, maximum.currency)
        raise OutOfRange(field=_("top-up"), value=amount, minimum=smallest, maximum=maximum)
    context.charge(member.id, command.amount, command.method)
    context.post(
        lg.top_up,
        "top-up",
        member_id=member.id,
        amount=command.amount,
        source=command.method,
        at=context.now,
    )


@handles(c.AddToCart)
def add_to_cart(command: c.AddToCart, context: Context) -> None:
    buyer = context.trader(command.actor)
    context.uow.carts.save(_cart_with_line(context, buyer, command))


def _cart_with_line(context: Context, buyer: Member, command: c.AddToCart | c.OrderNow) -> Cart:
    """The buyer's cart with the command's service, upgrades and quantity put in it.

    The one way a line is checked: adding to the cart and ordering at once refuse alike.
    """
    cart = context.uow.carts.get(buyer.id)
    cart.put(
        buyer,
        buyable(context, command.service_id, buyer),
        context.policy.catalog,
        upgrade_ids=command.upgrade_ids,
        quantity=command.quantity,
    )
    return cart


@handles(c.ChangeQuantity)
def change_quantity(command: c.ChangeQuantity, context: Context) -> None:
    """A line's quantity changed where it is: a line removed meanwhile is not put back."""
    buyer = context.trader(command.actor)
    cart = context.uow.carts.get(buyer.id)
    cart.line(command.service_id)  # NotFound first: no line, nothing to check the service of
    service = buyable(context, command.service_id, buyer)
    cart.change_quantity(buyer, service, context.policy.catalog, command.quantity)
    context.uow.carts.save(cart)


@handles(c.RemoveFromCart)
def remove_from_cart(command: c.RemoveFromCart, context: Context) -> None:
    _take_out(context, command, context.uow.carts)


class _OwnRecords(Protocol[Record]):
    """A member's own cart or favourites: one record per member."""

    def get(self, owner_id: MemberId, /) -> Record: ...

    def save(self, record: Record, /) -> None: ...


def _take_out(
    context: Context, command: c.RemoveFromCart | c.RemoveFavourite, records: _OwnRecords[Record]
) -> None:
    """Take the command's service out of the trader's own cart or favourites."""
    record = records.get(context.trader(command.actor).id)
    record.remove(command.service_id)
    records.save(record)


@handles(c.AddFavourite)
def add_favourite(command: c.AddFavourite, context: Context) -> None:
    member = context.trader(command.actor)
    favourites = context.uow.favourites.get(member.id)
    chosen = buyable(
        context, command.service_id, member, _("add your own service to your favourites")
    )
    favourites.add(member, chosen)
    context.uow.favourites.save(favourites)


@handles(c.RemoveFavourite)
def remove_favourite(command: c.RemoveFavourite, context: Context) -> None:
    _take_out(context, command, context.uow.favourites)


@handles(c.Checkout)
def checkout(command: c.Checkout, context: Context) -> list[OrderId]:
    buyer = context.payer(command.actor)
    cart = context.uow.carts.get(buyer.id)
    if not len(cart):
        raise EmptyCart
    orders = [place(context, buyer, line) for line in cart]
    # the cart is written at the version it was read: of checkouts racing on one cart,
    # one commits and the others fail with StaleWrite (and their charges are voided)
    cart.clear()
    context.uow.carts.save(cart)
    pay(context, buyer, orders, command.method, command.expected_total)
    return [order.id for order in orders]


@handles(c.OrderNow)
def order_now(command: c.OrderNow, context: Context) -> OrderId:
    buyer = context.payer(command.actor)
    cart = _cart_with_line(context, buyer, command)  # checked as the cart would; not kept
    order = place(context, buyer, cart.line(command.service_id))
    pay(context, buyer, [order], command.method, command.expected_total)
    return order.id


def place(context: Context, buyer: Member, line: CartLine) -> Order:
    """An order for one cart line, priced now from the service as it is now."""
    service = buyable(context, line.service_id, buyer)
    snapshot = service.snapshot()
    priced = quote(snapshot, context.policy, upgrade_ids=line.upgrade_ids, quantity=line.quantity)
    return Order.place(
        context.ids.new(OrderId),
        buyer_id=buyer.id,
        quote=priced,
        service=snapshot,
        placed_at=context.now,
        policy=context.policy.orders,
    )


def pay(
    context: Context,
    buyer: Member,
    orders: list[Order],
    method: lg.Gateway | None,
    expected: Money | None,
) -> None:
    """Charge the gateway the total once (or take it from the balance), each order in escrow.

    ``expected`` (the total the buyer was shown, if the caller sent it) must be the total.
    """
    total = sum((o.quote.total for o in orders), context.zero())
    if expected is not None:
        if not isinstance(expected, Money):
            raise InvalidType(
                field=_("expected total"), expected="Money", actual=type(expected).__name__
            )
        if expected != total:
            raise PriceChanged(expected=expected, total=total)
    if method is not None:
        context.charge(buyer.id, total, method)
    uow, paid = context.uow, context.zero()
    for order in orders:
        try:
            add_paid(context, order, method)
        except InsufficientFunds as short:  # named for the whole cart, not this one order
            held = short.balance + paid if isinstance(short.balance, Money) else short.balance
            raise InsufficientFunds(kind=short.kind, balance=held, amount=total) from None
        paid += order.quote.total
        inquiry = uow.inquiries.about(buyer.id, order.service.service_id)
        if inquiry is not None and inquiry.order_id is None:
            inquiry.convert(order.id)
            uow.inquiries.save(inquiry)


def add_paid(context: Context, order: Order, method: lg.Gateway | None) -> None:
    """A new order, its events, and its total paid into escrow (``None``: the balance)."""
    publish(context, order)
    context.uow.orders.add(order)
    context.post(
        lg.pay_order,
        order.id,
        order_id=order.id,
        buyer_id=order.buyer_id,
        amount=order.quote.total,
        source=method,
        at=order.placed_at,
    )

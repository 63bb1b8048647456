"""Requests for services nobody offers yet, sellers' offers on them, and buyers' inquiries."""

from __future__ import annotations

from typing import Final

import attrs

from microgigs._text import _
from microgigs.errors import ServiceNotAvailable
from microgigs.ids import InquiryId, OfferId, OrderId, RequestId
from microgigs.inquiries import Inquiry
from microgigs.marketplace import commands as c
from microgigs.marketplace._buying import pay
from microgigs.marketplace._catalog import buyable
from microgigs.marketplace._context import Context, given, handles
from microgigs.orders import Order
from microgigs.pricing import quote
from microgigs.requests import ServiceRequest

_ASKED: Final = ("category_id", "title", "description", "budget")
"""What a buyer writes in a request: the same names in the command and the domain."""


@handles(c.PostRequest)
def post_request(command: c.PostRequest, context: Context) -> RequestId:
    buyer = context.trader(command.actor)
    context.categories.category(command.category_id)
    request = ServiceRequest.post(
        context.ids.new(RequestId),
        buyer_id=buyer.id,
        now=context.now,
        policy=context.policy.catalog,
        **given(command, _ASKED),
    )
    context.uow.requests.add(request)
    return request.id


@handles(c.ModerateRequest)
def moderate_request(command: c.ModerateRequest, context: Context) -> None:
    request = context.uow.requests.get(command.request_id)
    if command.reason is None:
        request.approve(command.actor)
    else:
        request.reject(command.actor, command.reason)
    context.uow.requests.save(request)


@handles(c.MakeOffer)
def make_offer(command: c.MakeOffer, context: Context) -> OfferId:
    context.trader(command.actor)
    request = context.uow.requests.get(command.request_id)
    snapshot = None
    if command.service_id is not None:
        service = context.uow.services.get(command.service_id)
        if not service.is_buyable:
            raise ServiceNotAvailable(service_id=service.id, status=service.status)
        snapshot = service.snapshot()
    offer = request.make_offer(
        context.ids.new(OfferId),
        command.actor,
        command.message,
        context.now,
        context.policy.catalog,
        service=snapshot,
        price=command.price,
        delivery_days=command.delivery_days,
    )
    context.uow.requests.save(request)
    return offer.id


@handles(c.AcceptOffer)
def accept_offer(command: c.AcceptOffer, context: Context) -> OrderId:
    buyer = context.payer(command.actor)
    uow = context.uow
    request = uow.requests.get(command.request_id)
    order_id = context.ids.new(OrderId)
    offer = request.accept(command.actor, command.offer_id, order_id, context.now)
    seller = uow.members.get(offer.seller_id)
    seller.require_can_trade()
    if offer.service_id is not None:
        snapshot = buyable(context, offer.service_id, buyer).snapshot()
        if offer.price is not None and offer.delivery_days is not None:
            # the offer's terms hold (offers made before they were kept have none)
            snapshot = attrs.evolve(
                snapshot, base_price=offer.price, delivery_days=offer.delivery_days
            )
    else:
        snapshot = request.custom_service(offer)
    order = Order.place(
        order_id,
        buyer_id=buyer.id,
        quote=quote(snapshot, context.policy),
        service=snapshot,
        placed_at=context.now,
        policy=context.policy.orders,
    )
    uow.requests.save(request)
    pay(context, buyer, [order], command.method, command.expected_total)
    return order.id


@handles(c.CloseRequest)
def close_request(command: c.CloseRequest, context: Context) -> None:
    request = context.uow.requests.get(command.request_id)
    request.close(command.actor)
    context.uow.requests.save(request)


@handles(c.Ask)
def ask(command: c.Ask, context: Context) -> InquiryId:
    buyer = context.trader(command.actor)
    service = buyable(context, command.service_id, buyer, _("ask about your own service"))
    uow = context.uow
    inquiry = uow.inquiries.about(buyer.id, command.service_id)
    if inquiry is None:
        inquiry = Inquiry.open(
            context.ids.new(InquiryId),
            service_id=command.service_id,
            seller_id=service.seller_id,
            buyer=command.actor,
            body=command.body,
            at=context.now,
        )
        uow.inquiries.add(inquiry)
    else:
        inquiry.write(command.actor, command.body, context.now)
        uow.inquiries.save(inquiry)
    return inquiry.id


@handles(c.AnswerInquiry)
def answer_inquiry(command: c.AnswerInquiry, context: Context) -> None:
    context.require_trading(command.actor)
    inquiry = context.uow.inquiries.get(command.inquiry_id)
    inquiry.write(command.actor, command.body, context.now)
    context.uow.inquiries.save(inquiry)

"""A conversation is read a page at a time: the latest messages, then the ones before.

A hostile review (2026-12-07): 2,000 messages of 50 KB in one $5 order (a day of the web
host's write limit) made its page 83 MB, every one of them read for each view. An order's
page and a contract's now hold the latest ``MESSAGES_PAGE`` messages, and name the message
before which the earlier ones are read.
"""

from __future__ import annotations

import pytest
from cast import cheap_order, hired

from microgigs.errors import InvalidType, NotFound
from microgigs.ids import MessageId
from microgigs.marketplace import MESSAGES_PAGE


def test_an_orders_page_holds_its_latest_messages_and_names_the_earlier(market):
    seller, buyer, order = cheap_order(market)  # its first message: the instructions
    for n in range(MESSAGES_PAGE + 9):
        market.send_message(seller if n % 2 else buyer, order, f"رسالة {n}", key=f"m-{n}")
    everything = [m.body for m in market.conversation(buyer, order, limit=100)]
    assert MESSAGES_PAGE + 10 == len(everything)
    latest = market.order_page(buyer, order)
    assert everything[-MESSAGES_PAGE:] == [m.body for m in latest.messages]
    assert latest.messages[0].id == latest.earlier
    earlier = market.order_page(seller, order, before=latest.earlier)
    assert everything[:10] == [m.body for m in earlier.messages]
    assert earlier.earlier is None
    assert everything[:10] == [
        m.body for m in market.conversation(buyer, order, before=latest.earlier)
    ]


def test_a_short_conversation_names_nothing_earlier(market):
    _seller, buyer, order = cheap_order(market)
    page = market.order_page(buyer, order)
    assert (["التعليمات"], None) == ([m.body for m in page.messages], page.earlier)


def test_a_page_before_a_message_of_another_conversation_is_not_found(market):
    _seller, buyer, order = cheap_order(market)
    with pytest.raises(NotFound):
        market.order_page(buyer, order, before=MessageId("no-such-message"))
    with pytest.raises(NotFound):
        market.conversation(buyer, order, before=MessageId("no-such-message"))


def test_a_contracts_page_holds_its_latest_messages_and_names_the_earlier(market):
    client, freelancer, contract = hired(market)
    for n in range(MESSAGES_PAGE + 3):
        who = client if n % 2 else freelancer
        market.send_contract_message(who, contract, f"رسالة {n}", key=f"cm-{n}")
    latest = market.contract_page(client, contract)
    assert [f"رسالة {n}" for n in range(3, MESSAGES_PAGE + 3)] == [m.body for m in latest.messages]
    earlier = market.contract_page(freelancer, contract, before=latest.earlier)
    assert (["رسالة 0", "رسالة 1", "رسالة 2"], None) == (
        [m.body for m in earlier.messages],
        earlier.earlier,
    )


def test_a_cursor_that_is_not_a_str_is_invalid_type_as_every_pages_is(market):
    # a new user's probe: before=123 said "No message with the key 123"
    _seller, buyer, order = cheap_order(market)
    for read in (
        lambda: market.order_page(buyer, order, before=123),
        lambda: market.conversation(buyer, order, before=123),
    ):
        with pytest.raises(InvalidType):
            read()

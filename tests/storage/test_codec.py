"""The storage codec: every aggregate of the demo month reads back as it was written, and a
tampered document is refused, never coerced into something else."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import attrs
import orjson
import pytest

from microgigs import KHAMSAT, ManualClock, Money, UlidGenerator
from microgigs.errors import MicrogigsError
from microgigs.marketplace import Marketplace
from microgigs.orders import Order, OrderStatus
from microgigs.payments import FakeGateway
from microgigs.storage import MemoryStorage
from microgigs.storage.codec import (
    converter,
    decode,
    decode_apart,
    encode,
    encode_apart,
    encode_rest,
)
from microgigs.testing.demo import load_demo
from microgigs.testing.examples import place_order


@pytest.fixture(scope="module")
def market() -> Marketplace:
    clock = ManualClock(datetime(2026, 10, 1, tzinfo=UTC))
    market = Marketplace(
        MemoryStorage("USD"), clock, UlidGenerator(clock, seed=7), KHAMSAT, FakeGateway()
    )
    load_demo(market, clock)
    return market


def aggregates(market: Marketplace) -> list[object]:
    """Members, services, orders, messages, reviews, evaluations and listings of the demo."""
    found: list[object] = []
    with market.storage.unit_of_work() as uow:
        members = uow.members.page(limit=1000)
        found += members
        for member in members:
            services = uow.services.by_seller(member.id)
            orders = uow.orders.by_buyer(member.id, limit=1000)
            found += services + orders
            found += uow.levels.history(member.id)
            found.append(uow.carts.get(member.id))
            for service in services:
                found += uow.reviews.by_service(service.id)
                found.append(uow.listings.get(service.id))
            for order in orders:
                found += uow.orders.messages(order.id)
        found += uow.requests.open_now(market.clock.now() - timedelta(days=20), limit=100)
    return [value for value in found if value is not None]


def test_every_aggregate_of_the_demo_reads_back_equal(market: Marketplace) -> None:
    values = aggregates(market)
    kinds = {type(v).__name__ for v in values}
    assert {"Member", "Service", "Order", "Message", "Review", "Listing"} <= kinds

    assert values == [decode(encode(v), type(v)) for v in values]


def an_order(market: Marketplace) -> Order:
    return next(v for v in aggregates(market) if isinstance(v, Order) and v.history)


@pytest.mark.parametrize(
    ("path", "tampered"),
    [
        (("id",), 12345),  # an id that is not text
        (("status",), "lost"),  # a status the machine does not know
        (("status",), ["completed"]),
        (("version",), "3"),  # a number written as text
        (("version",), True),
        (("quote", "total", "minor"), 12.5),  # money as a float
        (("quote", "total", "minor"), "1250"),
        (("quote", "total", "currency"), "XXX1"),
        (("history",), {"not": "a list"}),
    ],
)
def test_a_tampered_document_is_refused_not_coerced(
    market: Marketplace, path: tuple[str, ...], tampered: object
) -> None:
    raw = json.loads(encode(an_order(market)))
    inner = raw
    for step in path[:-1]:
        inner = inner[step]
    inner[path[-1]] = tampered

    with pytest.raises((MicrogigsError, ValueError, TypeError)):
        decode(json.dumps(raw), Order)


def test_enums_and_money_read_back_as_their_own_types(market: Marketplace) -> None:
    order = an_order(market)

    again = decode(encode(order), Order)

    assert (OrderStatus, Money) == (type(again.status), type(again.quote.total))


TERMS = ("service", "quote")


def test_every_order_of_the_demo_reads_back_from_its_two_texts(market: Marketplace) -> None:
    orders = [v for v in aggregates(market) if isinstance(v, Order)]
    assert len(orders) >= 10

    texts = [encode_apart(o, TERMS) for o in orders]

    assert orders == [decode_apart(rest, apart, Order) for rest, apart in texts]
    assert [rest for rest, _ in texts] == [encode_rest(o, TERMS) for o in orders]
    for rest, apart in texts:
        assert (set(TERMS), set()) == (set(json.loads(apart)), set(TERMS) & set(json.loads(rest)))


@pytest.mark.parametrize("broken", ["[]", '"terms"', "{}", '{"service": 1, "quote": {}}'])
def test_broken_terms_are_refused(market: Marketplace, broken: str) -> None:
    rest, _ = encode_apart(an_order(market), TERMS)

    with pytest.raises((MicrogigsError, ValueError, TypeError, KeyError)):
        decode_apart(rest, broken, Order)


def test_encode_writes_the_text_of_the_public_converter(market: Marketplace) -> None:
    # encode leaves UTC times to orjson; the text must be the one isoformat gives
    values = aggregates(market)

    expected = [orjson.dumps(converter.unstructure(v)).decode() for v in values]

    assert expected == [encode(v) for v in values]
    orders = [v for v in values if isinstance(v, Order)]
    assert [json.loads(encode_rest(o, TERMS)) for o in orders] == [
        {k: v for k, v in converter.unstructure(o).items() if k not in TERMS} for o in orders
    ]


@pytest.mark.parametrize(
    "offset",
    [timedelta(0), timedelta(hours=3), timedelta(hours=-3, minutes=-30), timedelta(seconds=30)],
)
@pytest.mark.parametrize("microsecond", [0, 5])
def test_a_time_is_written_as_isoformat_writes_it(offset: timedelta, microsecond: int) -> None:
    order = an_order_at(datetime(2026, 11, 2, 9, 0, 0, microsecond, tzinfo=timezone(offset)))

    written = json.loads(encode(order))

    assert order.placed_at.isoformat() == written["placed_at"]
    assert order.placed_at == decode(encode(order), Order).placed_at


def an_order_at(when: datetime) -> Order:
    order = place_order()
    return attrs.evolve(order, placed_at=when)

"""The storage codec: every aggregate of the demo month reads back as it was written, and a
tampered document is refused, never coerced into something else."""

from __future__ import annotations

import json
import types
import typing
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from types import MappingProxyType

import attrs
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microgigs import KHAMSAT, ManualClock, Money, UlidGenerator
from microgigs.actors import Actor
from microgigs.errors import MicrogigsError, NotFound
from microgigs.ids import MemberId
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


def same_types(before: object, after: object, path: str = "") -> list[str]:
    """Where ``after`` holds a value of another type than ``before`` (a str for an enum …)."""
    if type(before) is not type(after):
        return [f"{path}: {type(before).__name__} became {type(after).__name__}"]
    if attrs.has(type(before)):
        return [
            found
            for field in attrs.fields(type(before))
            for found in same_types(
                getattr(before, field.name), getattr(after, field.name), f"{path}.{field.name}"
            )
        ]
    if isinstance(before, list | tuple):
        return [
            found
            for number, (b, a) in enumerate(zip(before, after, strict=True))
            for found in same_types(b, a, f"{path}[{number}]")
        ]
    return []


def test_every_value_reads_back_with_its_own_type(market: Marketplace) -> None:
    # equality alone would pass an enum read back as its text (a StrEnum equals its value)
    values = aggregates(market)

    assert [] == [found for v in values for found in same_types(v, decode(encode(v), type(v)))]


@pytest.mark.parametrize(
    ("path", "tampered"),
    [
        (("history", 0, "actor", "role"), "owner"),
        (("history", 0, "actor", "member_id"), "a|b"),
        (("history", 0, "actor", "member_id"), 7),
        (("history", 0, "actor"), ["member"]),
        (("history", 1, "event"), "vanish"),
        (("history", 1, "reason"), 3),  # an optional text that is not text
        (("quote", "lines", 0, "upgrade_id"), 5),
        (("quote", "lines", 0, "kind"), 1),
        (("service", "upgrades", 0, "price"), {"minor": True, "currency": "USD"}),
        (("deadline",), 1700000000),  # a time that is not text
    ],
)
def test_a_tampered_part_is_refused_with_a_typed_error(
    market: Marketplace, path: tuple[str | int, ...], tampered: object
) -> None:
    raw = json.loads(encode(an_order(market)))
    inner = raw
    for step in path[:-1]:
        inner = inner[step]
    inner[path[-1]] = tampered

    with pytest.raises((MicrogigsError, ValueError, TypeError)):
        decode(json.dumps(raw), Order)


def test_a_field_with_a_default_may_be_absent_and_a_required_one_may_not(
    market: Marketplace,
) -> None:
    order = an_order(market)
    raw = json.loads(encode(order))
    del raw["published"], raw["modifications"]

    again = decode(json.dumps(raw), Order)

    assert attrs.evolve(order, published=0, modifications=0) == again
    del raw["placed_at"]
    with pytest.raises(KeyError):
        decode(json.dumps(raw), Order)


def refusal(call: Callable[[], object]) -> tuple[type, str]:
    """The typed error ``call`` raises, as its class and its text."""
    with pytest.raises(MicrogigsError) as refused:
        call()
    return type(refused.value), str(refused.value)


@pytest.mark.parametrize(
    ("minor", "currency"),
    [(True, "USD"), (12.5, "USD"), ("1250", "USD"), (10**16, "USD"), (5, "XXX1"), (5, None)],
)
def test_a_stored_amount_is_refused_as_the_constructor_refuses_it(
    minor: object, currency: object
) -> None:
    by_constructor = refusal(lambda: Money(minor, currency))  # type: ignore[arg-type]

    assert by_constructor == refusal(
        lambda: converter.structure({"minor": minor, "currency": currency}, Money)
    )


@pytest.mark.parametrize(
    ("role", "member_id"),
    [
        ("owner", None),
        (3, None),
        ("member", "a|b"),
        ("member", ""),
        ("member", "x" * 101),
        ("admin", 42),
        ("member", "a\nb"),
    ],
)
def test_a_stored_actor_is_refused_as_the_constructor_refuses_it(
    role: object, member_id: object
) -> None:
    by_constructor = refusal(lambda: Actor(role, member_id))  # type: ignore[arg-type]

    assert by_constructor == refusal(
        lambda: converter.structure({"role": role, "member_id": member_id}, Actor)
    )


@attrs.frozen
class Checked:
    count: int = attrs.field(validator=attrs.validators.gt(0))
    tags: list[str] = attrs.field(factory=list)


@attrs.frozen
class Plain:
    count: int
    tags: list[str] = attrs.field(factory=list)
    note: str | None = None


def test_a_class_with_a_validator_is_built_through_its_init() -> None:
    assert Checked(2, ["a"]) == converter.structure({"count": 2, "tags": ["a"]}, Checked)
    with pytest.raises(ValueError, match="count"):
        converter.structure({"count": 0}, Checked)


def test_a_class_whose_init_only_assigns_is_built_the_same_without_it() -> None:
    first = converter.structure({"count": 2}, Plain)
    second = converter.structure({"count": 2}, Plain)

    assert (Plain(2), Plain(3, ["x"], "n")) == (
        first,
        converter.structure({"count": 3, "tags": ["x"], "note": "n"}, Plain),
    )
    assert first.tags is not second.tags  # a default factory makes one list each
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        first.count = 5  # type: ignore[misc]


class Spoof(str):
    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return True

    __hash__ = str.__hash__


def test_a_member_id_must_be_text_itself_not_a_kind_of_text() -> None:
    # a subclass may answer == as it likes: is_member("anyone") would be True
    with pytest.raises(MicrogigsError):
        Actor("member", Spoof("m1"))  # type: ignore[arg-type]
    with pytest.raises(MicrogigsError):
        converter.structure({"role": "member", "member_id": Spoof("m1")}, Actor)


def test_an_actor_reads_from_any_mapping() -> None:
    expected = Actor.member(MemberId("m1"))
    plain = {"role": "member", "member_id": "m1"}

    assert [expected, expected] == [
        converter.structure(OrderedDict(plain), Actor),
        converter.structure(MappingProxyType(plain), Actor),
    ]


def test_an_error_is_built_through_its_constructor() -> None:
    made = converter.structure({"kind": "order", "key": "o1"}, NotFound)

    assert (NotFound, "o1") == (type(made), made.key)


def holds_its_type(value: object, kind: object) -> bool:
    """True when ``value`` is exactly of the declared ``kind`` (no str for an enum, no bool
    for an int), through ids, optionals, sequences and nested attrs classes."""
    while (supertype := getattr(kind, "__supertype__", None)) is not None:
        kind = supertype  # an id: a NewType over str
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (types.UnionType, typing.Union):
        held = any(holds_its_type(value, arg) for arg in args)
    elif origin in (tuple, list):
        held = type(value) is origin and all(holds_its_type(v, args[0]) for v in value)
    elif kind is type(None):
        held = value is None
    elif isinstance(kind, type) and attrs.has(kind):
        attrs.resolve_types(kind)
        held = type(value) is kind and all(
            holds_its_type(getattr(value, f.name), f.type) for f in attrs.fields(kind)
        )
    else:  # a plain type; a dict's or an alias's insides are not looked into
        held = not isinstance(kind, type) or origin is dict or type(value) is kind
    return held


def leaves(raw: object, path: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    if isinstance(raw, dict):
        return [path] + [p for k, v in raw.items() for p in leaves(v, (*path, k))]
    if isinstance(raw, list):
        return [path] + [p for i, v in enumerate(raw) for p in leaves(v, (*path, i))]
    return [path]


SAMPLES = ["USD", "member", "completed", "2026-11-01T00:00:00+00:00"]
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**16), 10**16)
    | st.floats(allow_nan=False)
    | st.text(max_size=5)
    | st.sampled_from(SAMPLES)
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=4,
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_mutated_document_is_refused_or_reads_back_holding_its_declared_types(
    market: Marketplace, data: st.DataObject
) -> None:
    value = data.draw(st.sampled_from(aggregates(market)))
    raw = json.loads(encode(value))
    path = data.draw(st.sampled_from(leaves(raw)))
    replacement = data.draw(JSON_VALUES)
    if not path:
        raw = replacement
    else:
        inner = raw
        for step in path[:-1]:
            inner = inner[step]
        inner[path[-1]] = replacement

    try:
        again = decode(json.dumps(raw), type(value))
    except (MicrogigsError, ValueError, TypeError, KeyError):
        return
    assert holds_its_type(again, type(value))


@pytest.mark.parametrize(
    "written",
    ["10 USD", "10.00 USD", "\u200f10.00\u00a0USD", "10\u200f USD", "USD 10", " 10   USD "],
)
def test_money_as_written_takes_what_a_copied_arabic_amount_carries(written):
    # a new user's probe (2026-12-06): the direction mark format_money writes, a no-break
    # space, or the code first made "not a valid amount" or "not a known currency code"
    assert Money(1000, "USD") == converter.structure(written, Money)


@pytest.mark.parametrize("written", ["10", "USD", "10 USD X", "10,000 USD", "ten USD"])
def test_money_as_written_still_refuses_what_it_cannot_read(written):
    with pytest.raises(MicrogigsError):
        converter.structure(written, Money)


@pytest.mark.parametrize(
    "written",
    [
        "\u202e500\u202c USD",  # shown "005 USD", read 500 (a hostile review, 2026-12-06)
        "\u202e05.0\u202c USD",  # shown "0.50"
        "\u202d10\u202c USD",
        "USD \u09ea0",  # Bengali four: looks like an 8
        "1\u0660 USD",  # a Western one, an Arabic zero that looks like a point: "1." or 10?
    ],
)
def test_money_as_written_refuses_what_would_read_other_than_it_shows(written):
    with pytest.raises(MicrogigsError):
        converter.structure(written, Money)


@pytest.mark.parametrize("written", ["١٠ USD", "۱۰ USD", "\u2067١٠\u2069 USD", "10 USD"])
def test_money_in_one_script_of_digits_is_read(written):
    assert Money(1000, "USD") == converter.structure(written, Money)

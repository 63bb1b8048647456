"""The façade's typed methods are made from the commands: one place for each use case's fields.

``Marketplace.checkout`` is ``use_case(Checkout)``: its parameters, defaults and docstring
are the command's, the type checker sees them, and ``key=`` is a field of every command.
"""

from __future__ import annotations

import inspect
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from cast import cast, usd

from microgigs import ledger as lg
from microgigs.actors import Actor
from microgigs.ids import ContractId, MemberId
from microgigs.marketplace import Marketplace, bootstrap
from microgigs.marketplace import commands as c
from microgigs.members import PayoutKind, PayoutMethod

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", sorted(c.COMMANDS))
def test_each_use_case_method_takes_its_commands_fields_and_docstring(name):
    kind = c.COMMANDS[name]
    method = getattr(Marketplace, name)
    fields = inspect.signature(kind).parameters
    in_order = sorted(fields, key=lambda field: field == "key")  # the key last
    taken = inspect.signature(method).parameters
    assert ["self", *in_order] == list(taken)
    assert all(taken[field] == fields[field] for field in fields)
    market = bootstrap(":memory:")  # help(market.checkout) shows every field
    assert in_order == list(inspect.signature(getattr(market, name)).parameters)
    market.close()
    assert (method.__qualname__, method.__doc__) == (f"Marketplace.{name}", kind.__doc__)


def test_flags_and_terms_are_given_by_name():
    with pytest.raises(TypeError):
        c.AnswerOffer(Actor.member(MemberId("01")), ContractId("c"), True)  # type: ignore[misc]  # noqa: FBT003 (the call refused)


def test_items_are_read_once_into_a_tuple_even_from_a_generator(market):
    seller, _buyer, _service = cast(market)
    paypal = PayoutMethod(PayoutKind.PAYPAL, "sara@example.com")
    market.set_payout_methods(seller, (method for method in [paypal]), key="payouts")
    assert (paypal,) == market.member(seller).payout_methods


def test_a_method_and_its_command_share_one_key(market):
    _seller, buyer, _service = cast(market)
    market.top_up(buyer, usd(20), lg.Gateway.CARD, key="top-up")
    market.execute(c.TopUp(buyer, usd(20), lg.Gateway.CARD, key="top-up"))  # a replay
    assert usd(20) == market.balances(buyer).wallet


def test_lists_given_for_a_commands_tuples_are_taken_as_tuples(market):
    _seller, buyer, service = cast(market)
    upgrade = market.service(buyer, service).upgrades[0].id
    command = c.AddToCart(buyer, service, upgrade_ids=[upgrade], quantity=1)
    assert (upgrade,) == command.upgrade_ids
    market.execute(command)
    assert [(upgrade,)] == [priced.line.upgrade_ids for priced in market.cart(buyer).lines]


def test_a_type_checker_checks_the_use_case_methods(tmp_path):
    program = tmp_path / "first_program.py"
    program.write_text(
        textwrap.dedent(
            """
            from microgigs import Actor, Money, bootstrap
            from microgigs.ids import CategoryId, MemberId, OrderId
            from microgigs.marketplace import NewUpgrade

            market = bootstrap(":memory:")
            sara = Actor.member(MemberId("01"))
            logo = market.publish_service(
                sara,
                category_id=CategoryId("design"),
                title="تصميم شعار",
                description="وصف",
                instructions="تعليمات",
                base_price=Money.of(5, "USD"),
                delivery_days=2,
                upgrades=[NewUpgrade("ملف مفتوح", Money.of(5, "USD"), 1)],
                tags=["شعار"],
                key="publish",
            )
            orders: list[OrderId] = market.checkout(sara, key="pay")
            title: str = logo.title
            market.checkout(sara, methd=None)
            market.add_to_cart(sara, logo.id, quantity="2")
            """
        )
    )
    mypy = [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache")]
    checked = subprocess.run(  # noqa: S603 (our own tool, our own interpreter)
        [*mypy, str(program)], capture_output=True, text=True, check=False, cwd=ROOT
    )
    errors = [
        line.split(" error: ")[1] for line in checked.stdout.splitlines() if " error: " in line
    ]
    assert [
        'Unexpected keyword argument "methd"; did you mean "method"?  [call-arg]',
        'Argument "quantity" has incompatible type "str"; expected "int"  [arg-type]',
    ] == errors

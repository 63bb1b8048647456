"""The commands as values: names, docstrings, the docs' table, the converter."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from microgigs import Money, bootstrap
from microgigs import ledger as lg
from microgigs.actors import Actor
from microgigs.errors import (
    InvalidText,
    InvalidType,
    MicrogigsError,
    MissingField,
    NotFound,
    UnknownChoice,
    UnknownCurrency,
)
from microgigs.ids import MemberId
from microgigs.l10n import translate_error
from microgigs.marketplace import commands as c
from microgigs.marketplace._context import HANDLERS  # filled as the package is imported

DOCS = Path(__file__).resolve().parents[2] / "docs" / "marketplace.md"


def test_the_docs_table_of_commands_is_the_rendered_one():
    text = DOCS.read_text()
    found = re.search(r"<!-- commands:begin[^>]*-->\n(.*?)\n<!-- commands:end -->", text, re.DOTALL)
    assert found is not None
    assert c.render_commands() == found.group(1)


@pytest.mark.parametrize("name", sorted(c.COMMANDS))
def test_every_command_says_in_its_docstring_what_it_may_raise(name):
    kind = c.COMMANDS[name]
    assert kind.errors, f"{name} lists no error"
    assert all(issubclass(error, MicrogigsError) for error in kind.errors)
    names = ", ".join(f"``{error.__name__}``" for error in kind.errors)
    assert f"May raise: {names}." in (kind.__doc__ or "")


def test_a_command_is_built_from_plain_values_and_refused_with_typed_errors():
    ahmad = {"role": "member", "member_id": "01A"}
    built = c.structure_command(
        "add_to_cart", {"actor": ahmad, "service_id": "S1", "upgrade_ids": ["U1"], "quantity": 2}
    )
    assert (
        c.AddToCart(Actor.member(MemberId("01A")), "S1", upgrade_ids=("U1",), quantity=2) == built
    )  # type: ignore[arg-type]
    with pytest.raises(InvalidType):
        c.structure_command("add_to_cart", {"actor": ahmad, "service_id": 5})
    with pytest.raises(InvalidType):
        c.structure_command("add_to_cart", {"service_id": "S1"})  # no actor
    with pytest.raises(InvalidType):
        c.structure_command("top_up", {"actor": ahmad, "amount": 2.5, "method": "card"})
    with pytest.raises(NotFound, match="top_up"):
        c.structure_command("toppup", {})
    assert "25.00 USD" == str(
        c.structure_command("top_up", {"actor": ahmad, "amount": "25 USD", "method": "card"}).amount
    )


def test_a_missing_field_is_named_in_the_error_in_english_and_arabic():
    ahmad = {"role": "member", "member_id": "01A"}
    with pytest.raises(MissingField) as caught:
        c.structure_command("publish_service", {"actor": ahmad, "category_id": "logo-design"})
    error = caught.value
    assert isinstance(error, InvalidType)  # what the docs promise for any wrong field
    needed = "title, description, instructions, base_price, delivery_days"
    fields = "actor, category_id, " + needed + ", upgrades?, tags?, gallery?"
    assert (error.field, error.actual, error.expected) == ("publish_service", needed, fields)
    assert str(error) == f"publish_service needs {needed}; its fields are {fields}."
    assert translate_error(error, "ar") == f"يحتاج publish_service إلى {needed}؛ حقوله: {fields}."
    with pytest.raises(MissingField, match="actor"):
        c.structure_command("top_up", {"amount": "5 USD", "method": "card"})
    with pytest.raises(MissingField, match=r"top_up needs method;"):
        c.structure_command("top_up", {"actor": ahmad, "amount": "5 USD"})


def test_a_nested_value_refused_says_which_field_and_why():
    # "hire_bid must be actor, …, milestones?, not 'amount'." and "…, not XYZ is not a known
    # ISO 4217 currency code.." (a docs-only probe, 2026-12-06)
    ahmad = {"role": "member", "member_id": "01A"}
    hire = {"actor": ahmad, "project_id": "p", "bid_id": "b"}
    with pytest.raises(MissingField) as missing:
        c.structure_command("hire_bid", {**hire, "milestones": [{"title": "الشعار"}]})
    assert ("hire_bid.milestones", "amount") == (missing.value.field, missing.value.actual)
    with pytest.raises(UnknownCurrency) as currency:  # the value's own typed error
        c.structure_command(
            "hire_bid", {**hire, "milestones": [{"title": "الشعار", "amount": "5 XYZ"}]}
        )
    assert "XYZ" == currency.value.currency
    with pytest.raises(InvalidType) as wrong:
        c.structure_command("hire_bid", {**hire, "milestones": "الشعار"})
    assert "hire_bid.milestones" == wrong.value.field


def test_an_unknown_field_inside_a_record_is_refused_not_left_out():
    # a new user's probe (2026-12-06): {"minor": 1000, "currency": "USD", "x": 1} was
    # 10.00 USD, and a payout method's or a milestone's misspelt field was dropped silently
    ahmad = {"role": "member", "member_id": "01A"}
    method = {"kind": "paypal", "account": "a@example.com", "extra": 1}
    for name, fields, where, unknown in (
        ("top_up", {"amount": {"minor": 1000, "currency": "USD", "x": 1}, "method": "card"},
         "top_up.amount", "x"),
        ("request_withdrawal", {"amount": "10 USD", "method": method},
         "request_withdrawal.method", "extra"),
        ("set_payout_methods", {"methods": [method]}, "set_payout_methods.methods", "extra"),
        ("hire_bid", {"project_id": "p", "bid_id": "b",
                      "milestones": [{"title": "الشعار", "amount": "5 USD", "amout": 1}]},
         "hire_bid.milestones", "amout"),
        ("hire_bid", {"project_id": "p", "bid_id": "b", "milestones": [
            {"title": "الشعار", "amount": {"minor": 500, "currency": "USD", "cents": 5}}]},
         "hire_bid.milestones", "cents"),
        ("add_to_cart", {"actor": {**ahmad, "role_": 1}, "service_id": "S1"},
         "add_to_cart.actor", "role_"),
    ):  # fmt: skip
        with pytest.raises(InvalidType) as caught:
            c.structure_command(name, {"actor": ahmad, **fields})
        assert (where, unknown) == (caught.value.field, caught.value.actual), name
    known = {"kind": "paypal", "account": "a@example.com"}  # a record's own fields: taken
    built = c.structure_command(
        "request_withdrawal", {"actor": ahmad, "amount": "10 USD", "method": known}
    )
    assert "a@example.com" == built.method.account  # type: ignore[union-attr]


def test_a_value_that_is_no_member_of_an_enum_names_the_ones_that_are():
    # "top_up must be …, not 'bitcoin' is not a valid Gateway." (Python's words, in Arabic too)
    ahmad = {"role": "member", "member_id": "01A"}
    with pytest.raises(InvalidType) as wrong:
        c.structure_command("top_up", {"actor": ahmad, "amount": "5 USD", "method": "bitcoin"})
    assert "top_up.method must be one of the choices (paypal and card), not 'bitcoin'." == str(
        wrong.value
    )
    assert isinstance(wrong.value, UnknownChoice)  # an InvalidType, its choices listed
    assert ("paypal", "card") == wrong.value.choices
    arabic = translate_error(wrong.value, "ar")
    assert "أحد الخيارات (paypal وcard)" in arabic
    assert not re.search(r"\bone of\b|\bor\b", arabic), arabic


@pytest.mark.parametrize(
    ("upgrades", "sent"),
    [([1], "a list of int"), (["x"], "a list of str"), ([[1]], "a list of list"),
     ({"title": "x"}, "dict")],
)  # fmt: skip
def test_a_value_of_the_wrong_shape_is_named_by_its_shape_not_pythons_words(upgrades, sent):
    # a probe (2026-12-06): "…, not 'int' object is not subscriptable." (in Arabic too)
    seller = {"role": "member", "member_id": "01A"}
    fields = {"actor": seller, "category_id": "logo-design", "title": "t", "description": "d",
              "instructions": "i", "base_price": "5 USD", "delivery_days": 2}  # fmt: skip
    with pytest.raises(InvalidType) as wrong:
        c.structure_command("publish_service", {**fields, "upgrades": upgrades})
    assert ("publish_service.upgrades", sent) == (wrong.value.field, wrong.value.actual)


def test_a_value_nested_deeper_than_any_record_is_invalid_type_naming_its_field():
    # a hostile review (2026-12-06): the unknown-field check ran before the guard, and a
    # list nested 3,000 deep was a RecursionError
    nested: list[object] = []
    for _ in range(3000):
        nested = [nested]
    ahmad = {"role": "member", "member_id": "01A"}
    fields = {"actor": ahmad, "title": "t", "category_id": "x", "description": "d",
              "instructions": "i", "base_price": "5 USD", "delivery_days": 1,
              "tags": nested}  # fmt: skip
    with pytest.raises(InvalidType) as caught:
        c.structure_command("publish_service", fields)
    assert "publish_service.tags" == caught.value.field


def test_every_command_a_member_or_admin_may_send_is_listed_by_name():
    # change_quantity was handled and a method of Marketplace, but missing from COMMANDS:
    # no row in the docs, no name for the CLI or the API (caught while adding it)
    handled = {kind for kind in HANDLERS if not kind.system_only}
    assert set(c.COMMANDS.values()) == handled


def test_a_wrong_value_inside_a_record_names_the_part_it_is():
    # a new user's probe (2026-12-07): a float amount inside a milestone said only
    # "hire_bid.milestones must be an int", not which part of the milestone
    amount = {"minor": 1.5, "currency": "USD"}
    fields = {"actor": {"role": "member", "member_id": "m"}, "project_id": "p", "bid_id": "b",
              "milestones": [{"title": "أ", "amount": amount}]}  # fmt: skip
    with pytest.raises(InvalidType) as refused:
        c.structure_command("hire_bid", fields)
    assert "hire_bid.milestones: minor units" == refused.value.field
    # each part in the reader's language (a hostile review: the whole was no message)
    assert "hire_bid.milestones: الوحدات الصغرى" in translate_error(refused.value, "ar")


def test_a_missing_field_deep_inside_names_the_fields_of_the_record_that_lacks_it():
    # a new user's probe (2026-12-07): an amount without its currency inside a milestone
    # listed the milestone's fields (title, amount), not the amount's
    fields = {"actor": {"role": "member", "member_id": "m"}, "contract_id": "c",
              "milestones": [{"title": "x", "amount": {"minor": 500}}]}  # fmt: skip
    with pytest.raises(MissingField) as missing:
        c.structure_command("propose_milestones", fields)
    assert ("currency", "minor, currency") == (missing.value.actual, missing.value.expected)


def test_an_enum_or_a_whole_amount_inside_is_named_by_its_field_not_its_class():
    # a new user's probe (2026-12-07): "request_withdrawal.method: PayoutKind must be …" and
    # "top_up.amount: money must be …", where the docs quote "top_up.amount must be …"
    member = {"role": "member", "member_id": "m"}
    with pytest.raises(UnknownChoice) as unknown:
        c.structure_command("request_withdrawal", {"actor": member, "amount": "20 USD",
                            "method": {"kind": "bitcoin", "account": "x"}})  # fmt: skip
    assert "request_withdrawal.method" == unknown.value.field
    with pytest.raises(InvalidType) as whole:
        c.structure_command("top_up", {"actor": member, "amount": 25, "method": "card"})
    assert 'top_up.amount must be "25 USD" or {minor, currency}, not int.' == str(whole.value)


def test_a_key_holding_a_line_break_names_it_not_its_length():
    # a new user's probe (2026-12-07): "a\nb" was "must be 1 to 200 characters"
    market = bootstrap(":memory:")
    made = market.register_member(
        username="ahmad", email="ahmad@example.com", first_name="أحمد", family_name="خالد"
    )
    buyer = Actor.member(made)
    with pytest.raises(InvalidText) as refused:
        market.top_up(buyer, Money.of(5, "USD"), lg.Gateway.CARD, key="a\nb")
    assert ("idempotency key", "U+000A") == (refused.value.field, refused.value.character)

"""A request's every refused field at once, in a form's order; posting raises the first.

A walk-through (2026-12-07): the request form said the budget, then on the next try the
title, then the details: one refusal a try, the last field's first.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from microgigs.errors import InvalidText, PriceNotAllowed
from microgigs.ids import CategoryId, MemberId, RequestId
from microgigs.l10n import translate_error
from microgigs.money import Money
from microgigs.policy import KHAMSAT
from microgigs.requests import ServiceRequest, request_refusals

POLICY = KHAMSAT.catalog
GOOD = {"title": "شعار لمتجر عطور جديد", "description": "أحتاج شعارًا بسيطًا بالأسود والذهبي."}


def test_every_refused_field_is_named_in_the_forms_order():
    found = request_refusals(POLICY, title="شعار", description="قصير", budget=Money(1, "USD"))
    assert ["title", "description", "budget"] == list(found)
    assert (InvalidText, InvalidText, PriceNotAllowed) == tuple(map(type, found.values()))
    assert {} == request_refusals(POLICY, **GOOD, budget=Money(2000, "USD"))
    assert {} == request_refusals(POLICY, **GOOD)


def test_posting_raises_the_first_refusal_the_title_before_the_budget():
    with pytest.raises(InvalidText) as refused:
        ServiceRequest.post(
            RequestId("r"),
            buyer_id=MemberId("b"),
            category_id=CategoryId("logo-design"),
            title="شعار",
            description=GOOD["description"],
            budget=Money(1, "USD"),
            now=datetime(2026, 12, 7, tzinfo=UTC),
            policy=POLICY,
        )
    assert "request title" == refused.value.context()["field"]


def test_a_budget_out_of_its_range_says_the_range_not_steps_of_a_cent():
    # noticed in a walk-through: "… from $5.00 to $255.00 in steps of $0.01"
    (refused,) = request_refusals(POLICY, **GOOD, budget=Money(100, "USD")).values()
    assert "The budget $1.00 is not allowed: it must be from $5.00 to $255.00." == (
        translate_error(refused, "en")
    )
    assert "بمضاعفات" not in translate_error(refused, "ar")
    assert "255.00" in translate_error(refused, "ar")

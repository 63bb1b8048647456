"""A listing query refuses what it cannot mean, with typed errors (a docs-only probe,
2026-12-06): an ordering, levels or a rating of the wrong kind were raw KeyError,
AttributeError and ValueError."""

from __future__ import annotations

from decimal import Decimal

import pytest

from microgigs import KHAMSAT, bootstrap
from microgigs.errors import CurrencyMismatch, InvalidType, NotPositive, OutOfRange
from microgigs.money import Money
from microgigs.policy import SellerLevel
from microgigs.ranking import ListingQuery, Ordering


@pytest.mark.parametrize(
    "fields",
    [
        {"ordering": "bogus"},
        {"seller_levels": ["level_1"]},
        {"seller_levels": "level_1"},
        {"min_rating": 4.5},
    ],
)
def test_a_query_of_the_wrong_kind_is_invalid_type(fields):
    with pytest.raises(InvalidType):
        ListingQuery(**fields)


@pytest.mark.parametrize("rating", [Decimal("NaN"), Decimal("Infinity"), Decimal(-1), Decimal(6)])
def test_a_minimum_rating_outside_the_stars_is_out_of_range(rating):
    with pytest.raises(OutOfRange):
        ListingQuery(min_rating=rating)


def test_the_kinds_that_mean_something_are_kept():
    query = ListingQuery(
        ordering=Ordering.BEST_SELLING,
        seller_levels=frozenset({SellerLevel.LEVEL_1}),
        min_rating=Decimal("4.5"),
    )
    assert (Ordering.BEST_SELLING, Decimal("4.5")) == (query.ordering, query.min_rating)


def test_a_price_filter_in_another_currency_is_refused_not_compared_as_numbers():
    # max_price=1 KWD found a $5 service: the filter compared minor units of two currencies
    market = bootstrap(":memory:", policy=KHAMSAT)
    with pytest.raises(CurrencyMismatch):
        market.search(ListingQuery(max_price=Money.of(1, "KWD")))
    with pytest.raises(CurrencyMismatch):
        market.search(ListingQuery(min_price=Money.of(5, "SAR")))
    assert [] == list(market.search(ListingQuery(max_price=Money.of(5, "USD"))).listings)


@pytest.mark.parametrize("dollars", ["-5", "0"])
def test_a_price_filter_of_nothing_or_less_is_refused_not_an_empty_page(dollars):
    # a probe (2026-12-06): a negative highest price found nothing and said nothing
    for field in ("min_price", "max_price"):
        with pytest.raises(NotPositive) as refused:
            ListingQuery(**{field: Money.of(dollars, "USD")})
        assert ("lowest price" if field == "min_price" else "highest price") in str(refused.value)

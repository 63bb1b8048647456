from __future__ import annotations

import decimal
from datetime import UTC, datetime

import pytest

from microgigs.errors import InvalidAmount, InvalidType, NaiveDatetime, UnknownLocale
from microgigs.l10n import Unit, format_count, format_datetime, format_money, translate_error
from microgigs.money import Money

NOON = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("amount", "currency", "locale", "expected"),
    [
        ("1234.5", "USD", "en", "$1,234.50"),
        ("1234.5", "USD", "ar", "\u200f1,234.50\xa0US$"),
        ("5", "USD", "ar-EG", "\u200f5.00\xa0US$"),
        ("1.25", "KWD", "en", "KWD1.250"),  # babel applies no CLDR currency spacing
        ("500", "JPY", "en", "¥500"),
        ("99.99", "SAR", "ar-SA", "\u200f99.99\xa0ر.س.\u200f"),
    ],
)
def test_money_has_the_currency_decimals_and_the_locale_layout(amount, currency, locale, expected):
    assert expected == format_money(Money.of(amount, currency), locale)


def test_locale_digits_are_arabic_indic_in_egypt():
    assert (
        format_money(Money.of("1234.50", "USD"), "ar-EG", digits="locale")
        == "\u200f١٬٢٣٤٫٥٠\xa0US$"
    )


def test_dates_follow_the_locale_and_the_timezone():
    assert format_datetime(NOON, "en", timezone="Asia/Riyadh") == "Mar 1, 2026, 12:00:00\u202fPM"
    assert format_datetime(NOON, "ar") == "01\u200f/03\u200f/2026، 9:00:00 ص"
    assert "٠١\u200f/٠٣\u200f/٢٠٢٦" in format_datetime(NOON, "ar-EG", digits="locale")


def test_bad_inputs_to_formatting_are_typed_errors():
    with pytest.raises(NaiveDatetime):
        format_datetime(datetime(2026, 1, 1), "en")  # noqa: DTZ001 (the point of the test)
    with pytest.raises(UnknownLocale):
        format_datetime(NOON, "en", timezone="Mars/Olympus")
    with pytest.raises(InvalidType):
        format_money(Money.of(1, "USD"), 5)  # type: ignore[arg-type]
    for not_money in (5, "5 USD", None):
        with pytest.raises(InvalidType) as caught:
            format_money(not_money, "ar")  # type: ignore[arg-type]
        actual = "nothing" if not_money is None else type(not_money).__name__
        assert (caught.value.expected, caught.value.actual) == ("Money", actual)


@pytest.mark.parametrize(
    "context",
    [
        decimal.Context(prec=2),
        decimal.Context(rounding=decimal.ROUND_DOWN),
        decimal.Context(prec=3, rounding=decimal.ROUND_UP, traps=[decimal.Inexact]),
    ],
)
def test_money_and_counts_read_the_same_whatever_the_callers_decimal_context(context):
    amounts = [Money.of("1234.56", "USD"), Money.of("0.05", "USD"), Money.of("1.235", "KWD")]
    expected = [format_money(m, "ar") for m in amounts] + [format_count(12345, Unit.DAY, "en")]

    with decimal.localcontext(context):
        written = [format_money(m, "ar") for m in amounts] + [format_count(12345, Unit.DAY, "en")]

    assert expected == written


def test_an_empty_value_in_a_message_stays_empty_in_arabic():
    # a probe (2026-12-06): gettext("") is the catalog's header, and it showed in the message
    error = InvalidAmount(amount="", currency="USD", places=2)
    assert translate_error(error, "ar").startswith(" ليس مبلغًا صالحًا")
    assert "Project-Id-Version" not in translate_error(error, "en")


def test_formatting_refuses_what_it_cannot_format_with_typed_errors():
    with pytest.raises(InvalidType):
        format_money(Money.of(5, "USD"), "ar", digits="foo")  # type: ignore[arg-type]
    with pytest.raises(InvalidType):
        translate_error(ValueError("x"), "ar")  # type: ignore[arg-type]

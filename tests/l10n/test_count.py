from __future__ import annotations

import pytest

from microgigs.errors import InvalidType, OutOfRange, UnknownLocale
from microgigs.l10n import Unit, format_count

# CLDR's Arabic categories: zero, one, two, few (3-10), many (11-99), other (100, 101, 102 …)
ARABIC_DAYS = {
    0: "لا أيام",
    1: "يوم واحد",
    2: "يومان",
    3: "3 أيام",
    10: "10 أيام",
    11: "11 يومًا",
    99: "99 يومًا",
    100: "100 يوم",
    102: "102 يوم",
    103: "103 أيام",
    111: "111 يومًا",
    1000: "1,000 يوم",
}


@pytest.mark.parametrize(("count", "expected"), ARABIC_DAYS.items())
def test_arabic_days_take_each_of_the_six_forms(count, expected):
    assert format_count(count, Unit.DAY, "ar") == expected


@pytest.mark.parametrize(
    ("unit", "one", "two", "few"),
    [
        (Unit.UPGRADE, "تطوير واحد", "تطويران", "3 تطويرات"),
        (Unit.REVIEW, "تقييم واحد", "تقييمان", "3 تقييمات"),
        (Unit.ORDER, "طلب واحد", "طلبان", "3 طلبات"),
        (Unit.OFFER, "عرض واحد", "عرضان", "3 عروض"),
        (Unit.HOUR, "ساعة واحدة", "ساعتان", "3 ساعات"),
    ],
)
def test_every_unit_has_its_own_arabic_words(unit, one, two, few):
    assert [format_count(n, unit, "ar-EG") for n in (1, 2, 3)] == [one, two, few]


def test_english_has_two_forms_and_groups_thousands():
    assert [format_count(n, Unit.UPGRADE, "en") for n in (0, 1, 2, 1200)] == [
        "0 upgrades",
        "1 upgrade",
        "2 upgrades",
        "1,200 upgrades",
    ]
    assert format_count(1, Unit.DAY, "fr") == "1 day"  # no catalog: English words


@pytest.mark.parametrize(
    ("count", "unit", "locale", "error"),
    [
        (-1, Unit.DAY, "ar", OutOfRange),
        (True, Unit.DAY, "ar", InvalidType),
        (1.0, Unit.DAY, "ar", InvalidType),
        (1, "day", "ar", InvalidType),
        (1, Unit.DAY, "xx-YY-ZZ", UnknownLocale),
    ],
)
def test_bad_input_is_a_typed_error(count, unit, locale, error):
    with pytest.raises(error):
        format_count(count, unit, locale)

from __future__ import annotations

import io
import re
import string

import pytest
from babel.messages.mofile import read_mo

from microgigs.errors import CurrencyMismatch, InvalidAmount, OutOfRange, UnknownLocale
from microgigs.l10n import SUPPORTED_LANGUAGES, gettext, label, translate_error
from microgigs.l10n.catalogs import _read, compile_catalog, extract_messages, po_path
from microgigs.money import Money
from microgigs.policy import SellerLevel

ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def catalog(language: str):
    return _read(po_path(language), language)


def translations(messages) -> dict[str, str]:
    """What a catalog translates: the messages a ``.mo`` holds (translated, not fuzzy)."""
    return {m.id: m.string for m in messages if m.id and m.string and not m.fuzzy}


def test_every_message_in_the_code_has_an_arabic_translation():
    translated = {m.id: m.string for m in catalog("ar") if m.id and not m.fuzzy}
    for message in extract_messages():
        if not message.id:
            continue
        arabic = translated.get(message.id)
        assert arabic, f"no Arabic translation for {message.id!r}: run python3 dev.py l10n"
        assert ARABIC_LETTER.search(arabic), f"{message.id!r} is not translated into Arabic"
        assert placeholders(message.id) == placeholders(arabic), message.id


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_catalogs_hold_no_stale_messages_and_their_mo_is_compiled(language):
    extracted = {m.id for m in extract_messages() if m.id}
    po = catalog(language)
    assert extracted == {m.id for m in po if m.id}, "run python3 dev.py l10n"
    # the messages, not the bytes: the header of a .mo names the babel version that wrote it
    compiled = read_mo(io.BytesIO(po_path(language).with_suffix(".mo").read_bytes()))
    assert translations(po) == translations(compiled)
    assert translations(po) == translations(read_mo(io.BytesIO(compile_catalog(po))))


def test_labels_translate():
    assert label(SellerLevel.PROFESSIONAL, "ar") == "محترف"
    assert label(SellerLevel.LEVEL_2, "en-US") == "Level 2"
    assert gettext("Level 2", "fr") == "Level 2"


def test_errors_translate_with_values_formatted_for_the_locale():
    error = OutOfRange(field="quantity", value=Money.of(300, "USD"), minimum=1, maximum=10)
    assert translate_error(error, "en") == "quantity must be between 1 and 10; $300.00 is not."
    arabic = translate_error(error, "ar")
    assert "يجب أن تكون قيمة عدد مرات الطلب بين 1 و10" in arabic
    assert "US$" in arabic
    assert str(InvalidAmount(amount="1.005", currency="USD", places=2)) == translate_error(
        InvalidAmount(amount="1.005", currency="USD", places=2), "en"
    )


@pytest.mark.parametrize("locale", ["ar", "ar-EG", "ar-SA", "ar_MA"])
def test_regional_arabic_uses_the_arabic_catalog(locale):
    error = CurrencyMismatch(left="EGP", right="USD")
    assert "لا يمكن الجمع بين مبلغ بعملة EGP ومبلغ بعملة USD." == translate_error(error, locale)


@pytest.mark.parametrize("bad", ["", "xx-YY-ZZ", "../../etc", "a" * 10_000, "\x00"])
def test_unknown_locales_are_refused(bad):
    with pytest.raises(UnknownLocale):
        gettext("Level 1", bad)

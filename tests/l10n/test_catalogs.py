from __future__ import annotations

import gettext as gettext_module
import io
import re
import string

import pytest
from babel import Locale
from babel.messages.mofile import read_mo

from microgigs.catalog import ServiceStatus
from microgigs.errors import (
    CurrencyMismatch,
    InvalidAmount,
    OutOfRange,
    ProjectStatusConflict,
    UnknownChoice,
    UnknownLocale,
)
from microgigs.l10n import SUPPORTED_LANGUAGES, gettext, label, translate_error
from microgigs.l10n.catalogs import _read, compile_catalog, extract_messages, po_path
from microgigs.members import MemberStatus
from microgigs.money import Money
from microgigs.policy import SellerLevel
from microgigs.projects import ContractStatus, MilestoneStatus, Resolution

ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")
ARABIC_PLURAL_FORMS = 6


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def catalog(language: str):
    return _read(po_path(language), language)


def translations(messages) -> dict[str, str]:
    """What a catalog translates: the messages a ``.mo`` holds (translated, not fuzzy)."""
    return {
        _plain(m.id): _plain(m.string)
        for m in messages
        if m.id and any(_plain(m.string)) and not m.fuzzy
    }


def _plain(text: str | list[str] | tuple[str, ...]) -> str | tuple[str, ...]:
    # a counted message has a pair of ids and a string per form (lists when read from a .mo)
    return text if isinstance(text, str) else tuple(text)


def test_every_message_in_the_code_has_an_arabic_translation():
    translated = {m.id: m.string for m in catalog("ar") if m.id and not m.fuzzy}
    for message in extract_messages():
        if not message.id:
            continue
        arabic = translated.get(message.id)
        assert arabic, f"no Arabic translation for {message.id!r}: run python3 dev.py l10n"
        if isinstance(message.id, tuple):  # a counted message: six forms, each its own words
            assert len(arabic) == ARABIC_PLURAL_FORMS, message.id
            for form in arabic:
                assert ARABIC_LETTER.search(form), f"{message.id!r}: {form!r} is not Arabic"
                assert placeholders(form) <= placeholders(message.id[1]), (message.id, form)
            continue
        assert ARABIC_LETTER.search(arabic), f"{message.id!r} is not translated into Arabic"
        assert placeholders(message.id) == placeholders(arabic), message.id


def test_the_arabic_catalog_counts_with_cldr_plural_categories():
    # gettext picks a form by the catalog's own expression: it must agree with CLDR's six
    # categories for Arabic (babel's older header sent 100-102 to "many", not "other")
    form = gettext_module.c2py(catalog("ar").plural_expr)  # as gettext reads the .mo header
    categories = ["zero", "one", "two", "few", "many", "other"]
    arabic = Locale("ar")
    for n in (*range(230), 1000, 1001, 1002, 1003, 1011, 10**6):
        assert categories[form(n)] == arabic.plural_form(n), n


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


def test_a_member_status_agrees_with_a_member_not_with_a_service():
    # the admin's members table read «نشطة» (a service's word, feminine) for every member
    assert "نشطة" == label(ServiceStatus.ACTIVE, "ar")
    assert ("عضو نشط", "عضو موقوف") == tuple(label(s, "ar") for s in MemberStatus)
    assert ("active member", "suspended member") == tuple(label(s, "en") for s in MemberStatus)


def test_contract_and_milestone_statuses_read_as_states_in_arabic():
    # a walk-through: «معروض», «مخططة», «محررة» (read "edited") and «تقسيم» (a verbal noun,
    # as the admin's choice) told a client nothing of where the money stood
    # and «بانتظار موافقة المستقل» spoke of the freelancer reading it in the third person
    assert "عرض بانتظار الرد" == label(ContractStatus.OFFERED, "ar")
    assert "لم تُموَّل بعد" == label(MilestoneStatus.PLANNED, "ar")
    assert "حُرِّرت للمستقل" == label(MilestoneStatus.RELEASED, "ar")
    assert ("قُسِّمت بين الطرفين", "split between the two") == (
        label(MilestoneStatus.SPLIT, "ar"),
        label(MilestoneStatus.SPLIT, "en"),
    )
    assert "تقسيم" == label(Resolution.SPLIT, "ar")  # the admin's choice stays a choice


def test_errors_translate_with_values_formatted_for_the_locale():
    error = OutOfRange(field="quantity", value=Money.of(300, "USD"), minimum=1, maximum=10)
    assert translate_error(error, "en") == "quantity must be between 1 and 10; $300.00 is not."
    arabic = translate_error(error, "ar")
    assert "عدد مرات الطلب: المسموح من 1 إلى 10" in arabic
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


def test_the_values_a_caller_may_send_are_listed_as_they_are_sent():
    # a new user's probe (2026-12-07): an unknown resolution listed «release ومبلغ الاسترداد
    # وتقسيم»: "refund" and "split" were read as the messages they spell, "release" not
    from microgigs.marketplace import commands  # noqa: PLC0415

    fields = {"actor": {"role": "admin", "member_id": "staff"}, "contract_id": "c1",
              "number": 1, "resolution": "teleport"}  # fmt: skip
    with pytest.raises(UnknownChoice) as refused:
        commands.structure_command("resolve_milestone", fields)
    assert "release وrefund وsplit" in translate_error(refused.value, "ar")
    assert "release, refund, and split" in translate_error(refused.value, "en")


def test_asking_twice_to_cancel_a_contract_reads_as_arabic():
    # a new user's probe (2026-12-07): «لا يمكن طلب الإلغاء مرة أخرى عقد في حالة …»
    error = ProjectStatusConflict(
        subject="contract", status="asked to cancel", action="ask again to cancel"
    )
    assert "لا يمكن تكرار طلب إلغاء عقد في حالة «طُلب إلغاؤه»." == translate_error(error, "ar")

from __future__ import annotations

import re
import time
import unicodedata
from datetime import timedelta, timezone

import attrs
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from microgigs._contact import (
    _ACCOUNT,
    _ASCII_DIGITS,
    _AT,
    _AT_MARK,
    _BEFORE_NFKC,
    _DIGIT_WORD,
    _DIGIT_WORDS,
    _DOT,
    _EMAIL,
    _LINK,
    _PROVIDERS,
    _TLDS,
    _digit_to_translate,
    _holds_phone,
    _readable,
    message_text,
)
from microgigs.errors import (
    ContactDetailsNotAllowed,
    InvalidText,
    InvalidType,
    MicrogigsError,
    OutOfRange,
    PermissionDenied,
)
from microgigs.ids import MessageId
from microgigs.orders import (
    Message,
    MessageKind,
    OrderEvent,
    OrderStatus,
    act_with_message,
    compose,
    contact_details,
    post_message,
)

from .conftest import ADMIN, BUYER, EPOCH, OUTSIDER, POLICY, SELLER, order_in


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("اتصل بي على 0501234567", ["phone"]),
        ("رقمي ٠٥٠١٢٣٤٥٦٧", ["phone"]),
        ("رقمي ۰۵۰۱۲۳۴۵۶۷", ["phone"]),
        ("+966 50 123 4567", ["phone"]),
        ("050-123-4567", ["phone"]),
        ("صفر خمسة صفر واحد اثنين ثلاثة اربعة خمسة ستة سبعة", ["phone"]),
        ("zero five zero one two three four five six", ["phone"]),
        ("sara@gmail.com", ["email"]),
        ("sara (at) gmail (dot) com", ["email"]),
        ("sara at gmail dot com", ["email"]),
        ("sara آت gmail دوت com", ["email"]),
        ("https://example.org/portfolio", ["link"]),
        ("www.mysite.net", ["link"]),
        ("راسلني على wa.me/966501234567", ["phone", "link"]),
        ("t.me/sara_designs", ["link"]),
        ("موقعي sara-designs.com", ["link"]),
        ("سأسلم الشعار خلال 3 أيام بصيغ PNG و JPG و PSD", []),
        ("السعر 25 دولار والتسليم 2025-2026", []),
        ("ملف logo.png جاهز", []),
        ("هل تريد خمس نسخ أم ست؟", []),
        # skills named like a domain are no address (a bid saying "ASP.NET" was refused)
        ("خبرة 5 سنوات في ASP.NET و Socket.IO و VB.NET", []),
        ("asp.net.ly", ["link"]),
        ("www.asp.net", ["link"]),
        ("asp.net/khaled", ["link"]),
        ("x.socket.io", ["link"]),
        ("khaled.vb.net", ["link"]),
        # a new user's audit (2026-12-07): invisible marks inside a number, spaced and
        # shortened addresses, a provider spelled in Arabic
        ("واتساب 05\u200b01234567", ["phone"]),
        ("كلمني 050\u00ad1234567", ["phone"]),
        ("رقمي 050\u200c123\u20604567\u061c", ["phone"]),
        ("بريدي sara @ gmail . com", ["email"]),
        ("راسلني sara@gmail", ["email"]),
        ("sara @ Hotmail", ["email"]),
        ("سارة آت جيميل نقطة كوم", ["email"]),
        ("موقعي سارة نقطة كوم", ["link"]),
        ("الموعد الساعة 5 @ المكتب", []),
        ("هل نلتقي at 5? النقطة التالية", []),
        # a link with no dot after a Latin letter, found only by its "://" or its «دوت»
        # (the mutation run of 2026-12-07 left the pre-check's two tests unproved)
        ("زر https://متجري", ["link"]),
        ("http://localhost:8000/شعار", ["link"]),
        ("متجري دوت كوم", ["link"]),
        # an account on a social network, named by its handle (left by the walk-through
        # of 2026-12-07: "instagram: @sara_designs" and "skype: sara.designs" passed)
        ("instagram: @sara_designs", ["handle"]),
        ("skype: sara.designs", ["handle"]),
        ("تابعني على الانستا sara_designs", ["handle"]),
        ("حسابي في سناب شات: saradesigns", ["handle"]),
        ("تيليجرام sara2020", ["handle"]),
        ("كلمني عالواتس @sara", ["handle"]),
        ("حسابي @sara_designs", ["handle"]),
        ("Telegram = khaled_dev", ["handle"]),
        ("Telegram = khaled.dev", ["link"]),
        ("واتساب 0501234567", ["phone"]),
        ("instagram @sara 0501234567", ["phone", "handle"]),
        ("sara @ gmail.com", ["email"]),
        # a hostile review (2026-12-07): separators an Arabic writer types, and letters in
        # their full-width forms, read as what they show
        ("راسلني واتساب 050،123،4567", ["phone"]),
        ("رقمي 050_123_4567", ["phone"]),
        ("050----1234567", ["phone"]),
        ("050*123*4567", ["phone"]),
        ("راسلني على sara＠gmail．com", ["email"]),
        ("موقعي ｗｗｗ．sara．com", ["link"]),
        ("https：//evil", ["link"]),
        ("الخيارات 1، 2، 3 والتسليم خلال 5 أيام", []),
        ("خمسة صفر واحد اثنين ثلاثة اربعة خمسة ستة سبعة", ["phone"]),
        ("966 50 123 4567", ["phone"]),
        ("الدفعات 100 200 0501 234 567", ["phone"]),
        # a new user's probe (2026-12-07): numbers a bid lists are no phone number
        ("أقترح تقسيم المشروع على دفعات 100 200 300 400 حسب المراحل.", []),
        ("سأسلم التصاميم بالمقاسات 1080 1920 2560 3840 كما طلبت.", []),
        ("الأسعار 50 100 150 200", []),
        ("الصفحات 12 13 14 15 16", []),
        ("التسليم 2026/12/07 09:30 - 10:45", []),
        ("من 01/02/2026 إلى 15/02/2026", []),
        # a hostile review of the above (2026-12-07): numbers the rule before caught, which
        # the first change let through, and lists and amounts it refused
        ("اتصل 555-123-4567", ["phone"]),
        ("رقمي 50 123 4567", ["phone"]),
        ("رقمي ٥٠ ١٢٣ ٤٥٦٧", ["phone"]),
        ("كلمني 20 100 123 4567", ["phone"]),
        ("المغرب 212 612 345 678", ["phone"]),
        ("US 1 (555) 123-4567", ["phone"]),
        ("12 34 56 78 90", ["phone"]),
        ("050ـ123ـ4567", ["phone"]),
        ("٠٥٠ـ١٢٣ـ٤٥٦٧", ["phone"]),
        ("050     123     4567", ["phone"]),
        ("الأسعار: 0.99$ 1.99$ 2.99$", []),
        ("النسب 0.25, 0.50, 0.75", []),
        ("الأسعار: 970، 1200، 1500", []),
        ("الأسعار ٠٫٩٩ ، ١٫٩٩ ، ٢٫٩٩", []),
        ("الباقات: 1, 2, 3, 4, 5, 6, 7, 8, 9", []),
        ("التصاميم رقم 1، 2، 3، 4، 5، 6، 7، 8، 9", []),
        ("الفصول 01، 02، 03، 04، 05", []),
        ("الطلبات 001, 002, 003", []),
        ("الأسعار: 0.50$ / 0.75$ / 1.00$", []),
        ("أبعاد اللوحة 0.60 × 0.90 × 1.20 م", []),
        ("أحجام: ½، ¼، ¾، ⅛، ⅜", []),
        ("السعر 0.99$ ورقمي 050 123 4567", ["phone"]),
        # (a new user's probe of the above: sizes multiplied, status codes listed, versions,
        # coordinates, file names and decorators)
        ("المقاسات 300×250، 728×90، 160×600", []),
        ("The API returns HTTP 200, 201, 404 or 500", []),
        ("Version 1.2.3 → 1.2.4 → 1.3.0 changelog", []),
        ("الموقع 24.7136, 46.6753", []),
        ("Files: logo_final_v3.png, logo-dark@2x.png, brand.pdf", []),
        ("Decorators @app.route and @login_required in Flask", []),
        ("بريدي sara@mail.ru", ["email"]),
        ("050,123,4567", []),
        ("my number: five oh one two three four five six seven", ["phone"]),
        ("oh, thanks: I will send it in two days", []),
        ("تصميم منشورات انستقرام بمقاس 1080x1080", []),
        ("قوالب انستقرام PNG و PSD جاهزة", []),
        ("صور بدقة @2x و @3x", []),
        ("حسابي @2x", []),
        ("سناب شات: قوالب جاهزة", []),
        # (a hostile review of the above: style sheets' and decorators' at-rules, and a
        # sentence ending with a network's name, were read as handles)
        ("instagram/sara_designs", ["handle"]),
        ("instagram - sara_designs", ["handle"]),
        ("ig: sara_designs", ["handle"]),
        ("تابعني على @ sara_designs", ["handle"]),
        ("سأستخدم @media queries للتصميم المتجاوب", []),
        ("استخدم @keyframes و @font-face", []),
        ("في Angular نستخدم @Component و @Input", []),
        ("في Python: @staticmethod", []),
        ("لدي خبرة في إدارة إعلانات facebook ads.", []),
        ("I design Instagram posts.", []),
        ("I manage WhatsApp Business.", []),
        ("telegram bot.", []),
        ("Facebook v2.0 API integration", []),
        ("snapshot @media print", []),
        ("design big ideas", []),
    ],
)
def test_contact_details_are_found(text, kinds):
    assert kinds == contact_details(text)


def _plainly_readable(text: str) -> str:
    """The filter's reading of a text, written the slow, obvious way."""
    shown = unicodedata.normalize("NFKC", text.translate(_BEFORE_NFKC))  # "＠" is "@"
    seen = "".join(c for c in shown if unicodedata.category(c) != "Cf")  # invisible marks
    digits = "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in seen)
    return re.sub(r"[^\W\d_]+", lambda word: _DIGIT_WORDS.get(word[0].lower(), word[0]), digits)


def _plainly_found(text: str) -> list[str]:
    readable = _plainly_readable(text)
    found = ["phone"] if _holds_phone(readable) else []
    if _EMAIL.search(readable):
        return [*found, "email"]
    if _LINK.search(readable):
        return [*found, "link"]
    return [*found, "handle"] if _ACCOUNT.search(readable) else found


_PIECES = st.sampled_from(
    [*_DIGIT_WORDS, "ONE", "Five", "ſix", "واحدة", "والواحد", "xone", "_one", "at", "AT", "آت",
     "اات", "@", "(at)", "dot", "دوت", "نقطة", "gmail", "com", ".", "sara", "شعار", "٠٥٠", "۱۲۳",
     "²", "①", "0501", " ", "-", "ـ", "ً", "https://", "www", "t.me", "wa.me", "/", "\u200b",
     "\u00ad", "\u2060", "\u061c", "جيميل", "hotmail", "instagram", "انستا", "ال", ":", "_",
     "،", "*", "＠", "．", "ｗ"]
)  # fmt: skip


@given(st.lists(_PIECES | st.text(max_size=3), max_size=16).map("".join))
def test_the_contact_filter_reads_text_as_the_plain_formulation_does(text):
    plainly = (_plainly_readable(text), _plainly_found(text))
    assert plainly == (_readable(text), contact_details(text))


def _readable_before_the_pre_checks(text: str) -> str:
    """``_readable`` as it was before it learnt to skip work (kept to compare with)."""
    shown = unicodedata.normalize("NFKC", text.translate(_BEFORE_NFKC))
    seen = "".join(c for c in shown if unicodedata.category(c) != "Cf")
    digits = seen.translate(_ASCII_DIGITS)
    return _DIGIT_WORD.sub(lambda word: _DIGIT_WORDS.get(word[0].lower(), word[0]), digits)


def _found_before_the_pre_checks(text: str) -> list[str]:
    """``contact_details`` as it was before it learnt to skip work (kept to compare with)."""
    readable = _readable_before_the_pre_checks(text)
    found = []
    if _holds_phone(readable):
        found.append("phone")
    if _AT_MARK.search(readable) and _EMAIL.search(readable):
        found.append("email")
    elif _LINK.search(readable):
        found.append("link")
    elif _ACCOUNT.search(readable):
        found.append("handle")
    return found


_MIXED_PIECES = st.sampled_from(
    [*_DIGIT_WORDS, "ONE", "Five", "ſix", "fıve", "fİve", "SİX", "ZERO", "ΣONE", "Kelvin",
     "\u212aELVIN", "واحدة", "والواحد", "xone", "_one", "one_", "at", "AT", "aT", "آت", "اات",
     "@", "(at)", "[at]", "{ at }", "dot", "DOT", "(dot)", "dotcom", "دوت", "دوت كوم", "نقطة",
     "كوم", "gmail", "com", "COM", "net", "sa", "me", "io", "ly", "to", "tv", ".", "..", ":",
     "://", "http", "https", "www", "WWW.", "t.me", "wa.me", "sara", "شعار", "٠٥٠", "۱۲۳", "٫",
     "0501", "966", "²", "①", "⑴", "𝟗", "߃", "১", " ", "  ", "\n", "\t", "-", "(", ")", "/",
     "+", "ـ", "ً", "é", "ß", "İ", "ı", "ſ", "\u212a", "Σ", "\u200b", "\u200c", "\u00ad",
     "\ufeff"]
)  # fmt: skip
_MIXED_CHARS = st.characters(
    categories=["Lu", "Ll", "Lo", "Nd", "No", "Mn", "Zs", "Po", "Pd", "Ps", "Pe", "Sm"]
)


# The examples above and texts mixing scripts, digits of every kind, digit words in odd
# cases, separators and the e-mail and link tricks: the pre-checks only skip work.
@settings(max_examples=300)
@example("0501234567 sara@gmail.com")
@example("fİve one two three four five six seven eight")
@example("\u212aELVIN")
@given(st.lists(_MIXED_PIECES | st.text(_MIXED_CHARS, max_size=3), max_size=24).map("".join))
def test_the_pre_checks_flag_the_same_as_before(text):
    before = (_readable_before_the_pre_checks(text), _found_before_the_pre_checks(text))
    assert before == (_readable(text), contact_details(text))


@pytest.mark.parametrize(
    "text",
    [
        "اتصل بي على 0501234567",
        "رقمي ٠٥٠١٢٣٤٥٦٧",
        "رقمي ۰۵۰۱۲۳۴۵۶۷",
        "صفر خمسة صفر واحد اثنين ثلاثة اربعة خمسة ستة سبعة",
        "zero five zero one two three four five six",
        "sara آت gmail دوت com",
        "راسلني على wa.me/966501234567",
        "موقعي sara-designs.com",
        "هل تريد خمس نسخ أم ست؟",
        "الاسم: نخلة، والألوان خضراء.",
        "call ZERO FIVE ZERO ONE TWO THREE FOUR FIVE SIX",
    ],
)
def test_the_pre_checks_flag_the_examples_as_before(text):
    before = (_readable_before_the_pre_checks(text), _found_before_the_pre_checks(text))
    assert before == (_readable(text), contact_details(text))


# A hostile review (2026-12-07): texts of 5,000 characters, a service's description at its
# longest, that kept the e-mail and link patterns backtracking for 0.5 to 2.5 s each (every
# start inside a long run of letters or labels scanned the rest of it). Each takes a few
# milliseconds now; the bound leaves a slow machine a hundred times that.
@pytest.mark.parametrize(
    "text",
    [
        "a" * 4990 + " at",
        "a" * 4990 + "@",
        "a." * 2495 + "zz",
        "ab." * 1660 + "q",
        "x@" + "a." * 2490 + "1",
        "x@a" + "نقطة" * 1240,
        "x@" + "a.-" * 1660,
        "a-" * 2500,
        "م" * 4990 + "@",
        ("a" * 50 + ".") * 98 + "1",
        "instagram" * 555,
        "instagram:" * 500,
        "@" * 5000,
        "@a" * 2500,
        "انستا " * 830,
        "snap " + "a." * 2495,
        "1،" * 2500,
        "１" * 5000,
    ],
)
def test_no_text_keeps_the_filter_backtracking(text):
    started = time.perf_counter()
    contact_details(text)
    assert time.perf_counter() - started < 0.1


# The patterns as they were before they were made linear (kept to compare with): every
# start inside a run tried again what the run's first start had tried.
_QUADRATIC_EMAIL = re.compile(
    rf"[\w.+-]+{_AT}(?:[a-z0-9-]+(?:{_DOT}[a-z0-9-]+)*{_DOT}(?:{_TLDS})\b|(?:{_PROVIDERS})(?!\w))",
    re.IGNORECASE,
)
_QUADRATIC_LINK = re.compile(
    rf"https?://|www\.|\b(?:wa|t)\.me\b|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:{_TLDS})\b(?!\.\w)"
    r"|\bدوت\s*كوم\b|\bنقطة\s*كوم\b|\bdot\s*com\b",
    re.IGNORECASE,
)


@settings(max_examples=500)
@example("sara.-.com")
@example("م-sara.com")
@example("_sara.com x-y.-z.io")
@given(st.lists(_MIXED_PIECES | st.text(_MIXED_CHARS, max_size=3), max_size=24).map("".join))
def test_the_linear_patterns_find_what_the_quadratic_ones_found(text):
    # one difference, on purpose: a label of hyphens alone before the domain's ending
    # ("sara.-.com", no address anyone writes) is no longer read back past
    hyphens_alone = re.search(r"(?<![a-z0-9])-+\.", text, re.IGNORECASE) is not None
    assert bool(_QUADRATIC_EMAIL.search(text)) == bool(_EMAIL.search(text))
    if not hyphens_alone:
        assert bool(_QUADRATIC_LINK.search(text)) == bool(_LINK.search(text))


def test_every_digit_the_translation_changes_is_seen_by_its_pre_check():
    # The translation changes exactly the digits that are not ASCII (unicodedata.digit).
    digits = filter(str.isdigit, map(chr, range(0x80, 0x110000)))
    assert [] == [digit for digit in digits if not _digit_to_translate().match(digit)]


def test_messages_with_contact_details_are_refused_and_change_nothing():
    order = order_in(OrderStatus.AWAITING_INSTRUCTIONS)
    before = attrs.asdict(order)
    with pytest.raises(ContactDetailsNotAllowed) as caught:
        post_message(
            order,
            BUYER,
            "كلمني واتساب ٠٥٠١٢٣٤٥٦٧",
            message_id=MessageId("m"),
            sent_at=EPOCH,
            policy=POLICY,
        )
    assert "phone" == caught.value.found
    assert before == attrs.asdict(order)


def test_only_the_two_sides_write_and_messages_are_checked():
    order = order_in(OrderStatus.IN_PROGRESS)
    for actor in (ADMIN, OUTSIDER):
        with pytest.raises(PermissionDenied):
            compose(
                order,
                actor,
                "مرحبا",
                kind=MessageKind.MESSAGE,
                message_id=MessageId("m"),
                sent_at=EPOCH,
            )
    with pytest.raises(InvalidText):
        compose(
            order, BUYER, "   ", kind=MessageKind.MESSAGE, message_id=MessageId("m"), sent_at=EPOCH
        )
    with pytest.raises(OutOfRange):
        compose(
            order,
            BUYER,
            "ملفات",
            kind=MessageKind.MESSAGE,
            message_id=MessageId("m"),
            sent_at=EPOCH,
            attachments=["f"] * 11,
        )
    with pytest.raises(InvalidType):
        compose(
            order,
            BUYER,
            "ملف",
            kind=MessageKind.MESSAGE,
            message_id=MessageId("m"),
            sent_at=EPOCH,
            attachments="file.png",
        )


def test_only_the_buyers_first_message_starts_the_work():
    order = order_in(OrderStatus.AWAITING_INSTRUCTIONS)
    seller_note = post_message(
        order, SELLER, "بانتظار تعليماتك", message_id=MessageId("1"), sent_at=EPOCH, policy=POLICY
    )
    assert (MessageKind.MESSAGE, OrderStatus.AWAITING_INSTRUCTIONS) == (
        seller_note.kind,
        order.status,
    )
    post_message(order, BUYER, "التعليمات", message_id=MessageId("2"), sent_at=EPOCH, policy=POLICY)
    later = post_message(
        order, BUYER, "ملاحظة إضافية", message_id=MessageId("3"), sent_at=EPOCH, policy=POLICY
    )
    assert (MessageKind.MESSAGE, OrderStatus.IN_PROGRESS, 2) == (
        later.kind,
        order.status,
        order.version,
    )
    assert [OrderEvent.SEND_INSTRUCTIONS] == [e.event for e in order.history[1:]]


# --- what mutation testing showed unpinned (docs/testing.md) ----------------------------


def test_spelled_out_digits_in_capitals_are_read_as_digits():
    assert ["phone"] == contact_details("call ZERO FIVE ZERO ONE TWO THREE FOUR FIVE SIX")


def message_by(actor, body="مرحبا", **extra):
    order = order_in(OrderStatus.IN_PROGRESS)
    return compose(
        order, actor, body, kind=MessageKind.MESSAGE, message_id=MessageId("m1"),
        sent_at=EPOCH, **extra,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (lambda: message_by(ADMIN), "an admin may not write in this order."),
        (lambda: message_by(SELLER, attachments="f.png"), "attachments must be a list, not str."),
        (
            lambda: message_by(SELLER, attachments=["f"] * 11),
            "attachments must be between 0 and 10; 11 is not.",
        ),
        (
            lambda: message_by(SELLER, attachments=[""]),
            "attachment must be 1 to 500 characters of plain text.",
        ),
        (
            lambda: act_with_message(
                order_in(OrderStatus.IN_PROGRESS),
                OrderEvent.ACCEPT,
                BUYER,
                "تم",
                message_id=MessageId("m"),
                sent_at=EPOCH,
                policy=POLICY,
            ),
            "event must be deliver, modification or problem, not accept the delivery.",
        ),
    ],
)
def test_a_refused_message_names_what_was_wrong(action, message):
    with pytest.raises(MicrogigsError) as refused:
        action()
    assert message == str(refused.value)


def test_a_text_refused_for_contact_details_names_its_field():
    with pytest.raises(ContactDetailsNotAllowed) as refused:
        message_text("bid", "راسلني على sara@gmail.com", (1, 100))
    assert ("bid", "email") == (refused.value.field, refused.value.found)
    assert str(refused.value).startswith("The bid may not contain contact details (email)")


def test_a_message_keeps_its_lines_and_up_to_ten_attachments():
    sent = message_by(SELLER, "سطر\nسطر آخر", attachments=[f"f{n}.png" for n in range(10)])
    assert ("سطر\nسطر آخر", tuple(f"f{n}.png" for n in range(10))) == (
        sent.body,
        sent.attachments,
    )


def test_acting_with_a_message_moves_the_order_and_keeps_the_reason():
    order = order_in(OrderStatus.IN_PROGRESS)
    delivery = act_with_message(
        order, OrderEvent.DELIVER, SELLER, "تم التسليم", message_id=MessageId("m2"),
        sent_at=EPOCH, policy=POLICY, attachments=["logo.png"],
    )  # fmt: skip
    assert ("m2", MessageKind.DELIVERY, ("logo.png",), OrderStatus.AWAITING_ACCEPTANCE, None) == (
        delivery.id, delivery.kind, delivery.attachments, order.status, order.history[-1].reason,
    )  # fmt: skip
    asked = act_with_message(
        order, OrderEvent.REQUEST_MODIFICATION, BUYER, "عدّل الألوان",
        message_id=MessageId("m3"), sent_at=EPOCH, policy=POLICY,
    )  # fmt: skip
    assert (MessageKind.MODIFICATION_REQUEST, OrderStatus.IN_PROGRESS, "عدّل الألوان") == (
        asked.kind, order.status, order.history[-1].reason,
    )  # fmt: skip


def test_acting_with_contact_details_changes_nothing():
    order = order_in(OrderStatus.IN_PROGRESS)
    before = attrs.asdict(order)
    with pytest.raises(ContactDetailsNotAllowed):
        act_with_message(
            order, OrderEvent.DELIVER, SELLER, "راسلني على sara@example.com",
            message_id=MessageId("m4"), sent_at=EPOCH, policy=POLICY,
        )  # fmt: skip
    assert before == attrs.asdict(order)


def test_a_message_is_whole_and_the_buyers_first_one_is_the_instructions():
    order = order_in(OrderStatus.AWAITING_INSTRUCTIONS)
    later = EPOCH + timedelta(hours=3)
    sent = post_message(
        order, BUYER, "الاسم: شركة النخبة", message_id=MessageId("m5"),
        sent_at=later.astimezone(timezone(timedelta(hours=3))), policy=POLICY,
        attachments=["brief.pdf"],
    )  # fmt: skip
    assert Message(
        MessageId("m5"), order.id, BUYER.member_id, MessageKind.INSTRUCTIONS,
        "الاسم: شركة النخبة", ("brief.pdf",), later,
    ) == sent  # fmt: skip
    assert OrderStatus.IN_PROGRESS == order.status


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("x" * 5001, "message must be 1 to 5000 characters of plain text."),
        (
            "راسلني على sara@example.com أو 0501234567",
            (
                "The message may not contain contact details (phone, email); keep the"
                " conversation on the platform."
            ),
        ),
    ],
)
def test_a_refused_body_says_why(body, message):
    with pytest.raises(MicrogigsError) as refused:
        message_by(SELLER, body)
    assert message == str(refused.value)


@pytest.mark.parametrize("length", [3000, 5001])
@pytest.mark.parametrize(
    ("event", "status", "actor"),
    [
        (OrderEvent.REQUEST_MODIFICATION, OrderStatus.AWAITING_ACCEPTANCE, BUYER),
        (OrderEvent.REPORT_PROBLEM, OrderStatus.IN_PROGRESS, BUYER),
    ],
)
def test_a_reason_said_as_a_message_is_held_to_a_reasons_length_first(event, status, actor,
                                                                      length):  # fmt: skip
    # a new user was told «message must be 1 to 5000 characters» at 5,001, then «reason
    # must be 1 to 2000» at 3,000: one limit, the reason's, said from the start
    with pytest.raises(InvalidText) as refused:
        act_with_message(order_in(status), event, actor, "ا" * length,
                         message_id=MessageId("m"), sent_at=EPOCH, policy=POLICY)  # fmt: skip
    assert "reason must be 1 to 2000 characters of plain text." == str(refused.value)


def test_what_is_not_text_is_invalid_type_not_an_attribute_error():
    # a new user's probe (2026-12-07): contact_details(None) raised AttributeError
    for value in (None, 5, b"050"):
        with pytest.raises(InvalidType):
            contact_details(value)

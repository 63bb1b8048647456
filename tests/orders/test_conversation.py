from __future__ import annotations

import re
import unicodedata

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from microgigs.errors import (
    ContactDetailsNotAllowed,
    InvalidText,
    InvalidType,
    OutOfRange,
    PermissionDenied,
)
from microgigs.ids import MessageId
from microgigs.orders import (
    MessageKind,
    OrderEvent,
    OrderStatus,
    compose,
    contact_details,
    post_message,
)
from microgigs.orders._conversation import _DIGIT_WORDS, _EMAIL, _LINK, _PHONE, _readable

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
    ],
)
def test_contact_details_are_found(text, kinds):
    assert kinds == contact_details(text)


def _plainly_readable(text: str) -> str:
    """The filter's reading of a text, written the slow, obvious way."""
    digits = "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in text)
    return re.sub(r"[^\W\d_]+", lambda word: _DIGIT_WORDS.get(word[0].lower(), word[0]), digits)


def _plainly_found(text: str) -> list[str]:
    readable = _plainly_readable(text)
    found = ["phone"] if _PHONE.search(readable) else []
    if _EMAIL.search(readable):
        return [*found, "email"]
    return [*found, "link"] if _LINK.search(readable) else found


_PIECES = st.sampled_from(
    [*_DIGIT_WORDS, "ONE", "Five", "ſix", "واحدة", "والواحد", "xone", "_one", "at", "AT", "آت",
     "اات", "@", "(at)", "dot", "دوت", "نقطة", "gmail", "com", ".", "sara", "شعار", "٠٥٠", "۱۲۳",
     "²", "①", "0501", " ", "-", "ـ", "ً", "https://", "www", "t.me", "wa.me", "/"]
)  # fmt: skip


@given(st.lists(_PIECES | st.text(max_size=3), max_size=16).map("".join))
def test_the_contact_filter_reads_text_as_the_plain_formulation_does(text):
    plainly = (_plainly_readable(text), _plainly_found(text))
    assert plainly == (_readable(text), contact_details(text))


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

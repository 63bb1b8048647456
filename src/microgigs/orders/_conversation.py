"""The conversation on an order: messages, deliveries and the contact-details filter."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from typing import Final

import attrs

from microgigs._checks import plain_text, short_list
from microgigs._labels import LabelledEnum, label_members
from microgigs._text import _
from microgigs.actors import Actor
from microgigs.clock import utc
from microgigs.errors import ContactDetailsNotAllowed, InvalidType, PermissionDenied
from microgigs.ids import MemberId, MessageId, OrderId
from microgigs.orders._order import Order
from microgigs.orders._status import OrderEvent, OrderStatus, Party
from microgigs.policy import OrderPolicy

_BODY_LENGTH: Final = (1, 5000)
_ATTACHMENTS_MAX: Final = 10
_REFERENCE_LENGTH: Final = 500


class MessageKind(LabelledEnum):
    """What a message on an order is."""

    MESSAGE = "message"
    INSTRUCTIONS = "instructions"
    DELIVERY = "delivery"
    MODIFICATION_REQUEST = "modification_request"
    PROBLEM_REPORT = "problem_report"


label_members(
    {
        MessageKind.MESSAGE: _("message"),
        MessageKind.INSTRUCTIONS: _("instructions"),
        MessageKind.DELIVERY: _("delivery"),
        MessageKind.MODIFICATION_REQUEST: _("modification request"),
        MessageKind.PROBLEM_REPORT: _("problem report"),
    }
)


@attrs.frozen
class Message:
    """One message of an order's conversation, with references to attached files."""

    id: MessageId
    order_id: OrderId
    author_id: MemberId
    kind: MessageKind
    body: str
    attachments: tuple[str, ...]
    sent_at: datetime


# --- contact details -------------------------------------------------------------------------

# Digits spelled out, each digit's spellings (as people write them) at its own index.
_SPELLED_DIGITS: Final = (
    (
        "صفر",
        "واحد",
        "اثنين اثنان اتنين",
        "ثلاثة ثلاث تلاتة",
        "اربعة أربعة اربع أربع",
        "خمسة خمس",
        "ستة سته",
        "سبعة سبع",
        "ثمانية تمانية ثمان",
        "تسعة تسع",
    ),
    ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
)
_DIGIT_WORDS: Final = {
    word: str(digit)
    for language in _SPELLED_DIGITS
    for digit, spellings in enumerate(language)
    for word in spellings.split()
}
_LETTER: Final = r"[^\W\d_]"
# A spelled-out digit standing as a whole word (no letter touching it on either side).
_DIGIT_WORD: Final = re.compile(
    rf"(?<!{_LETTER})(?:{'|'.join(map(re.escape, _DIGIT_WORDS))})(?!{_LETTER})", re.IGNORECASE
)
# Nine digits or more, apart by at most three separators: a phone number in any format.
_PHONE: Final = re.compile(r"\d(?:[\s\-.()/+]{0,3}\d){8,}")
_AT: Final = r"(?:@|\s*[(\[{]\s*at\s*[)\]}]\s*|\s+at\s+|\s*آت\s*|\s*اات\s*)"
_DOT: Final = r"(?:\.|\s*[(\[{]\s*dot\s*[)\]}]\s*|\s+dot\s+|\s*دوت\s*|\s*نقطة\s*)"
_EMAIL: Final = re.compile(
    rf"[\w.+-]+{_AT}[a-z0-9-]+(?:{_DOT}[a-z0-9-]+)*{_DOT}[a-z]{{2,}}", re.IGNORECASE
)
# What every way of writing "at" above holds. Most messages hold none of them, and then the
# e-mail pattern, which backtracks through each word looking for one, need not run at all.
_AT_MARK: Final = re.compile(r"@|at|آت|اات", re.IGNORECASE)
_TLDS: Final = (
    "com|net|org|io|me|co|info|biz|ly|link|xyz|app|dev|site|online|store|sa|eg|ae|kw|qa|bh|om|"
    "jo|ma|dz|tn|iq|lb|sy|ps|sd|ye|uk|us|de|fr|tv|gg|to"
)
_LINK: Final = re.compile(
    rf"https?://|www\.|\b(?:wa|t)\.me\b|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:{_TLDS})\b(?!\.\w)"
    r"|\bدوت\s*كوم\b|\bdot\s*com\b",
    re.IGNORECASE,
)
# What every way of writing a link above holds: "://", "دوت", "dot", or a "." right after a
# letter, digit or hyphen (the end of "www", "wa", "t" or a domain's label). Most messages
# hold none of them, and then the link pattern, tried at every position, need not run.
_LINK_MARK: Final = re.compile(r"[a-z0-9-]\.|dot", re.IGNORECASE)
# Any spelled-out digit inside lower-cased text, whole word or not. Each letter run is read
# as the digit its ``lower()`` spells (see _readable), and a run's ``lower()`` is a piece of
# the text's ``lower()``: where this finds nothing, no run spells a digit.
_DIGIT_WORD_INSIDE: Final = re.compile("|".join(map(re.escape, _DIGIT_WORDS)))


class _AsciiDigits(dict[int, str]):
    """A ``str.translate`` table: every digit (Arabic-Indic, Persian …) to its ASCII digit.

    Filled in as characters are first met, so a message is translated in one pass of C.
    """

    def __missing__(self, code: int) -> str:
        char = chr(code)
        self[code] = found = str(unicodedata.digit(char)) if char.isdigit() else char
        return found


_ASCII_DIGITS: Final = _AsciiDigits()


@functools.cache
def _digit_to_translate() -> re.Pattern[str]:
    """Any character ``_ASCII_DIGITS`` changes: a digit that is not an ASCII one.

    An ASCII digit stays itself ("3 أيام" needs no translation). The other digits
    (superscripts, circled digits …) are found by reading all of Unicode
    once (about 50 ms), on the first message rather than at import.
    """
    digits = filter(str.isdigit, map(chr, range(0x80, 0x110000)))
    others = "".join(digit for digit in digits if not digit.isdecimal())
    return re.compile(rf"[^\D0-9]|[{re.escape(others)}]")


def _readable(text: str) -> str:
    """``text`` with every digit as an ASCII digit and spelled-out digits written as digits."""
    # Translating costs a dict look-up per character; most messages have no digit to change.
    if text.isascii() or _digit_to_translate().search(text) is None:
        digits = text
    else:
        digits = text.translate(_ASCII_DIGITS)
    if _DIGIT_WORD_INSIDE.search(digits.lower()) is None:
        return digits
    return _DIGIT_WORD.sub(lambda word: _DIGIT_WORDS.get(word[0].lower(), word[0]), digits)


def _may_hold_link(text: str) -> bool:
    """False when ``text`` holds nothing any link pattern needs (see ``_LINK_MARK``)."""
    return "://" in text or "دوت" in text or _LINK_MARK.search(text) is not None


def contact_details(text: str) -> list[str]:
    """The kinds of contact details in ``text``: ``"phone"``, ``"email"``, ``"link"``.

    Arabic-Indic digits, digits spelled out in Arabic or English, ``(at)`` and ``dot``
    tricks are caught.

    >>> contact_details("راسلني على ٠٥٠ ١٢٣ ٤٥٦٧ أو sara (at) gmail dot com")
    ['phone', 'email']
    >>> contact_details("سأسلم الشعار خلال 3 أيام بصيغة PNG")
    []
    """
    readable = _readable(text)
    found = []
    if _PHONE.search(readable):
        found.append("phone")
    if _AT_MARK.search(readable) and _EMAIL.search(readable):
        found.append("email")
    elif _may_hold_link(readable) and _LINK.search(readable):
        found.append("link")
    return found


def message_text(field: str, text: str, bounds: tuple[int, int]) -> str:
    """``text`` as plain multi-line text of ``bounds`` characters, without contact details."""
    checked = plain_text(field, text, *bounds, multiline=True)
    found = contact_details(checked)
    if found:
        raise ContactDetailsNotAllowed(found=", ".join(found))
    return checked


# --- posting ---------------------------------------------------------------------------------


def compose(
    order: Order,
    actor: Actor,
    body: str,
    *,
    kind: MessageKind,
    message_id: MessageId,
    sent_at: datetime,
    attachments: Sequence[str] = (),
) -> Message:
    """A checked message from the buyer or the seller of ``order``; changes nothing."""
    party = order.party_of(actor)
    if party not in (Party.BUYER, Party.SELLER) or actor.member_id is None:
        raise PermissionDenied(actor=party.label, action=_("write in this order"))
    text = message_text(_("message"), body, _BODY_LENGTH)
    files = tuple(
        plain_text(_("attachment"), a, 1, _REFERENCE_LENGTH)
        for a in short_list(_("attachments"), attachments, _ATTACHMENTS_MAX)
    )
    return Message(message_id, order.id, actor.member_id, kind, text, files, utc(sent_at))


def post_message(
    order: Order,
    actor: Actor,
    body: str,
    *,
    message_id: MessageId,
    sent_at: datetime,
    policy: OrderPolicy,
    attachments: Sequence[str] = (),
) -> Message:
    """Write in the order; the buyer's first message carries the instructions.

    While the order awaits instructions, the buyer's message starts the work: the order
    moves to in progress and the delivery countdown starts.
    """
    instructions = (
        order.status is OrderStatus.AWAITING_INSTRUCTIONS and order.party_of(actor) is Party.BUYER
    )
    kind = MessageKind.INSTRUCTIONS if instructions else MessageKind.MESSAGE
    message = compose(
        order,
        actor,
        body,
        kind=kind,
        message_id=message_id,
        sent_at=sent_at,
        attachments=attachments,
    )
    if instructions:
        order.apply(OrderEvent.SEND_INSTRUCTIONS, actor, sent_at, policy)
    return message


_KIND_OF: Final = {
    OrderEvent.DELIVER: MessageKind.DELIVERY,
    OrderEvent.REQUEST_MODIFICATION: MessageKind.MODIFICATION_REQUEST,
    OrderEvent.REPORT_PROBLEM: MessageKind.PROBLEM_REPORT,
}


def act_with_message(
    order: Order,
    event: OrderEvent,
    actor: Actor,
    body: str,
    *,
    message_id: MessageId,
    sent_at: datetime,
    policy: OrderPolicy,
    attachments: Sequence[str] = (),
) -> Message:
    """Deliver, request modifications or report a problem, with the message that says so.

    The message is checked first and the transition second; either refusal changes nothing.
    """
    kind = _KIND_OF.get(event)
    if kind is None:
        raise InvalidType(
            field=_("event"), expected="deliver, modification or problem", actual=event
        )
    message = compose(
        order,
        actor,
        body,
        kind=kind,
        message_id=message_id,
        sent_at=sent_at,
        attachments=attachments,
    )
    reason = None if event is OrderEvent.DELIVER else message.body
    order.apply(event, actor, sent_at, policy, reason=reason)
    return message

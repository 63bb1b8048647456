"""Contact details in what one member writes to another: found, and refused.

Messages may not carry external contact details (RULES.md §4: phone numbers, e-mails,
links), in an order, an inquiry, an offer, a reason, a review, a bid or a contract.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from typing import Final

from microgigs._checks import plain_text, unicode_class
from microgigs._text import _
from microgigs.errors import ContactDetailsNotAllowed, InvalidType

__all__ = ["contact_details", "message_text"]

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
    ("zero oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
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
# What stands between a phone number's digits: up to four marks, a run of spaces counting
# as one: a space, "-", ".", "(", ")", "/", "+", "_", "*" or «،» (not a "," nor a "×", which
# list and multiply numbers: "200, 201, 404", "300×250"; nor a time's colon).
_SEP: Final = r"(?:\s++|[-.()/+_*،])"
# What every phone number holds: a digit. Most messages hold none, and then the phone
# pattern need not run.
_DIGIT: Final = re.compile(r"\d")
# Nine digits or more, apart by separators: what may be a phone number in any format.
_DIGIT_RUN: Final = re.compile(rf"\d(?:{_SEP}{{0,4}}\d){{8,}}")
# What a text says with digits that is no phone number, blanked before the runs are read:
# an amount with two decimals ("0.99$", «٠٫٩٩» read as "0٫99") and a day ("2026/12/07",
# "15/02/2026"). A phone's dotted groups ("050.123.4567") have three digits after a dot.
_NO_PHONE: Final = re.compile(
    r"(?<![\d.٫])\d{1,3}[.٫]\d{2}(?![\d.٫])"
    r"|(?<!\d)(?:19|20)\d{2}[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])(?!\d)"
    r"|(?<!\d)(?:0?[1-9]|[12]\d|3[01])[-/.](?:0?[1-9]|1[0-2])[-/.](?:19|20)\d{2}(?!\d)"
)


_PHONE_DIGITS: Final = 9
"""A phone number's digits at the fewest (a Saudi mobile without its 0)."""
_LISTED: Final = 3
"""How many numbers make a list (two could be a phone number's two halves)."""


def _holds_phone(text: str) -> bool:
    """Whether ``text`` (digits read as ASCII) holds a phone number.

    A run of nine digits or more, apart by separators, is one unless it is a list: three
    numbers or more that count on by one («الفصول 01، 02، 03»; "1, 2, … 9") or are all
    round, of two digits or more ending in 0 ("100 200 300 400", "1080 1920 2560"). Nine
    digits in a row are one whatever stands around them.
    """
    if _DIGIT.search(text) is None:
        return False
    for run in _DIGIT_RUN.finditer(_NO_PHONE.sub(" x ", text)):
        numbers = re.findall(r"\d+", run.group())
        if max(map(len, numbers)) >= _PHONE_DIGITS or not _a_list(numbers):
            return True
    return False


def _a_list(numbers: list[str]) -> bool:
    """Three numbers or more that count on by one, or that are all round."""
    if len(numbers) < _LISTED:
        return False
    values = [int(number) for number in numbers]
    counting = all(b - a == 1 for a, b in itertools.pairwise(values))
    round_ = all(len(number) > 1 and number.endswith("0") for number in numbers)
    return counting or round_


_AT: Final = r"(?:\s*@\s*|\s*[(\[{]\s*at\s*[)\]}]\s*|\s+at\s+|\s*آت\s*|\s*اات\s*)"
_DOT: Final = r"(?:\s*\.\s*|\s*[(\[{]\s*dot\s*[)\]}]\s*|\s+dot\s+|\s*دوت\s*|\s*نقطة\s*)"
# The mail providers people name without their domain ("sara@gmail"), in Latin or Arabic.
_PROVIDERS: Final = (
    r"gmail|g\s*mail|hotmail|yahoo|outlook|icloud|live|aol|proton(?:mail)?|yandex"
    r"|جيميل|جي\s*ميل|جميل|هوتميل|هوت\s*ميل|ياهو|[اأ]وتلوك|[اأ]يكلاود"
)
# The endings of the domains people write (of an address or a link): an address's ending is
# one of these, not a file's ("logo@2x.png") nor a decorator's ("@app.route").
_TLDS: Final = (
    "com|net|org|io|me|co|info|biz|ly|link|xyz|app|dev|site|online|store|sa|eg|ae|kw|qa|bh|om|"
    "jo|ma|dz|tn|iq|lb|sy|ps|sd|ye|uk|us|de|fr|tv|gg|to|edu|gov|ru|ca|au|tr|pk|es|nl|ch|br"
)
# Linear in the text's length (a hostile review: 5,000 characters kept the patterns as they
# were backtracking for seconds). A name is tried from the start of its run only: a start
# inside the run would try again what the first one tried. A domain's label is taken whole
# (possessive): no way of writing "dot" starts with a letter of one.
_EMAIL: Final = re.compile(
    rf"(?<![\w.+-])[\w.+-]+{_AT}"
    rf"(?:[a-z0-9-]++(?:{_DOT}[a-z0-9-]++)*{_DOT}(?:{_TLDS})\b|(?:{_PROVIDERS})(?!\w))",
    re.IGNORECASE,
)
# What every way of writing "at" above holds. Most messages hold none of them, and then the
# e-mail pattern, which backtracks through each word looking for one, need not run at all.
_AT_MARK: Final = re.compile(r"@|at|آت|اات", re.IGNORECASE)
# A domain is found by its last label before the ending ("sara.designs.com": "designs.com"),
# which is tried from the start of its run only, from its first word boundary on (as the
# pattern did from any boundary, but once a run: linear in the text's length).
_LINK: Final = re.compile(
    rf"https?://|www\.|\b(?:wa|t)\.me\b"
    rf"|(?<![a-z0-9-])(?>[a-z0-9-]*?\b)[a-z0-9-]++\.(?:{_TLDS})\b(?!\.\w)"
    r"|\bدوت\s*كوم\b|\bنقطة\s*كوم\b|\bdot\s*com\b",
    re.IGNORECASE,
)
# What every way of writing a link above holds: "://", "دوت", "dot", or a "." right after a
# letter, digit or hyphen (the end of "www", "wa", "t" or a domain's label). Most messages
# hold none of them, and then the link pattern, tried at every position, need not run.
_LINK_MARK: Final = re.compile(r"[a-z0-9-]\.|dot", re.IGNORECASE)
# The social networks people name to be found outside ("instagram", «انستا», «سناب شات»),
# an Arabic one also behind a prefix («الانستا», «عالواتس», «بسناب»).
_NETWORKS: Final = (
    r"(?<![a-z0-9_])(?:instagram|insta|ig|snapchat|snap|skype|telegram|whatsapp|facebook|fb"
    r"|twitter|tiktok|linkedin|discord|wechat|viber)"
    r"|(?<!\w)(?:[وبفل]?ال|عال|[وبفل])?(?:[اإ]نستا?[قغجك]رام|[اإ]نستا|سناب(?:\s?شات)?|سكايب"
    r"|تي?لي?[جغق]رام|واتس(?:\s?[اآ]ب)?|فيس(?:\s?بوك)?|تويتر|تيك\s?توك|لينكد\s?[اإ]ن|ديسكورد"
    r"|فايبر)"
)
# Words that give a handle to be found by ("follow me", «حسابي», «يوزري»).
_CUES: Final = (
    r"(?<![a-z])(?:follow|add me|my account|username|user name|handle)"
    r"|(?<!\w)(?:تابعني|تابعوني|تابعنا|حسابي|حسابنا|يوزري|يوزر|معرفي|[اأ]ضفني)"
)
# A handle: 3 to 30 of a network's characters, a letter among them.
_HANDLE: Final = r"(?=[a-z0-9_.]{0,29}[a-z])[a-z0-9_.]{3,30}"
# An account: a handle after "@" not far after a network's name or a cue («حسابي @sara»;
# "@media" in a bid is a style sheet's), or after a network's name and a colon, a slash or
# a dash ("skype: sara.designs", "instagram/sara_designs"), or after the name alone when it
# holds what a word does not (a "_", a digit, or a "." inside: "تيليجرام sara2020"; not
# «قوالب انستقرام PNG», "facebook ads." nor a version, "Facebook v2.0").
_ACCOUNT: Final = re.compile(
    rf"(?:{_NETWORKS}|{_CUES})(?!{_LETTER})[^@\n]{{0,30}}?(?<![\w.+\-])@\s?{_HANDLE}"
    rf"|(?:{_NETWORKS})(?!{_LETTER})(?:\s*+[:：=/\-–]\s*+@?{_HANDLE}"
    r"|\s++(?!v\d)(?=[a-z0-9_.]{0,29}(?:[_0-9]|\.[a-z0-9]))[a-z][a-z0-9_.]{2,29})",
    re.IGNORECASE,
)
# What every handle holds: a Latin letter. Most Arabic messages hold none, and then the
# account pattern, which tries each network's name at every position, need not run.
_LATIN_MARK: Final = re.compile(r"[a-z]", re.IGNORECASE)
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


@functools.cache
def _invisible() -> re.Pattern[str]:
    """Any format character: invisible, so no reader sees it split a number or an address.

    Unicode's Cf: zero-width spaces and joiners, soft hyphens, word joiners, direction
    marks … Found by reading all of Unicode once, on the first message.
    """
    return re.compile(unicode_class({"Cf"}, 0x80, 0x110000))


_BEFORE_NFKC: Final = {
    0x0640: None,  # the tatweel stretches a word, and says nothing: "050ـ123"
    **dict.fromkeys([*range(0x00BC, 0x00BF), *range(0x2150, 0x2160), 0x2189], " "),
}
"""What is read before the compatibility forms: the tatweel, gone; a vulgar fraction ("½",
which NFKC writes "1⁄2"), a space: a list of sizes is no run of digits."""
_TO_READ_BEFORE: Final = re.compile("[\u0640\u00bc-\u00be\u2150-\u215f\u2189]")


def _readable(text: str) -> str:
    """``text`` with every digit as an ASCII digit and spelled-out digits written as digits.

    Letters in their compatibility forms are read as the letters they show (NFKC: the
    full-width "＠" is "@"), and the tatweel and invisible format characters are read past:
    "05\u200b01234567" is a phone number.
    """
    if not text.isascii():
        if _TO_READ_BEFORE.search(text) is not None:  # most texts hold neither
            text = text.translate(_BEFORE_NFKC)
        shown = unicodedata.normalize("NFKC", text)
        text = _invisible().sub("", shown)
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
    return "://" in text or "دوت" in text or "نقطة" in text or _LINK_MARK.search(text) is not None


def contact_details(text: str) -> list[str]:
    """The kinds of contact details in ``text``: ``"phone"``, then one of the others.

    The others are ``"email"``, ``"link"`` and ``"handle"`` (an account on a social
    network, "instagram: @sara_designs"), the first found of the three. Arabic-Indic
    digits, digits spelled out in Arabic or English, ``(at)`` and ``dot`` tricks are
    caught.

    >>> contact_details("راسلني على ٠٥٠ ١٢٣ ٤٥٦٧ أو sara (at) gmail dot com")
    ['phone', 'email']
    >>> contact_details("سأسلم الشعار خلال 3 أيام بصيغة PNG")
    []
    >>> contact_details("خبرة 5 سنوات في ASP.NET و Socket.IO"), contact_details("asp.net.ly")
    ([], ['link'])

    What is not a ``str`` is ``InvalidType``.
    """
    if not isinstance(text, str):
        raise InvalidType(field=_("text"), expected=_("a str"), actual=type(text).__name__)
    readable = _readable(text)
    found = []
    if _holds_phone(readable):
        found.append("phone")
    if _AT_MARK.search(readable) and _EMAIL.search(readable):
        found.append("email")
    elif _may_hold_link(readable) and _LINK.search(_TECHNOLOGIES.sub(" ", readable)):
        found.append("link")
    elif _LATIN_MARK.search(readable) and _ACCOUNT.search(readable):
        found.append("handle")
    return found


_TECHNOLOGIES: Final = re.compile(
    r"(?<![\w.])(?:(?:asp|vb|ado|ml)\.net|socket\.io)\b(?![./]\w)", re.IGNORECASE
)
"""Skills named like a domain: "ASP.NET" or "Socket.IO" in a bid is no address to leave by;
with a path or a host around it ("forums.asp.net", "asp.net/sara") it is one."""


_FOUND_NAMES: Final = (
    _("phone"),
    _("email"),
    _("link"),
    _("phone, email"),
    _("phone, link"),
    _("handle"),
    _("phone, handle"),
)
"""Every ``found`` a :class:`~microgigs.errors.ContactDetailsNotAllowed` may hold (an e-mail
address, a link and a handle are not reported together), each a message the catalogs
translate whole."""


def message_text(field: str, text: str, bounds: tuple[int, int], *, multiline: bool = True) -> str:
    """``text`` as plain text of ``bounds`` characters, without contact details."""
    checked = plain_text(field, text, *bounds, multiline=multiline)
    found = contact_details(checked)
    if found:
        raise ContactDetailsNotAllowed(found=", ".join(found), field=field)
    return checked

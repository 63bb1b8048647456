"""Members: the profile the marketplace keeps of each person who buys, sells or both.

Identity, passwords and sessions belong to the host; the library keeps the profile,
validates its username, e-mail and phone, and records e-mail verification and suspension.
A suspended member can neither buy nor sell.

>>> from datetime import UTC, datetime
>>> from microgigs.ids import MemberId
>>> member = Member.register(
...     MemberId("01M0"),
...     username="Sara_Designs",
...     email=" Sara@Example.COM ",
...     first_name="سارة",
...     family_name="الأحمد",
...     joined_at=datetime(2026, 1, 1, tzinfo=UTC),
...     phone="+966 50 123 4567",
... )
>>> member.username, member.email, member.phone
('sara_designs', 'sara@example.com', '+966501234567')
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial
from typing import Final

import attrs

from microgigs._checks import plain_text, refusals
from microgigs._contact import message_text
from microgigs._folding import tokens
from microgigs._labels import LabelledEnum, label_members
from microgigs._text import _
from microgigs.actors import Actor
from microgigs.clock import utc
from microgigs.errors import (
    InvalidEmail,
    InvalidIban,
    InvalidPhone,
    InvalidType,
    InvalidUsername,
    MemberNotSuspended,
    MemberSuspended,
    MicrogigsError,
    NotFound,
    OutOfRange,
    ReservedName,
)
from microgigs.ids import MemberId
from microgigs.policy import SellerLevel

__all__ = [
    "MAX_PAYOUT_METHODS",
    "RESERVED_USERNAMES",
    "Member",
    "MemberStatus",
    "PayoutKind",
    "PayoutMethod",
    "normalize_email",
    "normalize_phone",
    "normalize_username",
    "registration_refusals",
]

RESERVED_USERNAMES: Final = frozenset(
    {
        "admin",
        "administrator",
        "root",
        "system",
        "support",
        "help",
        "khamsat",
        "microgigs",
        "moderator",
        "staff",
        "api",
        "www",
        "mail",
        "security",
        "billing",
        "payments",
    }
)
_USERNAME: Final = re.compile(r"[a-z][a-z0-9_]{2,29}")
# A practical subset of RFC 5321: what real marketplaces accept and real people have.
_EMAIL: Final = re.compile(
    r"[a-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"
)
_E164: Final = re.compile(r"\+[1-9][0-9]{7,14}")
_PHONE_DECORATION: Final = re.compile(r"[\s\-().\u00a0]")
_LONGEST_EMAIL: Final = 254
MAX_PAYOUT_METHODS: Final = 5
"""How many payout methods a member may keep."""
_NAME_LENGTH: Final = (1, 50)
_BIO_LENGTH: Final = (0, 2000)
_REFERENCE_LENGTH: Final = (1, 500)


def normalize_username(username: str) -> str:
    """The stored form of a username: lower case, checked against the rules."""
    if not isinstance(username, str):
        raise InvalidType(field=_("username"), expected=_("a str"), actual=type(username).__name__)
    name = username.strip().lower()
    skeleton = _skeleton(name)
    if (
        not _USERNAME.fullmatch(name)
        or skeleton in RESERVED_USERNAMES
        or skeleton.startswith(_TEAMS_WORDS)
        or skeleton.endswith(_TEAMS_WORDS)
    ):
        raise InvalidUsername(username=username[:40])
    return name


_TEAMS_WORDS: Final = ("admin", "moderator", "support", "staff", "khamsat", "mostaql", "microgigs")
"""Words that name the site's team: a username may not begin or end with one (``admins``,
``support_team``, ``khamsat_support`` would pass for the team)."""


_LOOKALIKE: Final = str.maketrans("013457", "oieast", "_")


def _skeleton(name: str) -> str:
    """What a username looks like: ``adm1n``, ``admin_`` and ``admin2`` all read ``admin``."""
    return name.translate(_LOOKALIKE).rstrip("0123456789") or name


def normalize_email(email: str) -> str:
    """The stored form of an e-mail address: trimmed, lower case, checked."""
    if not isinstance(email, str):
        raise InvalidType(field=_("email"), expected=_("a str"), actual=type(email).__name__)
    address = email.strip().lower()
    if len(address) > _LONGEST_EMAIL or not _EMAIL.fullmatch(address) or ".." in address:
        raise InvalidEmail(email=email[:80])
    return address


def _first_name(name: str) -> str:
    return plain_text(_("first name"), name, *_NAME_LENGTH)


def _family_name(name: str) -> str:
    return plain_text(_("family name"), name, *_NAME_LENGTH)


_CAPITALS_ALIKE: Final = str.maketrans(
    {
        # Greek and Cyrillic capitals drawn as Latin ones (read before folding the case:
        # folded, a capital nu is a small nu, drawn as a v)
        "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
        "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "А": "A", "В": "B",
        "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T",
        "У": "Y", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S", "Ӏ": "I",
    }
)  # fmt: skip
_LOOKS_ALIKE: Final = str.maketrans(
    {
        # Persian and Urdu letters drawn as the Arabic ones inside a word
        "\u06cc": "ي", "\u06d0": "ي", "\u06a9": "ك", "\u06aa": "ك",
        "\u06c1": "ه", "\u06d5": "ه", "\u06be": "ه",
        # Cyrillic and Greek letters drawn as Latin ones
        "а": "a", "в": "b", "е": "e", "ѕ": "s", "і": "i", "ј": "j", "к": "k", "м": "m",
        "н": "h", "о": "o", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "һ": "h",
        "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "i", "α": "a", "β": "b", "ε": "e", "ι": "i",
        "κ": "k", "μ": "m", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x",
        "η": "n", "ζ": "z",
        # Latin letters drawn alike (a dotless i, a Latin alpha, small capitals, an l for
        # an I), digits for letters, and the Lisu and Armenian letters drawn as Latin ones
        "ı": "i", "ɑ": "a", "l": "i", "1": "i", "0": "o", "ᴀ": "a", "ᴅ": "d", "ᴍ": "m",
        "ɪ": "i", "ɴ": "n", "ꓮ": "a", "ꓓ": "d", "ꓟ": "m", "ꓲ": "i", "ꓠ": "n", "ꓢ": "s",
        "ꓔ": "t", "ꓰ": "e", "ꓳ": "o", "ꓑ": "p", "ꓣ": "r", "ꓗ": "k", "ո": "n", "օ": "o",
        "ս": "u", "հ": "h",
        # Arabic letters drawn as others inside a word
        "\u06c3": "ه", "\u067b": "ي", "\u066e": "ي", "\u06a1": "ف", "\u066f": "ق",
    }
)  # fmt: skip
"""Letters of other alphabets that a reader takes for the ones the team's names are
written in (lower case: names are folded first)."""


def _as_read(text: str) -> list[str]:
    """A name's words as a reader sees them.

    No marks nor characters that draw nothing, letters that look alike read as one, then
    folded as search folds words.
    """
    folded = unicodedata.normalize("NFKC", text).translate(_CAPITALS_ALIKE).casefold()
    drawn = "".join(c for c in folded if unicodedata.category(c) not in _UNSEEN)
    return tokens(drawn.translate(_LOOKS_ALIKE))


_UNSEEN: Final = frozenset({"Mn", "Me", "Cf"})
"""Marks and format characters: a word reads the same without them (a variation selector,
a harakah, a joiner)."""


_TEAMS_NAMES: Final = tuple(
    tuple(_as_read(phrase))
    for phrase in (
        "فريق الموقع",
        "إدارة الموقع",
        "الإدارة",
        "الدعم الفني",
        "فريق الدعم",
        "خمسات",
        "site team",
        "admin",
        "administrator",
        "administration",
        "moderator",
        "support team",
        "staff",
        "khamsat",
        "mostaql",
        "microgigs",
    )
)
"""What the pages name the site's team by, as words: a member's full name holding one of
them, whole words in a row, would pass for the team (a hostile review: a party named
«فريق الموقع» wrote in a dispute as its decision reads)."""


def _not_the_team(first_name: str, family_name: str) -> None:
    """A full name (both parts checked already) that names the team: ``ReservedName``."""
    words = _as_read(f"{first_name} {family_name}")
    for phrase in _TEAMS_NAMES:
        width = len(phrase)
        if any(tuple(words[at : at + width]) == phrase for at in range(len(words) - width + 1)):
            raise ReservedName(name=f"{first_name} {family_name}"[:101])


def _full_name(first_name: str, family_name: str) -> tuple[str, str]:
    """Both names, each checked, and together not the team's."""
    first, family = _first_name(first_name), _family_name(family_name)
    _not_the_team(first, family)
    return first, family


def _first_name_beside(first_name: str, family_name: str) -> str:
    """The first name of a form, checked; with the family name, if that one passes, too."""
    first = _first_name(first_name)
    try:
        family = _family_name(family_name)
    except MicrogigsError:  # the family name's own refusal says so, beside
        return first
    _not_the_team(first, family)
    return first


def registration_refusals(
    *, username: str, email: str, first_name: str, family_name: str
) -> dict[str, MicrogigsError]:
    """Every field of a registration the rules refuse, by name, with its error.

    :meth:`Member.register` (and ``register_member``) raise the first, by the same checks;
    a host's form names them all at once. Empty when every field passes (a username or an
    e-mail already taken is found only on registering: ``UsernameTaken``, ``EmailTaken``).
    """
    checks: tuple[tuple[str, Callable[[str], str], str], ...] = (
        ("username", normalize_username, username),
        ("email", normalize_email, email),
        ("first_name", partial(_first_name_beside, family_name=family_name), first_name),
        ("family_name", _family_name, family_name),
    )
    return refusals((field, partial(check, value)) for field, check, value in checks)


def normalize_phone(phone: str) -> str:
    """A mobile number in E.164 form (``+966501234567``).

    Spaces, dashes, a leading ``00`` and Arabic-Indic digits are accepted on the way in.
    """
    if not isinstance(phone, str):
        raise InvalidType(field=_("phone"), expected=_("a str"), actual=type(phone).__name__)
    digits = "".join(
        str(unicodedata.digit(c)) if c.isdigit() else c
        for c in _PHONE_DECORATION.sub("", phone[:40])
    )
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if not _E164.fullmatch(digits):
        raise InvalidPhone(phone=phone[:40])
    return digits


class MemberStatus(LabelledEnum):
    """Whether a member may trade."""

    ACTIVE = "active"
    SUSPENDED = "suspended"


label_members(
    # not bare "active": a service's label, feminine in Arabic («نشطة»); a member is «نشط»
    {MemberStatus.ACTIVE: _("active member"), MemberStatus.SUSPENDED: _("suspended member")}
)


class PayoutKind(LabelledEnum):
    """Where a seller's withdrawals go."""

    PAYPAL = "paypal"
    BANK_TRANSFER = "bank_transfer"


label_members({PayoutKind.PAYPAL: _("PayPal"), PayoutKind.BANK_TRANSFER: _("bank transfer")})


@attrs.frozen
class PayoutMethod:
    """A destination for withdrawals: a PayPal e-mail or a bank account (IBAN)."""

    kind: PayoutKind
    account: str

    @classmethod
    def paypal(cls, email: str) -> PayoutMethod:
        """A PayPal account, by its e-mail address."""
        return cls(PayoutKind.PAYPAL, normalize_email(email))

    @classmethod
    def bank_transfer(cls, iban: str) -> PayoutMethod:
        """A bank account by IBAN (spaces removed, upper case; its check digits must hold)."""
        if not isinstance(iban, str):
            raise InvalidType(field=_("iban"), expected=_("a str"), actual=type(iban).__name__)
        account = iban.translate(_WESTERN_DIGITS).replace(" ", "").upper()
        if not _IBAN.fullmatch(account) or _iban_remainder(account) != 1:
            raise InvalidIban(iban=iban[:50])
        return cls(PayoutKind.BANK_TRANSFER, account)

    def checked(self) -> PayoutMethod:
        """This method as its factory makes it: a PayPal e-mail or an IBAN, checked.

        A ``kind`` that is no :class:`PayoutKind` (the text ``"paypal"``) is ``InvalidType``.
        """
        if type(self.kind) is not PayoutKind:
            raise InvalidType(
                field=_("payout kind"), expected="PayoutKind", actual=type(self.kind).__name__
            )
        if self.kind is PayoutKind.PAYPAL:
            return PayoutMethod.paypal(self.account)
        return PayoutMethod.bank_transfer(self.account)


_WESTERN_DIGITS: Final = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
"""Arabic-Indic and Persian digits, as an IBAN is typed on an Arabic keyboard, read as 0–9."""


def _one_method(method: object) -> PayoutMethod:
    """``method`` checked as its factory makes it, or ``InvalidType`` for what is none."""
    if not isinstance(method, PayoutMethod):
        raise InvalidType(
            field=_("payout method"), expected="PayoutMethod", actual=type(method).__name__
        )
    return method.checked()


_IBAN: Final = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")
"""An IBAN's shape (ISO 13616): the country, two check digits, the account (15–34 in all)."""


def _iban_remainder(account: str) -> int:
    """ISO 7064 MOD 97-10: the first four characters moved to the end, letters as 10–35."""
    digits = "".join(str(int(char, 36)) for char in account[4:] + account[:4])
    return int(digits) % 97


@attrs.define(slots=True)
class Member:
    """A person on the marketplace: buyer, seller or both.

    Change a member only through its methods; ``version`` counts the changes (storage uses
    it to refuse a stale write).
    """

    id: MemberId
    username: str
    email: str
    first_name: str
    family_name: str
    joined_at: datetime
    phone: str | None = None
    email_verified: bool = False
    avatar: str | None = None
    bio: str = ""
    payout_methods: tuple[PayoutMethod, ...] = ()
    status: MemberStatus = MemberStatus.ACTIVE
    suspension_reason: str | None = None
    level: SellerLevel = SellerLevel.LEVEL_1
    version: int = 0

    @classmethod
    def register(
        cls,
        member_id: MemberId,
        *,
        username: str,
        email: str,
        first_name: str,
        family_name: str,
        joined_at: datetime,
        phone: str | None = None,
    ) -> Member:
        """A new, active, unverified member; every field is checked."""
        name = normalize_username(username)
        address = normalize_email(email)
        first, family = _full_name(first_name, family_name)
        return cls(
            id=member_id,
            username=name,
            email=address,
            first_name=first,
            family_name=family,
            joined_at=utc(joined_at),
            phone=None if phone is None else normalize_phone(phone),
        )

    @property
    def display_name(self) -> str:
        """First and family name."""
        return f"{self.first_name} {self.family_name}"

    @property
    def can_trade(self) -> bool:
        """Whether the member may buy and sell now."""
        return self.status is MemberStatus.ACTIVE

    def require_can_trade(self) -> None:
        """Refuse a suspended member."""
        if not self.can_trade:
            raise MemberSuspended(member_id=self.id)

    def _changed(self) -> None:
        self.version += 1

    def update_profile(
        self,
        *,
        first_name: str | None = None,
        family_name: str | None = None,
        bio: str | None = None,
        avatar: str | None = None,
        phone: str | None = None,
    ) -> None:
        """Change the parts given; each is checked first, so a bad one changes nothing."""
        changes: dict[str, object] = {}
        if first_name is not None:
            changes["first_name"] = _first_name(first_name)
        if family_name is not None:
            changes["family_name"] = _family_name(family_name)
        if changes:  # one name changed is checked with the other, as the pages show both
            _not_the_team(
                str(changes.get("first_name", self.first_name)),
                str(changes.get("family_name", self.family_name)),
            )
        if bio is not None:
            # on the member's public page: no contact details, as in a message (RULES.md §4)
            changes["bio"] = message_text(_("bio"), bio, _BIO_LENGTH)
        if avatar is not None:
            changes["avatar"] = plain_text(_("avatar"), avatar, *_REFERENCE_LENGTH)
        if phone is not None:
            changes["phone"] = normalize_phone(phone)
        for name, value in changes.items():
            setattr(self, name, value)
        if changes:
            self._changed()

    def change_email(self, email: str) -> None:
        """A new address, which must be verified again."""
        self.email = normalize_email(email)
        self.email_verified = False
        self._changed()

    def verify_email(self) -> None:
        """Record that the host confirmed the address (the activation link was followed)."""
        if not self.email_verified:
            self.email_verified = True
            self._changed()

    def set_payout_methods(self, methods: Sequence[PayoutMethod]) -> None:
        """Replace the payout methods (PayPal first, as on Khamsat, if you like).

        At most :data:`MAX_PAYOUT_METHODS` (five) different ones: more is ``OutOfRange``. Each
        is checked however it was made: a PayPal address (``InvalidEmail``), an IBAN
        (``InvalidIban``).
        """
        if not isinstance(methods, tuple | list):  # None, a str, a lone method: refused
            raise InvalidType(
                field=_("payout methods"), expected=_("a list"), actual=type(methods).__name__
            )
        for method in methods:  # a bare e-mail address is the common mistake: "not str"
            if not isinstance(method, PayoutMethod):
                raise InvalidType(
                    field=_("payout methods"), expected="PayoutMethod", actual=type(method).__name__
                )
        kept = tuple(dict.fromkeys(m.checked() for m in methods))
        if len(kept) > MAX_PAYOUT_METHODS:
            raise OutOfRange(
                field=_("payout methods"), value=len(kept), minimum=0, maximum=MAX_PAYOUT_METHODS
            )
        self.payout_methods = kept
        self._changed()

    def add_payout_method(self, method: PayoutMethod) -> None:
        """One more payout method, last in the list (one already there: nothing changes).

        Checked as :meth:`set_payout_methods` checks each; a sixth is ``OutOfRange``.
        """
        self.set_payout_methods((*self.payout_methods, _one_method(method)))

    def remove_payout_method(self, method: PayoutMethod) -> None:
        """Remove one payout method; one the member does not have is ``NotFound``."""
        checked = _one_method(method)
        if checked not in self.payout_methods:
            raise NotFound(kind=_("payout method"), key=f"{checked.kind.value}:{checked.account}")
        self.set_payout_methods(tuple(m for m in self.payout_methods if m != checked))

    def suspend(self, actor: Actor, reason: str) -> None:
        """An admin stops the member from buying and selling (``MemberSuspended`` if they are)."""
        actor.require_admin(_("suspend a member"))
        if self.status is MemberStatus.SUSPENDED:  # the first suspension's reason stands
            raise MemberSuspended(member_id=self.id)
        self.suspension_reason = plain_text(_("reason"), reason, 1, 500)
        self.status = MemberStatus.SUSPENDED
        self._changed()

    def reinstate(self, actor: Actor) -> None:
        """An admin lets a suspended member trade again (``MemberNotSuspended`` if not)."""
        actor.require_admin(_("reinstate a member"))
        if self.status is not MemberStatus.SUSPENDED:
            raise MemberNotSuspended(member_id=self.id)
        self.status = MemberStatus.ACTIVE
        self.suspension_reason = None
        self._changed()

    def set_level(self, level: SellerLevel) -> None:
        """Record a new seller level (decided by the level evaluation or an admin)."""
        if level is not self.level:
            self.level = level
            self._changed()

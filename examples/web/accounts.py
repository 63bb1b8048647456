"""What the web host keeps beside the marketplace: log-ins, sessions, tokens and limits.

The library keeps no passwords; the host does, in the marketplace's own database, so that
every worker process and every machine serving one marketplace sees the same accounts,
sessions and tokens, and a restart logs nobody out. :class:`Accounts` is the port (a
``typing.Protocol``); three adapters stand behind it:

* :class:`MemoryAccounts` for tests and prototypes;
* :class:`SqlAccounts` on SQLite (tables ``web_*`` in the marketplace's file) or on
  PostgreSQL (the schema ``microgigs_web`` of the marketplace's database).

:func:`open_accounts` picks one from the marketplace's own setting (a path or a DSN).

What is kept, and how:

* **accounts**: the e-mail, an Argon2id hash of the password (argon2-cffi, at OWASP's
  cost: 19 MiB, 2 passes, 1 lane; the salt and the cost inside the hash), whether the
  member is an administrator. A scrypt hash kept before (n=2^14, r=8, p=1, with its salt
  in its own column) still logs its member in, and is replaced by an Argon2id one then;
* **sessions**: the session's data as JSON under the SHA-256 of its random id (the cookie
  carries the id, signed), the member it belongs to, when it expires. Logging out deletes
  the row, so a copied cookie is worth nothing afterwards; :meth:`Accounts.end_sessions`
  logs a member out everywhere;
* **API tokens**: ``<id>.<secret>``; only the secret's SHA-256 is kept, with the owner and
  an expiry, and a token is revoked by deleting its row;
* **e-mail verification tokens**: their SHA-256, the member, an expiry, and whether used:
  a link works once, before it expires;
* **rate-limit counters** for Flask-Limiter (:class:`LimitStorage`), fixed windows keyed by
  the limit, shared by every worker.

Every method is one statement (or one short transaction), so nothing is held between two
requests. ``clock`` gives the time in seconds (``time.time`` unless a test moves it).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import queue
import re
import secrets
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final, Protocol

import attrs
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from limits import storage as limit_counters  # Flask-Limiter's counters, not microgigs'
from zxcvbn import zxcvbn

_HASHER: Final = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
"""Argon2id at OWASP's first row (Password Storage Cheat Sheet): 19 MiB, 2 passes, 1 lane."""
_LEGACY_SCRYPT: Final = {"n": 2**14, "r": 8, "p": 1}
"""The scrypt cost of the hashes kept before Argon2id: checked at log-in, then replaced."""
PASSWORD_LENGTH = (8, 128)
SCHEMA = "microgigs_web"
"""The PostgreSQL schema of the host's tables (the library's own are in ``microgigs``)."""
POOL_SIZE = 4
"""The most connections the store holds at once, on SQLite as on PostgreSQL."""


_UNSEEN: Final = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp", "Mn", "Me"})
"""Categories of characters that draw nothing of their own: spaces, controls, format marks."""
_FILLERS: Final = frozenset("\u115f\u1160\u3164\uffa0")
"""Hangul fillers: letters by their category, blank on the screen."""


PASSWORD_SCORE = 2
"""The least zxcvbn score (0 to 4) a password needs: 2 is beyond the common passwords, their
variants ("P@ssw0rd!") and the account's own names; rate limits guard log-ins beyond it."""
SITE_WORDS: Final = ("microgigs", "khamsat", "mostaql", "خمسات", "مستقل", "demo")
"""Words of the site a password is not built on (NIST 800-63B's context-specific words)."""
ARABIC_COMMON: Final = (
    "كلمةالسر", "كلمةسر", "كلمةمرور", "الله", "اللهاكبر", "بسمالله", "الحمدلله", "محمد",
    "احمد", "علي", "فاطمة", "احبك", "بحبك", "حبيبي", "حبيبتي", "السعودية", "مصر", "الرياض",
    "القاهرة", "مرحبا", "سلام", "حشسسصخقي", "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
    *(row[:n] for row in ("ضصثقفغعهخحجد", "شسيبلاتنمكط", "ئءؤرلاىةوزظ") for n in range(4, 13)),
)  # fmt: skip
"""Common Arabic passwords, words and keyboard rows (from their start, as typed) that
zxcvbn's English lists lack ("password" typed on an Arabic keyboard, «حشسسصخقي», among
them)."""
_PIECE: Final = 3
"""The shortest piece of a name (between its dots, dashes or underscores) judged a word."""
_OWN_WORD: Final = 6
"""The shortest name of the account's (a username, an e-mail, its name, or a piece of one)
taken out of a password before it is judged: a shorter one may be part of any word."""
JUDGED_LENGTH = 24
"""How many first characters zxcvbn judges: its search for l33t spellings grows
exponentially with the length (128 substitutable characters took it 11-25 s)."""


PASSWORD_REFUSALS: Final = {
    "too_long": (
        f"كلمة المرور أطول من المسموح: عدد حروفها {PASSWORD_LENGTH[1]} على الأكثر.",
        f"The password is too long: at most {PASSWORD_LENGTH[1]} characters.",
    ),
    "too_short": (
        f"كلمة المرور قصيرة: عدد حروفها {PASSWORD_LENGTH[0]} على الأقل، لا تُحسب منها المسافات.",
        f"The password needs at least {PASSWORD_LENGTH[0]} characters, spaces not counted.",
    ),
    "guessable": (
        (
            "كلمة المرور يسهل تخمينها: هي من الكلمات الشائعة أو مبنية على اسمك أو بريدك."
            " اختر عبارة أطول لا يعرفها غيرك."
        ),
        (
            "The password is too easy to guess: it is a common one, or built on your name or"
            " e-mail. Choose a longer phrase only you know."
        ),
    ),
}
"""What each refusal of :func:`password_refusal` says, in Arabic and English."""


def password_refusal(password: str, *names: str) -> str | None:
    """Why ``password`` is refused, else ``None``: ``too_long``, ``too_short`` or ``guessable``.

    8 to 128 characters, at least 8 of them seen (eight spaces, or blank ones, guard
    nothing), and not easy to guess (zxcvbn's common passwords, words and patterns, the
    site's words and ``names``: the account's username, e-mail and names).
    """
    shortest, longest = PASSWORD_LENGTH
    if len(password) > longest:
        return "too_long"
    if len(password) < shortest or sum(map(_seen, password)) < shortest:
        return "too_short"
    whole: list[str] = []  # the account's names first: zxcvbn ranks a word by its place
    pieces: list[str] = []
    for name in filter(None, (n.strip().lower() for n in names)):
        local = name.split("@")[0]  # an e-mail's name before its @, and its pieces
        whole += [_joined(name), _joined(local)]
        pieces += [p for p in re.split(r"[._+\-\s]+", local) if len(p) >= _PIECE]
    own = [*whole, *pieces]
    judged = _judged(password, own)
    if not judged:
        return "guessable"
    with _JUDGING:  # zxcvbn keeps the names in a global of its module: one at a time
        score = zxcvbn(judged, [*own, *_COMMON], max_length=JUDGED_LENGTH)["score"]
    return "guessable" if score < PASSWORD_SCORE else None


_JUDGING: Final = threading.Lock()
"""Held while zxcvbn judges: it puts each judgement's names in a global of its module, so
two at once in a threaded host would judge one account's password by the other's names."""


def _judged(password: str, own: list[str]) -> str:
    """What zxcvbn judges of ``password``: its first characters, as a guesser spells them.

    ``JUDGED_LENGTH`` characters, folded (:func:`_folded`). A name of the account's, or a
    piece of one (``own``, of ``_OWN_WORD`` characters or more), adds nothing a guesser
    does not try first: what is left without it is judged, so a long one counts however
    far past the judged length it goes. Arabic is judged with its words joined («كلمة السر» is
    «كلمةالسر»): zxcvbn knows no Arabic word, and the separators it
    would count as guesses are the first a guesser tries.
    """
    folded = _folded(password)
    joined = _SEPARATORS.sub("", folded)
    rest = joined
    for name in sorted({n for n in own if len(n) >= _OWN_WORD}, key=len, reverse=True):
        rest = rest.replace(name, "")
    if rest != joined or _ARABIC_LETTER.search(joined):
        return rest[:JUDGED_LENGTH]
    return folded[:JUDGED_LENGTH]


_DIGITS: Final = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)
_LETTERS: Final = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ـ": None}
    | dict.fromkeys(map(chr, range(0x064B, 0x0653)), None)  # the harakat, shadda, sukun
    | {"\u0670": None}  # a dagger alef
)
_SEPARATORS: Final = re.compile(r"[\s._\-]+")
_ARABIC_LETTER: Final = re.compile(r"[\u0620-\u064a]")


def _folded(text: str) -> str:
    """``text`` as a guesser tries it («أحمد ١٢٣٤» is «احمد 1234»).

    One case, Latin digits, one alef and one yeh, no harakat nor tatweel.
    """
    return unicodedata.normalize("NFKC", text).casefold().translate(_DIGITS).translate(_LETTERS)


def _joined(text: str) -> str:
    """``text`` folded, its words joined: no spaces, dots, dashes or underscores."""
    return _SEPARATORS.sub("", _folded(text))


_COMMON: Final = (*SITE_WORDS, *map(_joined, ARABIC_COMMON))
"""The words every password is judged against beside the account's own, as judged."""


def _seen(character: str) -> bool:
    """Whether ``character`` draws something: not a space, a control, a mark or a filler."""
    return unicodedata.category(character) not in _UNSEEN and character not in _FILLERS


RESET = "reset:"
"""What a password-reset link's digest is kept under, apart from e-mail verification's."""


class AccountExists(ValueError):
    """An account for this member or this e-mail is kept already (a twin request's, say)."""


@attrs.frozen
class Account:
    """Who may log in as which member."""

    member_id: str
    email: str
    is_admin: bool


@attrs.frozen
class Session:
    """A server-side session: whose it is and what it holds."""

    member_id: str | None
    data: dict[str, Any]


class Accounts(Protocol):
    """The host's store of accounts, sessions, tokens, verification links and limits."""

    clock: Callable[[], float]

    def close(self) -> None:
        """Release the connections."""

    def add(self, member_id: str, email: str, password: str, *, is_admin: bool = False) -> Account:
        """Keep a new member's credentials (:class:`AccountExists` if either is kept)."""

    def check(self, email: str, password: str) -> Account | None:
        """The account whose e-mail and password these are, or ``None``."""

    def get(self, member_id: str) -> Account | None:
        """A member's account, if they have one."""

    def holder(self, email: str) -> Account | None:
        """The account that holds ``email`` (case and spaces folded), if any."""

    def set_password(self, member_id: str, password: str) -> None:
        """Replace a member's password (a new salt, a new hash)."""

    def count(self) -> int:
        """How many accounts there are."""

    def count_sessions(self) -> int:
        """How many sessions are kept (live or not yet purged)."""

    def load_session(self, session_id: str) -> Session | None:
        """A live session, or ``None`` (unknown, ended or expired)."""

    def save_session(self, session_id: str, session: Session, lifetime: float) -> None:
        """Keep a new session for ``lifetime`` seconds from now."""

    def update_session(self, session_id: str, session: Session, lifetime: float) -> bool:
        """Change a live session and extend it; ``False`` (and nothing kept) if it ended.

        Never re-creates a session: a request that began before a log-out elsewhere, a
        password change or "sign out everywhere" cannot bring it back by saving late.
        """

    def end_session(self, session_id: str) -> None:
        """End one session (logging out)."""

    def end_sessions(self, member_id: str) -> int:
        """End every session of a member; how many there were."""

    def issue_token(self, member_id: str, lifetime: float) -> tuple[str, str]:
        """A new API token for a member: its public id and the token itself (shown once)."""

    def token_owner(self, token: str) -> Account | None:
        """The account of a live token, or ``None`` (unknown, revoked or expired)."""

    def revoke_token(self, member_id: str, token_id: str) -> bool:
        """Revoke one of a member's tokens; whether it was theirs and live."""

    def revoke_tokens(self, member_id: str) -> int:
        """Revoke every token of a member; how many there were."""

    def issue_verification(self, member_id: str, lifetime: float) -> str:
        """A new e-mail verification token for a member (to be mailed, never shown)."""

    def use_verification(self, token: str) -> str | None:
        """The member a live, unused verification token belongs to, using it up."""

    def issue_reset(self, member_id: str, lifetime: float) -> str:
        """A new password-reset token for a member (to be mailed, never shown)."""

    def use_reset(self, token: str) -> str | None:
        """The member a live, unused password-reset token belongs to, using it up.

        A verification token is no reset token, nor the other way round.
        """

    def reset_member(self, token: str) -> str | None:
        """The member of a live, unused password-reset token, leaving it unused."""

    def hit(self, key: str, expiry: float, amount: int = 1) -> int:
        """Count ``amount`` more in the window of ``key`` (opened for ``expiry`` s)."""

    def hits(self, key: str) -> int:
        """The count in the current window of ``key`` (0 when none is open)."""

    def window_end(self, key: str) -> float:
        """When the current window of ``key`` ends (now when none is open)."""

    def clear_limit(self, key: str) -> None:
        """Forget the window of ``key``."""

    def clear_limits(self) -> int:
        """Forget every window; how many there were."""

    def purge(self) -> int:
        """Delete what has expired (sessions, tokens, links, windows); how many rows."""


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _hash(password: str) -> bytes:
    """A new Argon2id hash (its salt and cost written in it); kept with an empty salt."""
    return _HASHER.hash(password).encode()


def _new_credentials(email: str, password: str) -> tuple[str, bytes, bytes]:
    return email.strip().lower(), b"", _hash(password)


@functools.cache
def _unknown() -> str:
    """A hash of no account's: checked when an e-mail is unknown, so it costs the same."""
    return _HASHER.hash(secrets.token_urlsafe(16))


def _verified(password: str, salt: bytes, kept: bytes) -> tuple[bool, bytes | None]:
    """Whether ``password`` is the one ``kept`` hashes, and the hash to keep instead.

    The second is ``None`` unless the password matches a scrypt hash or an Argon2id one below
    today's cost.
    """
    if not kept.startswith(b"$argon2"):  # a scrypt hash of before, its salt in its column
        digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_LEGACY_SCRYPT)
        if not hmac.compare_digest(kept, digest):
            return False, None
        return True, _hash(password)
    text = kept.decode()
    try:
        _HASHER.verify(text, password)
    except (VerificationError, InvalidHashError):
        return False, None
    return True, (_hash(password) if _HASHER.check_needs_rehash(text) else None)


def _refuse_unknown(password: str) -> None:
    """The work of a check for an e-mail no account holds: nothing tells the two apart."""
    _verified(password, b"", _unknown().encode())


def _split_token(token: str) -> tuple[str, str] | None:
    token_id, dot, secret = token.partition(".")
    if not dot or not token_id or not secret or len(token) > 200:  # noqa: PLR2004
        return None
    return token_id, secret


# --- memory ---------------------------------------------------------------------------------


class _Links:
    """The single-use links of a store, each kind kept under its purpose.

    A store's ``_issue_link`` and ``_use_link`` serve both kinds: a verification token is no
    reset token, nor the reverse.
    """

    def _issue_link(self, purpose: str, member_id: str, lifetime: float) -> str:
        raise NotImplementedError

    def _use_link(self, purpose: str, token: str) -> str | None:
        raise NotImplementedError

    def issue_verification(self, member_id: str, lifetime: float) -> str:
        """A new e-mail verification token."""
        return self._issue_link("", member_id, lifetime)

    def use_verification(self, token: str) -> str | None:
        """The member of a live, unused verification token, using it up."""
        return self._use_link("", token)

    def issue_reset(self, member_id: str, lifetime: float) -> str:
        """A new password-reset token (kept with the verification links, by its purpose)."""
        return self._issue_link(RESET, member_id, lifetime)

    def use_reset(self, token: str) -> str | None:
        """The member of a live, unused password-reset token, using it up."""
        return self._use_link(RESET, token)


class MemoryAccounts(_Links):
    """The store in this process's memory: for tests (nothing survives, nothing is shared)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._accounts: dict[str, tuple[Account, bytes, bytes]] = {}
        self._sessions: dict[str, tuple[Session, float]] = {}
        self._tokens: dict[str, tuple[str, str, float]] = {}
        self._links: dict[str, tuple[str, float, bool]] = {}
        self._windows: dict[str, tuple[int, float]] = {}

    def close(self) -> None:
        """Nothing to release."""

    def add(self, member_id: str, email: str, password: str, *, is_admin: bool = False) -> Account:
        """Keep a new member's credentials."""
        email, salt, hashed = _new_credentials(email, password)
        with self._lock:
            if member_id in self._accounts or any(
                a.email == email for a, _s, _h in self._accounts.values()
            ):
                raise AccountExists(email)
            account = Account(member_id, email, is_admin)
            self._accounts[member_id] = (account, salt, hashed)
        return account

    def check(self, email: str, password: str) -> Account | None:
        """The account whose e-mail and password these are, or ``None``."""
        wanted = email.strip().lower()
        found = next((row for row in self._accounts.values() if row[0].email == wanted), None)
        if found is None:
            _refuse_unknown(password)
            return None
        account, salt, hashed = found
        matches, rehashed = _verified(password, salt, hashed)
        if not matches:
            return None
        if rehashed is not None:
            with self._lock:  # unless the password changed meanwhile
                if self._accounts.get(account.member_id) == found:
                    self._accounts[account.member_id] = (account, b"", rehashed)
        return account

    def get(self, member_id: str) -> Account | None:
        """A member's account, if they have one."""
        row = self._accounts.get(member_id)
        return None if row is None else row[0]

    def holder(self, email: str) -> Account | None:
        """The account that holds ``email`` (case and spaces folded), if any."""
        wanted = email.strip().lower()
        return next((a for a, _s, _h in self._accounts.values() if a.email == wanted), None)

    def set_password(self, member_id: str, password: str) -> None:
        """Replace a member's password; their reset links still out stop working."""
        account = self._accounts[member_id][0]
        _email, salt, hashed = _new_credentials(account.email, password)
        with self._lock:
            self._accounts[member_id] = (account, salt, hashed)
            for key in [k for k, row in self._links.items() if row[0] == member_id]:
                if key.startswith(RESET):
                    del self._links[key]

    def count(self) -> int:
        """How many accounts there are."""
        return len(self._accounts)

    def count_sessions(self) -> int:
        """How many sessions are kept."""
        return len(self._sessions)

    def load_session(self, session_id: str) -> Session | None:
        """A live session, or ``None``."""
        row = self._sessions.get(_digest(session_id))
        if row is None or row[1] <= self.clock():
            return None
        return Session(row[0].member_id, json.loads(json.dumps(row[0].data)))

    def save_session(self, session_id: str, session: Session, lifetime: float) -> None:
        """Keep a new session for ``lifetime`` seconds from now."""
        self._sessions[_digest(session_id)] = (session, self.clock() + lifetime)

    def update_session(self, session_id: str, session: Session, lifetime: float) -> bool:
        """Change a live session; ``False`` if it ended."""
        with self._lock:
            key = _digest(session_id)
            row = self._sessions.get(key)
            if row is None or row[1] <= self.clock():
                return False
            self._sessions[key] = (session, self.clock() + lifetime)
            return True

    def end_session(self, session_id: str) -> None:
        """End one session."""
        self._sessions.pop(_digest(session_id), None)

    def end_sessions(self, member_id: str) -> int:
        """End every session of a member."""
        with self._lock:
            ended = [k for k, (s, _e) in self._sessions.items() if s.member_id == member_id]
            for key in ended:
                del self._sessions[key]
        return len(ended)

    def issue_token(self, member_id: str, lifetime: float) -> tuple[str, str]:
        """A new API token: its id and the token itself."""
        token_id, secret = secrets.token_urlsafe(9), secrets.token_urlsafe(32)
        self._tokens[token_id] = (member_id, _digest(secret), self.clock() + lifetime)
        return token_id, f"{token_id}.{secret}"

    def token_owner(self, token: str) -> Account | None:
        """The account of a live token, or ``None``."""
        parts = _split_token(token)
        row = self._tokens.get(parts[0]) if parts else None
        if parts is None or row is None or row[2] <= self.clock():
            return None
        if not hmac.compare_digest(row[1], _digest(parts[1])):
            return None
        return self.get(row[0])

    def revoke_token(self, member_id: str, token_id: str) -> bool:
        """Revoke one of a member's tokens."""
        with self._lock:
            row = self._tokens.get(token_id)
            if row is None or row[0] != member_id or row[2] <= self.clock():
                return False
            del self._tokens[token_id]
        return True

    def revoke_tokens(self, member_id: str) -> int:
        """Revoke every token of a member."""
        with self._lock:
            gone = [k for k, (owner, _d, _e) in self._tokens.items() if owner == member_id]
            for key in gone:
                del self._tokens[key]
        return len(gone)

    def reset_member(self, token: str) -> str | None:
        """The member of a live, unused password-reset token, leaving it unused."""
        row = self._live_link(RESET + _digest(token))
        return None if row is None else row[0]

    def _live_link(self, key: str) -> tuple[str, float, bool] | None:
        """The link kept under ``key`` if it is live and unused."""
        row = self._links.get(key)
        return None if row is None or row[2] or row[1] <= self.clock() else row

    def _issue_link(self, purpose: str, member_id: str, lifetime: float) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:  # set_password walks the links under it
            self._links[purpose + _digest(token)] = (member_id, self.clock() + lifetime, False)
        return token

    def _use_link(self, purpose: str, token: str) -> str | None:
        key = purpose + _digest(token)
        with self._lock:
            row = self._live_link(key)
            if row is None:
                return None
            self._links[key] = (row[0], row[1], True)
        return row[0]

    def hit(self, key: str, expiry: float, amount: int = 1) -> int:
        """Count more in the window of ``key``."""
        with self._lock:
            now = self.clock()
            count, ends = self._windows.get(key, (0, now))
            if ends <= now:
                count, ends = 0, now + expiry
            self._windows[key] = (count + amount, ends)
            return count + amount

    def hits(self, key: str) -> int:
        """The count in the current window of ``key``."""
        count, ends = self._windows.get(key, (0, 0.0))
        return count if ends > self.clock() else 0

    def window_end(self, key: str) -> float:
        """When the current window of ``key`` ends."""
        now = self.clock()
        return max(self._windows.get(key, (0, now))[1], now)

    def clear_limit(self, key: str) -> None:
        """Forget the window of ``key``."""
        self._windows.pop(key, None)

    def clear_limits(self) -> int:
        """Forget every window."""
        count = len(self._windows)
        self._windows.clear()
        return count

    def purge(self) -> int:
        """Delete what has expired."""
        now = self.clock()
        with self._lock:
            sessions = [k for k, (_s, ends) in self._sessions.items() if ends <= now]
            tokens = [k for k, (_m, _d, ends) in self._tokens.items() if ends <= now]
            links = [k for k, (_m, ends, _u) in self._links.items() if ends <= now]
            windows = [k for k, (_c, ends) in self._windows.items() if ends <= now]
            for key in sessions:
                del self._sessions[key]
            for key in tokens:
                del self._tokens[key]
            for key in links:
                del self._links[key]
            for key in windows:
                del self._windows[key]
        return len(sessions) + len(tokens) + len(links) + len(windows)


# --- SQL: SQLite and PostgreSQL -------------------------------------------------------------

_TABLES = (
    (
        "CREATE TABLE IF NOT EXISTS {p}web_accounts (member_id TEXT PRIMARY KEY,"
        " email TEXT NOT NULL UNIQUE, salt {blob} NOT NULL, hash {blob} NOT NULL,"
        " is_admin BOOLEAN NOT NULL DEFAULT FALSE)"
    ),
    (
        "CREATE TABLE IF NOT EXISTS {p}web_sessions (digest TEXT PRIMARY KEY, member_id TEXT,"
        " data TEXT NOT NULL, expires_at DOUBLE PRECISION NOT NULL)"
    ),
    "CREATE INDEX IF NOT EXISTS web_sessions_member ON {p}web_sessions (member_id)",
    (
        "CREATE TABLE IF NOT EXISTS {p}web_tokens (token_id TEXT PRIMARY KEY,"
        " member_id TEXT NOT NULL, digest TEXT NOT NULL, expires_at DOUBLE PRECISION NOT NULL)"
    ),
    (
        "CREATE TABLE IF NOT EXISTS {p}web_verifications (digest TEXT PRIMARY KEY,"
        " member_id TEXT NOT NULL, expires_at DOUBLE PRECISION NOT NULL,"
        " used BOOLEAN NOT NULL DEFAULT FALSE)"
    ),
    (
        "CREATE TABLE IF NOT EXISTS {p}web_limits (key TEXT PRIMARY KEY, count BIGINT NOT NULL,"
        " expires_at DOUBLE PRECISION NOT NULL)"
    ),
)
_EXPIRING = ("web_sessions", "web_tokens", "web_verifications", "web_limits")


class SqlAccounts(_Links):
    """The store in SQL tables beside the marketplace's own: SQLite or PostgreSQL.

    SQLite: one connection per thread on the marketplace's file (WAL, a busy timeout), each
    statement its own transaction. PostgreSQL: a small psycopg pool, the tables in the
    schema ``microgigs_web``, created under an advisory lock so that workers starting
    together do not race.
    """

    def __init__(self, target: str, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._target = target
        self._postgres = target.startswith(("postgresql://", "postgres://"))
        self._idle: queue.LifoQueue[sqlite3.Connection] = queue.LifoQueue()
        self._made = 0
        self._making = threading.Lock()
        self._pool: Any = None
        if self._postgres:
            from psycopg_pool import ConnectionPool  # noqa: PLC0415 (only for PostgreSQL)

            self._pool = ConnectionPool(
                target, min_size=1, max_size=POOL_SIZE, open=True, kwargs={"autocommit": True}
            )
            prefix, blob = f"{SCHEMA}.", "BYTEA"
            with self._pool.connection() as db, db.transaction():
                db.execute("SELECT pg_advisory_xact_lock(hashtext('microgigs_web'))")
                db.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
                for statement in _TABLES:
                    db.execute(statement.format(p=prefix, blob=blob))
        else:
            with self._transaction() as db:
                for statement in _TABLES:
                    db.execute(statement.format(p="", blob="BLOB"))

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """A connection of the SQLite pool: at most ``POOL_SIZE``, shared by every thread.

        Threads come and go with requests (a threaded server starts one for each): a
        connection kept per thread would hold its files for good (SECURITY.md: resources
        are bounded), so a request borrows one and gives it back.
        """
        try:
            db = self._idle.get_nowait()
        except queue.Empty:
            with self._making:
                make = self._made < POOL_SIZE
                self._made += make
            if make:
                try:
                    db = self._open_sqlite()
                except BaseException:
                    with self._making:  # the place is free again for the next to try
                        self._made -= 1
                    raise
            else:
                db = self._idle.get(timeout=30)
        try:
            yield db
        finally:
            if db.in_transaction:  # a COMMIT that failed: nothing half-done goes back
                db.rollback()
            self._idle.put(db)

    def _open_sqlite(self) -> sqlite3.Connection:
        db = sqlite3.connect(self._target, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA busy_timeout = 10000")
        db.execute("PRAGMA journal_mode = WAL")
        return db

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        """A connection inside one transaction, committed on success."""
        if self._postgres:
            with self._pool.connection() as db, db.transaction():
                yield db
            return
        with self._connection() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def _sql(self, statement: str) -> str:
        if self._postgres:
            return statement.replace("?", "%s").replace(" web_", f" {SCHEMA}.web_")
        return statement

    def _run(self, statement: str, args: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        if self._postgres:
            with self._pool.connection() as db:
                return list(db.execute(self._sql(statement), args).fetchall())
        with self._connection() as db:
            return db.execute(statement, args).fetchall()

    def _count(self, statement: str, args: tuple[object, ...]) -> int:
        with self._transaction() as db:
            return int(db.execute(self._sql(statement), args).rowcount)

    def close(self) -> None:
        """Close the pool (PostgreSQL) or every thread's connection (SQLite)."""
        if self._pool is not None:
            self._pool.close()
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                break

    def add(self, member_id: str, email: str, password: str, *, is_admin: bool = False) -> Account:
        """Keep a new member's credentials."""
        email, salt, hashed = _new_credentials(email, password)
        added = self._count(
            "INSERT INTO web_accounts (member_id, email, salt, hash, is_admin)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (member_id, email, salt, hashed, is_admin),
        )
        if not added:  # the member's or the e-mail's account was kept a moment ago
            raise AccountExists(email)
        return Account(member_id, email, is_admin)

    def check(self, email: str, password: str) -> Account | None:
        """The account whose e-mail and password these are, or ``None``."""
        rows = self._run(
            "SELECT member_id, email, salt, hash, is_admin FROM web_accounts WHERE email = ?",
            (email.strip().lower(),),
        )
        if not rows:
            _refuse_unknown(password)
            return None
        member_id, stored_email, salt, stored, is_admin = rows[0]
        matches, rehashed = _verified(password, bytes(salt), bytes(stored))
        if not matches:
            return None
        if rehashed is not None:  # unless the password changed meanwhile
            self._count(
                "UPDATE web_accounts SET salt = ?, hash = ? WHERE member_id = ? AND hash = ?",
                (b"", rehashed, member_id, bytes(stored)),
            )
        return Account(member_id, stored_email, bool(is_admin))

    def get(self, member_id: str) -> Account | None:
        """A member's account, if they have one."""
        rows = self._run(
            "SELECT member_id, email, is_admin FROM web_accounts WHERE member_id = ?", (member_id,)
        )
        return Account(rows[0][0], rows[0][1], bool(rows[0][2])) if rows else None

    def holder(self, email: str) -> Account | None:
        """The account that holds ``email`` (case and spaces folded), if any."""
        rows = self._run(
            "SELECT member_id, email, is_admin FROM web_accounts WHERE email = ?",
            (email.strip().lower(),),
        )
        return Account(rows[0][0], rows[0][1], bool(rows[0][2])) if rows else None

    def set_password(self, member_id: str, password: str) -> None:
        """Replace a member's password; their reset links still out stop working."""
        _email, salt, hashed = _new_credentials("", password)
        with self._transaction() as db:  # the password and its links change together
            db.execute(
                self._sql("UPDATE web_accounts SET salt = ?, hash = ? WHERE member_id = ?"),
                (salt, hashed, member_id),
            )
            db.execute(
                self._sql("DELETE FROM web_verifications WHERE member_id = ? AND digest LIKE ?"),
                (member_id, RESET + "%"),
            )

    def count(self) -> int:
        """How many accounts there are."""
        return int(self._run("SELECT count(*) FROM web_accounts")[0][0])

    def count_sessions(self) -> int:
        """How many sessions are kept."""
        return int(self._run("SELECT count(*) FROM web_sessions")[0][0])

    def load_session(self, session_id: str) -> Session | None:
        """A live session, or ``None``."""
        rows = self._run(
            "SELECT member_id, data FROM web_sessions WHERE digest = ? AND expires_at > ?",
            (_digest(session_id), self.clock()),
        )
        return Session(rows[0][0], json.loads(rows[0][1])) if rows else None

    def save_session(self, session_id: str, session: Session, lifetime: float) -> None:
        """Keep a new session for ``lifetime`` seconds from now."""
        self._count(
            "INSERT INTO web_sessions VALUES (?, ?, ?, ?)",
            (
                _digest(session_id),
                session.member_id,
                json.dumps(session.data, ensure_ascii=False),
                self.clock() + lifetime,
            ),
        )

    def update_session(self, session_id: str, session: Session, lifetime: float) -> bool:
        """Change a live session; ``False`` if it ended (an UPDATE: it never re-creates)."""
        now = self.clock()
        changed = self._count(
            "UPDATE web_sessions SET member_id = ?, data = ?, expires_at = ?"
            " WHERE digest = ? AND expires_at > ?",
            (
                session.member_id,
                json.dumps(session.data, ensure_ascii=False),
                now + lifetime,
                _digest(session_id),
                now,
            ),
        )
        return changed > 0

    def end_session(self, session_id: str) -> None:
        """End one session."""
        self._count("DELETE FROM web_sessions WHERE digest = ?", (_digest(session_id),))

    def end_sessions(self, member_id: str) -> int:
        """End every session of a member."""
        return self._count("DELETE FROM web_sessions WHERE member_id = ?", (member_id,))

    def issue_token(self, member_id: str, lifetime: float) -> tuple[str, str]:
        """A new API token: its id and the token itself."""
        token_id, secret = secrets.token_urlsafe(9), secrets.token_urlsafe(32)
        self._count(
            "INSERT INTO web_tokens VALUES (?, ?, ?, ?)",
            (token_id, member_id, _digest(secret), self.clock() + lifetime),
        )
        return token_id, f"{token_id}.{secret}"

    def token_owner(self, token: str) -> Account | None:
        """The account of a live token, or ``None``."""
        parts = _split_token(token)
        if parts is None:
            return None
        rows = self._run(
            "SELECT a.member_id, a.email, a.is_admin, t.digest FROM web_tokens t"
            " JOIN web_accounts a ON a.member_id = t.member_id"
            " WHERE t.token_id = ? AND t.expires_at > ?",
            (parts[0], self.clock()),
        )
        if not rows or not hmac.compare_digest(rows[0][3], _digest(parts[1])):
            return None
        return Account(rows[0][0], rows[0][1], bool(rows[0][2]))

    def revoke_token(self, member_id: str, token_id: str) -> bool:
        """Revoke one of a member's tokens."""
        revoked = self._count(
            "DELETE FROM web_tokens WHERE token_id = ? AND member_id = ? AND expires_at > ?",
            (token_id, member_id, self.clock()),
        )
        return revoked == 1

    def revoke_tokens(self, member_id: str) -> int:
        """Revoke every token of a member."""
        return self._count("DELETE FROM web_tokens WHERE member_id = ?", (member_id,))

    def reset_member(self, token: str) -> str | None:
        """The member of a live, unused password-reset token, leaving it unused."""
        rows = self._run(
            "SELECT member_id FROM web_verifications"
            " WHERE digest = ? AND NOT used AND expires_at > ?",
            (RESET + _digest(token), self.clock()),
        )
        return str(rows[0][0]) if rows else None

    def _issue_link(self, purpose: str, member_id: str, lifetime: float) -> str:
        token = secrets.token_urlsafe(32)
        self._count(
            "INSERT INTO web_verifications (digest, member_id, expires_at) VALUES (?, ?, ?)",
            (purpose + _digest(token), member_id, self.clock() + lifetime),
        )
        return token

    def _use_link(self, purpose: str, token: str) -> str | None:
        with self._transaction() as db:
            row = db.execute(
                self._sql(
                    "UPDATE web_verifications SET used = TRUE"
                    " WHERE digest = ? AND NOT used AND expires_at > ? RETURNING member_id"
                ),
                (purpose + _digest(token), self.clock()),
            ).fetchone()
        return None if row is None else str(row[0])

    def hit(self, key: str, expiry: float, amount: int = 1) -> int:
        """Count more in the window of ``key``: one upsert, so workers never lose a count."""
        now = self.clock()
        with self._transaction() as db:
            row = db.execute(
                self._sql(
                    "INSERT INTO web_limits AS l VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET"
                    " count = CASE WHEN l.expires_at <= ? THEN excluded.count"
                    " ELSE l.count + excluded.count END,"
                    " expires_at = CASE WHEN l.expires_at <= ? THEN excluded.expires_at"
                    " ELSE l.expires_at END RETURNING count"
                ),
                (key, amount, now + expiry, now, now),
            ).fetchone()
        return int(row[0])

    def hits(self, key: str) -> int:
        """The count in the current window of ``key``."""
        rows = self._run(
            "SELECT count FROM web_limits WHERE key = ? AND expires_at > ?", (key, self.clock())
        )
        return int(rows[0][0]) if rows else 0

    def window_end(self, key: str) -> float:
        """When the current window of ``key`` ends."""
        now = self.clock()
        rows = self._run(
            "SELECT expires_at FROM web_limits WHERE key = ? AND expires_at > ?", (key, now)
        )
        return float(rows[0][0]) if rows else now

    def clear_limit(self, key: str) -> None:
        """Forget the window of ``key``."""
        self._count("DELETE FROM web_limits WHERE key = ?", (key,))

    def clear_limits(self) -> int:
        """Forget every window."""
        return self._count("DELETE FROM web_limits", ())

    def purge(self) -> int:
        """Delete what has expired."""
        now = self.clock()
        return sum(
            self._count(f"DELETE FROM {table} WHERE expires_at <= ?", (now,))  # noqa: S608 (fixed names)
            for table in _EXPIRING
        )


def open_accounts(target: str) -> Accounts:
    """The store beside the marketplace at ``target``: the same SQLite file, or PostgreSQL.

    A marketplace in memory (``":memory:"``) gets its store in memory too.
    """
    if target == ":memory:":
        return MemoryAccounts()
    if not target.startswith(("postgresql://", "postgres://")):
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    return SqlAccounts(target)


try:
    import psycopg

    _DRIVER_ERRORS: tuple[type[Exception], ...] = (psycopg.Error,)
except ImportError:  # PostgreSQL is an extra
    _DRIVER_ERRORS = ()


# --- Flask-Limiter's storage ----------------------------------------------------------------


class LimitStorage(limit_counters.Storage):
    """Flask-Limiter's counters in the host's store, so every worker counts together.

    Registered with ``limits`` under the scheme ``microgigs://``; Flask-Limiter builds it
    from ``storage_uri="microgigs://"`` and ``storage_options={"accounts": store}``. It
    serves the fixed-window strategy (one row per limit and key).
    """

    STORAGE_SCHEME = ["microgigs"]  # noqa: RUF012 (the limits library's own class attribute)

    def __init__(
        self,
        uri: str | None = None,
        wrap_exceptions: bool = False,  # noqa: FBT001, FBT002 (the limits library's signature)
        **options: Any,  # noqa: ANN401 (the limits library's signature)
    ) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self.accounts: Accounts = options["accounts"]

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        """What the store may raise (its driver's errors)."""
        return (sqlite3.Error, OSError, *_DRIVER_ERRORS)

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        """Count one more hit of ``key``."""
        return self.accounts.hit(key, expiry, amount)

    def get(self, key: str) -> int:
        """The hits of ``key`` in its window."""
        return self.accounts.hits(key)

    def get_expiry(self, key: str) -> float:
        """When ``key``'s window ends."""
        return self.accounts.window_end(key)

    def check(self) -> bool:
        """Whether the store answers."""
        try:
            self.accounts.hits("-")
        except self.base_exceptions:  # type: ignore[misc]
            return False
        return True

    def reset(self) -> int | None:
        """Forget every limit."""
        return self.accounts.clear_limits()

    def clear(self, key: str) -> None:
        """Forget one limit."""
        self.accounts.clear_limit(key)

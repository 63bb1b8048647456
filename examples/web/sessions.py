"""Server-side sessions for the web host: the cookie holds a signed id, the store the rest.

Flask's default session is a signed cookie holding the data itself: it cannot be ended
server side (a copied cookie works after logging out) and needs every worker to share the
key it was signed with. :class:`ServerSessions` keeps each session in the host's store
(``accounts.py``) under the SHA-256 of a random id; the cookie carries the id, signed with
the app's key (``MICROGIGS_SECRET_KEY``, :func:`secret_key`). Logging in and out renews
the id and ends the old session (no fixation, no replay). A visitor, not logged in, has no
row: their language and CSRF token ride in their cookie, signed and dated.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Callable
from typing import Any

from accounts import Accounts, Session
from flask import Flask, Response
from flask.sessions import SecureCookieSession, SessionInterface
from itsdangerous import BadSignature, Signer, TimestampSigner, URLSafeTimedSerializer
from werkzeug.wrappers import Request

log = logging.getLogger("microgigs.web")
SESSION_AGE = 12 * 3600
"""Seconds a member's session lives from its log-in, however busy (ASVS 3.3.2, level 2):
then the member logs in again. Logging out ends it at once."""
LOGGED_IN_AT = "since"
"""The session's field holding when its member logged in (the store's clock, seconds)."""
VISITOR_AGE = 24 * 3600
"""Seconds a visitor's session (language, CSRF token, a form's echo) lives after its last
change. A visitor's session is kept in their cookie, signed, not in the store: a crawler that
keeps no cookie writes no rows, however many pages it asks for."""
VISITOR_COOKIE_MAX = 3000
"""Bytes a visitor's cookie may take (browsers keep 4,096 a cookie): a longer form's echo is
dropped (the visitor types it again), what the visitor chose is kept."""
_VISITOR = "v."
"""How a visitor's cookie begins; a member's is a signed id, whose letters hold no dot."""


SECRET_KEY_LENGTH = 32
"""The fewest characters ``MICROGIGS_SECRET_KEY`` may have (``token_hex(32)`` gives 64)."""


def secret_key(*, demo: bool) -> str:
    """``$MICROGIGS_SECRET_KEY``; a random key (and a loud warning) only for a demo."""
    given = os.environ.get("MICROGIGS_SECRET_KEY", "")
    if given and len(given) < SECRET_KEY_LENGTH:  # a short key's signatures can be guessed
        message = (
            f"MICROGIGS_SECRET_KEY is too short: at least {SECRET_KEY_LENGTH} characters "
            "(python -c 'import secrets; print(secrets.token_hex(32))')"
        )
        raise RuntimeError(message)
    if given:
        return given
    if not demo:
        message = (
            "MICROGIGS_SECRET_KEY is not set: every worker and every restart must sign "
            "sessions with the same key (python -c 'import secrets; print(secrets.token_hex(32))')"
        )
        raise RuntimeError(message)
    log.warning(
        "!!! MICROGIGS_SECRET_KEY is not set: this demo signs sessions with a random key; "
        "a restart logs everyone out and two workers do not share log-ins. Never so in "
        "production !!!"
    )
    return secrets.token_hex(32)


class ServerSession(SecureCookieSession):
    """A session whose data lives in the host's store; the cookie holds its signed id."""

    def __init__(self, initial: dict[str, Any] | None = None, sid: str | None = None) -> None:
        super().__init__(initial)
        self.sid = sid
        self.ended: list[str] = []

    def renew(self) -> None:
        """A new id for this session (at log-in and log-out): the old one ends server side."""
        if self.sid is not None:
            self.ended.append(self.sid)
        self.sid = None
        self.modified = True


CLOCK_LEEWAY = 60
"""Seconds a visitor's cookie is dated back: workers whose clocks differ by up to this much
(machines behind one load balancer) all read it, where itsdangerous refuses any cookie
dated after its own now. It then lives ``VISITOR_AGE`` less this."""


class _DatedSigner(TimestampSigner):
    """itsdangerous' timestamps, read from the host's clock (a test moves it).

    A cookie it signs is dated ``CLOCK_LEEWAY`` back.
    """

    def __init__(self, *args: Any, clock: Callable[[], float], **kwargs: Any) -> None:  # noqa: ANN401 (itsdangerous' own)
        super().__init__(*args, **kwargs)
        self.clock = clock
        self.signing = False

    def get_timestamp(self) -> int:
        return int(self.clock()) - (CLOCK_LEEWAY if self.signing else 0)

    def sign(self, value: str | bytes) -> bytes:
        self.signing = True
        try:
            return super().sign(value)
        finally:
            self.signing = False


ENDING_SOON = 20 * 60
"""Seconds before a member's session ends from which every page says when it ends."""


def ends_at(data: Any, now: float) -> float | None:  # noqa: ANN401 (a session's mapping)
    """When a member's session ends, if within ``ENDING_SOON`` seconds (else ``None``)."""
    left = _left(data, now)
    return now + left if data.get("member") and 0 < left <= ENDING_SOON else None


def _left(data: Any, now: float) -> int:  # noqa: ANN401 (a session's mapping)
    """Seconds a member's session has left of ``SESSION_AGE`` from its log-in."""
    since = data.get(LOGGED_IN_AT)
    if not isinstance(since, int | float):
        return 0  # a session from before the log-in time was kept: log in again
    return int(since + SESSION_AGE - now)


class ServerSessions(SessionInterface):
    """Members' sessions kept in the host's store, shared by every worker, ended by logging out.

    A member's cookie carries a random id, signed with the app's key; the store keeps the
    data under the id's SHA-256 with an expiry. A session ended (logout, :meth:`renew`) is
    deleted, so its cookie is worth nothing afterwards. A visitor's session (no member) is
    the cookie itself, signed and dated (``v.`` and itsdangerous' timed serializer): nothing
    to end, nothing kept server side, so pages asked for without a cookie cost no rows
    (OWASP's session management: no server state before authentication).
    """

    def _signer(self, app: Flask) -> Signer:
        return Signer(app.secret_key or "", salt="microgigs-session")

    def _visitor_codec(self, app: Flask) -> URLSafeTimedSerializer:
        clock = app.extensions["host"].accounts.clock
        return URLSafeTimedSerializer(
            app.secret_key or "",
            salt="microgigs-visitor",
            signer=_DatedSigner,
            signer_kwargs={"clock": clock},
        )

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        """The session the request's cookie names, or a new, empty one."""
        cookie = request.cookies.get(self.get_cookie_name(app), "")
        if cookie.startswith(_VISITOR):
            try:
                data = self._visitor_codec(app).loads(cookie[2:], max_age=VISITOR_AGE)
            except BadSignature:  # a forged one, or older than a day (SignatureExpired)
                return ServerSession()
            return ServerSession(data if isinstance(data, dict) else None)
        if cookie:
            try:
                sid = self._signer(app).unsign(cookie).decode()
            except BadSignature:
                return ServerSession()
            store = app.extensions["host"].accounts
            found = store.load_session(sid)
            if found is not None and _left(found.data, store.clock()) > 0:
                return ServerSession(found.data, sid)
            if found is not None:  # past its 12 hours (or from before they were counted)
                store.end_session(sid)
                lang = found.data.get("lang")
                kept = ServerSession({"lang": lang} if lang else None)
                kept.modified = True  # a visitor's cookie replaces the dead one, language kept
                return kept
        return ServerSession()

    def save_session(self, app: Flask, session: Any, response: Response) -> None:  # noqa: ANN401 (Flask's signature)
        """Keep a changed session, end ended ones, and set or delete the cookie."""
        store: Accounts = app.extensions["host"].accounts
        for sid in session.ended:
            store.end_session(sid)
        name, domain, path = (
            self.get_cookie_name(app),
            self.get_cookie_domain(app),
            self.get_cookie_path(app),
        )
        if session.accessed:  # the page depends on who reads it, changed or not (as Flask's)
            response.vary.add("Cookie")
        if not session:
            if session.sid is not None:
                store.end_session(session.sid)
            if session.sid is not None or session.ended:
                response.delete_cookie(name, domain=domain, path=path)
            return
        if not session.modified:
            return
        member = session.get("member")
        if not member:
            if session.sid is not None:  # a visitor's row from before visitors kept none
                store.end_session(session.sid)
                session.sid = None
            value = _VISITOR + self._visitor_cookie(app, dict(session))
            age = VISITOR_AGE
        else:
            age = _left(session, store.clock())  # what is left of its 12 hours, never more
            if not self._kept(store, session, age):
                response.delete_cookie(name, domain=domain, path=path)
                return
            value = self._signer(app).sign(session.sid).decode()
        response.set_cookie(
            name,
            value,
            max_age=age,
            httponly=True,
            samesite=self.get_cookie_samesite(app),
            secure=self.get_cookie_secure(app),
            domain=domain,
            path=path,
        )
        response.vary.add("Cookie")

    @staticmethod
    def _kept(store: Accounts, session: ServerSession, age: int) -> bool:
        """Keep a member's session for ``age`` more seconds; ``False`` if it has ended.

        Past its 12 hours it ends; one ended while this request ran (a log-out elsewhere, a
        password change, "sign out everywhere") stays ended.
        """
        if age <= 0:
            if session.sid is not None:
                store.end_session(session.sid)
            return False
        kept = Session(session["member"], dict(session))
        if session.sid is None:
            session.sid = secrets.token_urlsafe(32)
            store.save_session(session.sid, kept, age)
            return True
        return store.update_session(session.sid, kept, age)

    def _visitor_cookie(self, app: Flask, data: dict[str, Any]) -> str:
        """A visitor's data, signed; a form's echo dropped if it would make it too long."""
        codec = self._visitor_codec(app)
        value = codec.dumps(data)
        if len(value) > VISITOR_COOKIE_MAX:
            data.pop("typed", None)
            value = codec.dumps(data)
        if len(value) > VISITOR_COOKIE_MAX:  # only what the visitor chose and their token
            value = codec.dumps({k: data[k] for k in ("lang", "csrf") if k in data})
        return value

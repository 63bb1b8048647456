"""Rate limits of the web host: log-in per account and per address, registration per address.

Flask-Limiter does the limiting; its counts live in the host's store (``microgigs://``,
:class:`accounts.LimitStorage`), so every worker and machine counts together. Each limit
is a setting of the app (``LIMITS``), read at each request.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from http import HTTPStatus
from typing import Final

from accounts import Accounts, LimitStorage
from api import TOKEN_BODY_LIMIT, token_account
from devices import trusted_device
from flask import Flask, Response, current_app, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

LIMITS: Final = {
    "LOGIN_ACCOUNT_LIMIT": "5 per minute;20 per hour",
    "LOGIN_ATTEMPT_LIMIT": "10 per minute",
    "LOGIN_ADDRESS_LIMIT": "30 per minute;300 per hour",
    "REGISTER_LIMIT": "10 per hour",
    "REGISTER_REFUSED_LIMIT": "100 per hour",
    "RESET_LIMIT": "3 per hour",
    "WRITE_LIMIT": "60 per minute;2000 per day",
    "UPLOAD_LIMIT": "500 per day",
}
"""Rate limits (Flask-Limiter's notation), each a setting of the app: failed log-ins per
account, every log-in attempt per account (counted as it comes, before its password is
checked: guesses sent at once are bounded by it, where failures are counted after), log-in
attempts per address, registrations made (and links sent again) per
address, refused registration forms per address (far more: a person retrying a form
is never locked out by their own mistakes), password-reset links mailed per account, and
what one signed-in member sends (every form and API write but logging out), on the site
and the API together: no script writes a conversation full as fast as it can; and the
megabytes of files one signed-in member sends in a day (each form with files counts its
size, a megabyte at least): no member fills the disk through one new contract after
another, each with its own room."""


def limit(app: Flask, accounts: Accounts) -> None:
    """Rate limits on log-in (per account and per address) and registration (per address).

    Flask-Limiter counts in the host's store (``microgigs://``, :class:`LimitStorage`), so
    every worker and machine counts together. Only failed log-ins count against an account,
    so its owner is not locked out by their own successes.
    """
    limiter = Limiter(
        _address_key,
        app=app,
        storage_uri=f"{LimitStorage.STORAGE_SCHEME[0]}://",
        storage_options={"accounts": accounts},  # type: ignore[dict-item]
        strategy="fixed-window",
        default_limits=[],
    )
    app.extensions["microgigs.limiter"] = limiter  # the decorators hold it weakly

    def setting(name: str) -> Callable[[], str]:
        return lambda: str(current_app.config[name])

    def failed(answer: Response) -> bool:  # a page that redirects says so in g
        return answer.status_code == HTTPStatus.UNAUTHORIZED or g.get("wrong_password", False)

    # the site's form and the API's token share each count: one is no way around the other
    per_account = limiter.shared_limit(
        setting("LOGIN_ACCOUNT_LIMIT"),
        "login-account",
        key_func=_account_key,
        methods=["POST"],
        deduct_when=failed,
    )
    # every attempt, counted before the password is checked (a hostile review: 40 guesses
    # sent at once all passed the failures' count, which is made after the check)
    attempts = limiter.shared_limit(
        setting("LOGIN_ATTEMPT_LIMIT"), "login-attempts", key_func=_account_key, methods=["POST"]
    )
    per_address = limiter.shared_limit(
        setting("LOGIN_ADDRESS_LIMIT"), "login-address", methods=["POST"]
    )

    def done(answer: Response) -> bool:
        return answer.status_code < HTTPStatus.BAD_REQUEST

    def refused(answer: Response) -> bool:
        return answer.status_code >= HTTPStatus.BAD_REQUEST

    # only accounts made (and links sent) count against REGISTER_LIMIT; refused forms
    # count against a far higher limit of their own
    made = limiter.shared_limit(
        setting("REGISTER_LIMIT"), "register", methods=["POST"], deduct_when=done
    )
    tried = limiter.shared_limit(
        setting("REGISTER_REFUSED_LIMIT"), "register-refused", methods=["POST"], deduct_when=refused
    )

    def registering(view: Callable[..., object]) -> Callable[..., object]:
        return made(tried(view))  # type: ignore[no-any-return]

    for endpoint in ("pages.login", "api.token"):
        view = per_address(attempts(per_account(app.view_functions[endpoint])))
        app.view_functions[endpoint] = view
    # changing the password checks the current one: guesses there count as failed log-ins
    # of the member's own account from that browser (from any address), and of the address
    # and so does adding a payout method, which asks for it again
    for endpoint in _ASKING_THE_PASSWORD:  # and every guess counts as it comes, as a log-in's
        view = per_address(attempts(per_account(app.view_functions[endpoint])))
        app.view_functions[endpoint] = view
    for endpoint in ("pages.register", "api.register", "pages.resend_verification"):
        app.view_functions[endpoint] = registering(app.view_functions[endpoint])
    # a reset link asked for: per account (nobody's mailbox is flooded) and per address
    resets = limiter.shared_limit(
        setting("RESET_LIMIT"), "reset", key_func=_account_key, methods=["POST"]
    )
    forgot = app.view_functions["pages.forgot_password"]
    app.view_functions["pages.forgot_password"] = per_address(resets(forgot))
    reset = app.view_functions["pages.reset_password"]
    app.view_functions["pages.reset_password"] = per_address(reset)
    _limit_members(app, limiter, setting)


def _limit_members(
    app: Flask, limiter: Limiter, setting: Callable[[str], Callable[[], str]]
) -> None:
    """What one signed-in member sends: their writes, and the megabytes of their files."""
    # a signed-in member's writes, counted per member whichever door they come through
    writes = limiter.shared_limit(
        setting("WRITE_LIMIT"),
        "member-writes",
        key_func=_writer_key,
        methods=["POST", "PUT", "PATCH", "DELETE"],
        exempt_when=lambda: not _writer_key(),
    )
    written = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.methods and rule.methods & {"POST", "PUT", "PATCH", "DELETE"}
    }
    for endpoint in sorted(written - _NOT_A_MEMBERS_WRITE):
        app.view_functions[endpoint] = writes(app.view_functions[endpoint])
    # the files a signed-in member sends, counted in megabytes by each form's size
    uploads = limiter.shared_limit(
        setting("UPLOAD_LIMIT"),
        "member-uploads",
        key_func=_writer_key,
        methods=["POST"],
        exempt_when=lambda: not _writer_key() or not _sends_files(),
        cost=_megabytes_sent,
    )
    for endpoint in _TAKING_FILES:
        app.view_functions[endpoint] = uploads(app.view_functions[endpoint])


def _sends_files() -> bool:
    """Whether the form carries a file: a form of text alone is no upload.

    Every form of an order's page is sent as multipart (a hostile review: four messages
    of text spent four megabytes of the day's uploads). Its body is read here, as the
    page would read it, within the same bounds.
    """
    if request.mimetype != "multipart/form-data":
        return False
    # every part of every field, as the page keeps them (a hostile review: an empty part
    # first hid the files after it from a count that read each field's first part)
    return any(upload.filename for _name, upload in request.files.items(multi=True))


def _megabytes_sent() -> int:
    """The form's size in megabytes, rounded up.

    A chunked one (no length said) counts as the largest a form may be: all it can send.
    """
    size = request.content_length
    if size is None:
        size = int(current_app.config["MAX_CONTENT_LENGTH"])
    return max(1, -(-size // _MEGABYTE))


_MEGABYTE: Final = 1024 * 1024
_TAKING_FILES: Final = ("pages.act", "pages.contract_action")
"""The pages whose forms carry files (a delivery, a message, a submission, a dispute's note)."""


_NOT_A_MEMBERS_WRITE: Final = frozenset(
    {
        "pages.login",
        "pages.logout",  # never refused: leaving is always allowed
        "pages.register",
        "pages.resend_verification",
        "pages.forgot_password",
        "pages.reset_password",
        "api.token",
        "api.register",
        # the owner's remedies against a stolen token or session, which the thief's writes
        # must not spend (a hostile review); changing the password counts as log-ins do
        "api.revoke",
        "pages.change_password",
    }
)
"""Forms limited otherwise (a log-in, a registration, a reset, a new password), or never
(logging out, revoking a token)."""


def _address_key() -> str:
    """Who sends, by address: an IPv4 address, or an IPv6 address's /64 network.

    One host holds a whole /64 (2^64 addresses): counted address by address, the limits
    per address held nobody on IPv6 (a hostile review).
    """
    address = get_remote_address()
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:  # ::ffff:10.0.0.1 is 10.0.0.1
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def _writer_key() -> str:
    """The signed-in member who writes (the session's, or the API token's), else ``""``.

    Read once a request: the limit asks for it twice (its key, and whether it applies).
    """
    if "writer" not in g:
        g.writer = ""
        if request.blueprint == "api":  # the token's account, which the view acts as: not
            # a session cookie's that came along (a hostile review: each other account's
            # cookie gave its holder a count of their own)
            account = token_account()
            g.writer = "" if account is None else f"member:{account.member_id}"
        elif member_id := g.get("member_id"):
            g.writer = f"member:{member_id}"
    return str(g.writer)


_ASKING_THE_PASSWORD: Final = frozenset({"pages.change_password", "pages.add_payout_method"})
"""The logged-in member's own pages that check their current password."""


def _account_key() -> str:
    """The account a log-in tries (from the form or the JSON body), normalised.

    A JSON body is parsed only up to ``TOKEN_BODY_LIMIT``: a larger one is refused (413)
    by the view, never parsed here first.

    Changing a password, or adding a payout method, checks the logged-in member's own
    password: the account is theirs, whatever e-mail the form may add (a hostile review:
    an ``email`` field sent with each guess counted it against a made-up account), counted
    as a log-in from that browser is: with its device's failures when it carries the
    account's device cookie (the owner's, who logged in there: strangers' failures never
    lock them out of it), else with every stranger's.
    """
    member_id = g.get("member_id")
    asking = request.endpoint in _ASKING_THE_PASSWORD
    # a form's field, or the JSON body's (whose size request.form would check first)
    email = None if request.is_json or asking else request.form.get("email")
    if asking:
        account = current_app.extensions["host"].accounts.get(str(member_id or ""))
        email = account.email if account is not None else f"member:{member_id}"
    body = None
    size = request.content_length  # None when chunked: read, bounded as the view reads it
    if email is None and request.is_json and (size is None or size <= TOKEN_BODY_LIMIT):
        # never more than TOKEN_BODY_LIMIT (api.bound_body): a larger body is the view's
        # 413, unparsed here, whether the limit refuses the request or not
        try:
            body = request.get_json(silent=True)
        except RecursionError:
            body = None
    if email is None:
        email = body.get("email") if isinstance(body, dict) else None
    tried = (email if isinstance(email, str) else "").strip().lower()[:320]
    # a browser this account logged in from before counts its own failed log-ins: a
    # stranger's guesses lock out only browsers that never logged in (OWASP, "device
    # cookies"); guesses at the current password too, which share the count of that
    # browser's log-ins (a thief who brought the cookie gets no more guesses than at the
    # log-in). Not reset links asked for (an inbox is the account's, whichever browser asks).
    guarded = request.endpoint == "pages.forgot_password"
    device = None if guarded else trusted_device(tried)
    return f"account:{tried}" if device is None else f"account:{tried}|device:{device}"

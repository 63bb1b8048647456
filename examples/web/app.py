"""The web host: a marketplace in the browser, Arabic and right-to-left first, on Flask.

``bootstrap()`` wires the library (SQLite by default, PostgreSQL given a DSN, the system
clock, the fake payment gateway) and the host's store of accounts, sessions and tokens in
the same database, loading the demo month into an empty marketplace when asked;
``create_app()`` builds the Flask application around them. Each
page calls the marketplace's use cases and nothing else: the business rules stay in the
library. Forms carry a CSRF token and an idempotency key, so a double submit has one
effect; a refusal is shown translated, and a page of someone else's order is 403 or 404.
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import secrets
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import Enum
from functools import partial
from http import HTTPStatus
from pathlib import Path
from typing import Any, Final, TypedDict, TypeVar
from urllib.parse import quote, urlencode, urlsplit

import attrs
from accounts import (
    PASSWORD_REFUSALS,
    Account,
    AccountExists,
    Accounts,
    open_accounts,
    password_refusal,
)
from api import (
    STATUS_OF,
    api,
    balances_of,
    bound_body,
    http_error_answer,
    message_cursor,
    send_verification,
    too_many,
)
from babel.dates import get_timezone, get_timezone_location
from babel.numbers import format_decimal, format_percent
from dateutil.relativedelta import relativedelta
from devices import remember_device
from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    session,
)
from flask import url_for as _url_for
from mail import Mailer, log_mail, outbox
from markupsafe import Markup
from openapi import document
from ratelimits import LIMITS, limit
from sessions import LOGGED_IN_AT, SESSION_AGE, ServerSessions, ends_at
from sessions import secret_key as secret_key_of
from settings import POLICY_OF_THE_SITE, database, payment_gateway
from werkzeug.exceptions import Forbidden, HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.sansio.utils import host_is_trusted
from werkzeug.utils import secure_filename

import microgigs
from microgigs import KHAMSAT, ManualClock, MicrogigsError, Money, UlidGenerator
from microgigs import ledger as lg
from microgigs.actors import Actor
from microgigs.catalog import ServiceStatus, Upgrade, default_categories, service_refusals
from microgigs.clock import later
from microgigs.errors import (
    ContractExists,
    EmailNotVerified,
    EmailTaken,
    IdempotencyConflict,
    InvalidType,
    MemberSuspended,
    NotFound,
    OwnService,
    PermissionDenied,
    ServiceNotAvailable,
    StaleWrite,
    UnknownUpgrade,
    UsernameTaken,
)
from microgigs.ids import (
    BidId,
    CategoryId,
    ContractId,
    InquiryId,
    MemberId,
    MessageId,
    OfferId,
    OrderId,
    ProjectId,
    RequestId,
    ReviewId,
    ServiceId,
    UpgradeId,
    WithdrawalId,
)
from microgigs.inquiries import Inquiry
from microgigs.l10n import (
    Unit,
    format_count,
    format_datetime,
    format_day,
    format_money,
    gettext,
    label,
    translate_error,
)
from microgigs.marketplace import Marketplace, NewUpgrade, replays
from microgigs.members import PayoutKind, PayoutMethod, registration_refusals
from microgigs.money import currency_exponent
from microgigs.orders import RESOLUTIONS, Message, Order, OrderEvent, OrderStatus
from microgigs.payments import PaymentGateway
from microgigs.pricing import Split, charge, split
from microgigs.projects import (
    CHANGE_REQUESTS_MAX,
    CLIENT_ASPECTS,
    INVITED_MAX,
    Aspect,
    AspectRating,
    BidStatus,
    Contract,
    Milestone,
    MilestonePlan,
    MilestoneStatus,
    Project,
    ProjectStatus,
    ProjectTerms,
    Resolution,
    Visibility,
)
from microgigs.ranking import ListingQuery, Ordering, highlight, matches
from microgigs.requests import TEXT_LENGTH as REQUEST_TEXT_LENGTH
from microgigs.requests import TITLE_LENGTH as REQUEST_TITLE_LENGTH
from microgigs.requests import request_refusals
from microgigs.testing.demo import ADMIN_ID, BUYERS, DEMO_DAYS, SELLERS, load_demo

log = logging.getLogger("microgigs.web")
DEMO_PASSWORD = "demo-password"  # noqa: S105 (the demo's published password)
ADMIN_EMAIL = "admin@example.com"
DEMO_DATABASE = (
    "{db} holds the demo's accounts, whose passwords are published ({email} among them):"
    " serve it as the demo (main.py --demo, or MICROGIGS_DEMO=1 under gunicorn), or start"
    " the site on another database"
)
"""Why a site (not a demo) refuses to start on a database the demo filled."""
NO_DEMO = (
    "{db} holds no demo: a demo loads into an empty database (main.py --demo, or dev.py demo),"
    " and a site's database is served as a site"
)
"""Why a demo refuses a database the demo did not fill: a site's (its members would read on
every page that the password is demo-password), or an empty one under gunicorn
(``fill=False``: several workers must not load the demo side by side)."""
LANGUAGES = ("ar", "en")
METHODS = {"balance": None, "card": lg.Gateway.CARD, "paypal": lg.Gateway.PAYPAL}
MAX_UPLOAD = 20 * 1024 * 1024
"""The largest request the site reads (a delivery's files together): 20 MB, else 413."""
MAX_FORM = 1024 * 1024
"""The largest request of any other page's form: 1 MB, else 413 (the JSON API takes less)."""
_UPLOADING: Final = {
    ("pages.act", "deliver"),
    ("pages.act", "message"),
    ("pages.contract_action", "submit"),
    ("pages.contract_action", "dispute_note"),
    ("pages.contract_action", "message"),
}
"""The forms that carry files (a delivery, a message in an order or a contract, a
milestone's submission, a note to a dispute), up to ``MAX_UPLOAD``."""
MAX_FILES = 10
"""The most files one delivery, submission or note to a dispute carries."""
PLACE_FILES = 100
"""The most files each party sends in one order, or in one contract."""
PLACE_BYTES = 200 * 1024 * 1024
"""The most bytes of files each party sends in one order (a freelancer in a contract): 200 MB."""
MINE_PAGE: Final = 20
"""Projects, and contracts, on a page of /projects/mine; a full list links to its older ones."""
ORDERS_PAGE: Final = 20
"""Orders on a page of /orders; a full page links to the older ones (``starting_after``)."""
_STORED = re.compile(r"[0-9a-f]{12}")
# amounts and numbers as people type them: Western or Arabic-Indic digits, nothing else
_AMOUNT = re.compile(r"-?[0-9\u0660-\u0669]{1,20}([.\u066b][0-9\u0660-\u0669]{1,2})?")
_DOLLAR_SIGN = re.compile(r"^(?:US)?\$\s*|\s*(?:US)?\$$")  # «$400», «400 US$»: the sign read past
_WHOLE = re.compile(r"-?[0-9\u0660-\u0669]{1,30}")  # longer is no number anyone means
_ARABIC_INDIC = str.maketrans("".join(chr(0x0660 + d) for d in range(10)), "0123456789")
POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
_TOTAL_DIGITS = 15  # a cart's total in cents: far past the largest cart the policy allows
DOWNLOAD_POLICY = "sandbox; default-src 'none'; frame-ancestors 'none'"
"""A member's file: no script, nothing loaded, never framed (served as a download)."""
PALETTE = ("#1dbf73", "#2f80ed", "#f2994a", "#9b51e0", "#eb5757", "#219653", "#56ccf2")
VERIFICATION_AGE = 48 * 3600
"""Seconds an e-mail verification link works (once)."""


@attrs.define
class Host:
    """What the application serves: the marketplace, its accounts, files and outbox."""

    market: Marketplace
    accounts: Accounts
    files: Path
    """Where delivered files are kept, one folder per order."""
    demo: bool = False
    """The demo month and its published accounts were asked for: every page says so."""
    mail: Mailer = log_mail
    """Sends a message ``(to, subject, body)``: verification links go only this way
    (:func:`mail.outbox`: a mail server named by ``MICROGIGS_SMTP_URL``, else the log)."""

    def register(
        self,
        *,
        username: str,
        email: str,
        first_name: str,
        family_name: str,
        password: str,
        key: str | None,
    ) -> tuple[Account, bool]:
        """Register a member and their account in one step: ``(account, made)``.

        ``made`` is false for a replay of a registration already made (its key sent
        again): the account as it was, its first password kept. An e-mail an account
        holds without being a member (an admin's) is refused as the marketplace refuses
        a member's (``EmailTaken``) *before* any member is registered, so a refusal never
        leaves a member without an account (its username and e-mail taken for good).
        """
        holder = self.accounts.holder(email)
        if holder is not None and holder.is_admin:
            raise EmailTaken(email=holder.email)  # as it is held: case folded
        member_id = self.market.register_member(
            username=username,
            email=email,
            first_name=first_name,
            family_name=family_name,
            key=key,
        )
        account = self.accounts.get(member_id)
        if account is not None:
            return account, False
        made = self.market.member(Actor.member(member_id)).email
        try:
            return self.accounts.add(member_id, made, password), True
        except AccountExists:  # a twin request (a double click, a retry) kept it first
            kept = self.accounts.get(member_id)
            if kept is None:
                raise
            return kept, False

    def close(self) -> None:
        """Close the marketplace's storage and the accounts' connections."""
        self.market.close()
        self.accounts.close()


def bootstrap(
    db: str | None = None,
    *,
    demo: bool = False,
    files: str | None = None,
    accounts: Accounts | None = None,
    fill: bool = True,
    gateway: PaymentGateway | None = None,
) -> Host:
    """The marketplace on ``db`` (a SQLite path or a PostgreSQL DSN); demo data if asked.

    ``db`` defaults to ``$MICROGIGS_DATABASE``, else ``marketplace.sqlite3``. Accounts,
    sessions and tokens live in the same database (``accounts`` replaces that store, e.g.
    with :class:`accounts.MemoryAccounts`); delivered files in ``files`` (default
    ``$MICROGIGS_FILES``, else a folder beside a SQLite file, ``delivered-files`` for a
    DSN). The demo month ends now; every demo member logs in with their e-mail and
    ``DEMO_PASSWORD``, the administrator as ``ADMIN_EMAIL``. ``fill=False`` serves a demo
    the database already holds (several workers must not load it side by side): an empty
    one is refused. A site (``demo=False``) refuses a database the demo filled. Money comes
    in by ``gateway``, else the one ``$MICROGIGS_GATEWAY`` names (:func:`payment_gateway`):
    a site without one is refused, a demo takes the fake gateway.
    """
    gateway = gateway or payment_gateway(demo=demo)  # before anything is opened
    db = database(db)
    is_dsn = db.startswith(("postgresql://", "postgres://"))
    files = files or os.environ.get("MICROGIGS_FILES")
    folder = Path(files or ("delivered-files" if is_dsn else f"{db}.files"))
    market = microgigs.bootstrap(db, policy=POLICY_OF_THE_SITE, gateway=gateway)
    credentials = accounts or open_accounts(db)
    refusal = None
    holds_demo = credentials.get(ADMIN_ID) is not None
    if not demo and holds_demo:
        refusal = DEMO_DATABASE  # its admin's password is in the README
    elif demo and not holds_demo and not (fill and market.is_empty()):
        refusal = NO_DEMO  # a site's members would read that the password is demo-password
    if refusal is not None:
        credentials.close()
        market.close()
        raise ValueError(refusal.format(db=db, email=ADMIN_EMAIL))
    if demo and market.is_empty():
        clock = ManualClock(datetime.now(UTC) - timedelta(days=DEMO_DAYS))
        # the demo month is played on a clock of its own, in the same storage
        loading = attrs.evolve(market, clock=clock, ids=UlidGenerator(clock, seed=1))
        # the admin first: it marks the database a demo's, even if loading stops part-way
        credentials.add(ADMIN_ID, ADMIN_EMAIL, DEMO_PASSWORD, is_admin=True)
        loaded = load_demo(loading, clock)
        for username, member_id in {**loaded.sellers, **loaded.buyers}.items():
            credentials.add(member_id, f"{username}@example.com", DEMO_PASSWORD)
        log.info("demo loaded: log in as %s@example.com / %s", SELLERS[0][0], DEMO_PASSWORD)
    return Host(market, credentials, folder, demo=demo, mail=outbox())


# --- the application ---------------------------------------------------------------------


def _known_host() -> Response | None:
    """A plain 400 for a ``Host`` this site does not answer for (no page, no session)."""
    if host_is_trusted(request.host, current_app.config["ALLOWED_HOSTS"]):
        return None
    return Response("400 Bad Request: unknown host\n", 400, mimetype="text/plain")


def _hosts() -> list[str]:
    """``$MICROGIGS_HOSTS`` (comma-separated), else the local machine's names only."""
    given = [h.strip() for h in os.environ.get("MICROGIGS_HOSTS", "").split(",") if h.strip()]
    return given or ["localhost", "127.0.0.1", "::1"]


TIME_ZONE: Final = "Asia/Riyadh"
"""The time zone the site shows every time in, unless ``MICROGIGS_TIME_ZONE`` names another
(a walk-through: every deadline read in UTC, three hours early for a Saudi member)."""


def _time_zone() -> str:
    """The site's time zone: ``MICROGIGS_TIME_ZONE`` (an IANA name), else Riyadh's."""
    zone = os.environ.get("MICROGIGS_TIME_ZONE") or TIME_ZONE
    try:
        get_timezone(zone)
    except LookupError:
        message = f"MICROGIGS_TIME_ZONE must name a time zone (Asia/Riyadh …), not {zone!r}"
        raise ValueError(message) from None
    return zone


def create_app(
    host: Host, *, secret_key: str | None = None, testing: bool = False, rate_limits: bool = True
) -> Flask:
    """The Flask application serving ``host``.

    The key that signs session cookies is ``secret_key``, else ``$MICROGIGS_SECRET_KEY``:
    every worker and every restart must share it. Without one, only a demo starts (with a
    random key and a warning: a restart then logs everyone out); anything else refuses.
    ``rate_limits=False`` turns the limits off (for tests that log in a thousand times).
    """
    app = Flask(__name__, template_folder="templates", static_folder="static")
    app.config.update(
        SECRET_KEY=secret_key or secret_key_of(demo=host.demo),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=_cookies_secure(demo=host.demo, testing=testing),
        PERMANENT_SESSION_LIFETIME=timedelta(seconds=SESSION_AGE),
        TESTING=testing,
        SHOW_VERIFICATION_LINKS=host.demo,  # a demo shows the link; a site only mails it
        # the hosts this site answers for (others get 400): a link built from the request,
        # as a mailed verification link is, can never name a host an attacker sent
        ALLOWED_HOSTS=_hosts(),
        BASE_URL=os.environ.get("MICROGIGS_BASE_URL", "").rstrip("/"),
        TIME_ZONE=_time_zone(),
        VERIFICATION_AGE=VERIFICATION_AGE,
        RATELIMIT_ENABLED=rate_limits,
        RATELIMIT_HEADERS_ENABLED=True,
        # each limit a site may set in the environment: MICROGIGS_WRITE_LIMIT=…
        **{name: os.environ.get(f"MICROGIGS_{name}") or value for name, value in LIMITS.items()},
    )
    app.config["MAX_CONTENT_LENGTH"] = MAX_UPLOAD
    proxies = int(os.environ.get("MICROGIGS_PROXIES", "0") or 0)
    if proxies > 0:  # behind nginx or Caddy: the visitor's address and scheme, as they saw them
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    app.extensions["host"] = host
    app.session_interface = ServerSessions()
    app.before_request(_known_host)  # first: before a session or a page is made
    app.before_request(bound_body)  # before anything (the rate limits) reads a body
    app.before_request(_bound_form)
    app.after_request(_headers)
    app.register_blueprint(pages)
    app.register_blueprint(api)
    app.add_url_rule("/openapi.json", "openapi", lambda: jsonify(document()))
    limit(app, host.accounts)
    return app


def _isolated(amount: str) -> Markup:
    """An amount in its own left-to-right island, so Arabic text around it cannot reorder it.

    Without it "5.00 US$" inside Arabic reads "$US 5.00", and "(+5.00 US$, +1 يوم)" comes
    apart; ``<bdi dir="ltr">`` keeps the digits and the currency together, in both languages.
    """
    return Markup('<bdi dir="ltr" class="money">{}</bdi>').format(amount.strip("\u200f\u200e"))


def _headers(answer: Response) -> Response:
    """What every answer says to the browser: run nothing from elsewhere, frame nowhere.

    And keep it in no cache, the site's own files (``static``) aside: a page is a
    member's (their e-mail, balances, payout account) or carries a visitor's form token.
    """
    answer.headers.setdefault("Content-Security-Policy", POLICY)
    if request.endpoint != "static":
        answer.headers.setdefault("Cache-Control", "no-store")
    answer.headers["X-Content-Type-Options"] = "nosniff"
    answer.headers["Referrer-Policy"] = "same-origin"
    answer.headers.pop("Server", None)
    return answer


pages = Blueprint("pages", __name__)
TREE = default_categories()


def _host() -> Host:
    host: Host = current_app.extensions["host"]
    return host


def _market() -> Marketplace:
    return _host().market


@pages.before_app_request
def _who() -> None:
    g.lang = session.get("lang", "ar")
    g.member_id = session.get("member")
    g.admin = bool(session.get("admin"))
    if request.path.startswith(f"{api.url_prefix}/"):
        # bearer tokens: a browser never sends one on its own, so no CSRF token; an address
        # under the API that names nothing is its 404 or 405, not a page's stale form
        return
    if request.method == "POST":
        # the token a page rendered into its forms (see _helpers); bytes, so a token in any
        # script is a 403, and no session at all matches nothing, not even ""
        expected = session.get("csrf", "").encode()
        given = request.form.get("csrf", "").encode()
        if not expected or not secrets.compare_digest(given, expected):
            raise StaleForm


class StaleForm(Forbidden):
    """A form whose CSRF token is missing or not this session's: a 403 that says what to do.

    Mostly innocent: a tab left open across a log-out, a form older than its session.
    """

    description = "CSRF token missing or wrong"


def _shown_at(moment: datetime | None, lang: str) -> str:
    """A moment as every page shows it: to the minute, in the site's time zone."""
    if moment is None:
        return ""
    zone = current_app.config["TIME_ZONE"]
    return format_datetime(moment, lang, time_format="short", timezone=zone)


def _must_verify() -> bool:
    """The reader may not pay before confirming their e-mail address (the policy asks it).

    Read once a request: a page of offers has a pay form each.
    """
    if "must_verify" not in g:
        asks = bool(g.member_id) and not g.admin
        asks = asks and _market().policy.ledger.require_verified_email
        g.must_verify = asks and not _market().member(actor()).email_verified
    return bool(g.must_verify)


@pages.app_context_processor
def _helpers() -> dict[str, Any]:
    zone = current_app.config["TIME_ZONE"]
    return {
        "t": lambda ar, en: ar if g.lang == "ar" else en,
        "money": lambda m: _isolated(format_money(m, g.lang)),
        "highlight": highlight,
        "matches": matches,
        "when": lambda d: _shown_at(d, g.lang),
        "day": lambda d: format_day(d, g.lang, timezone=zone) if d else "",
        "time_zone": get_timezone_location(get_timezone(zone), locale=g.lang),
        "count": lambda n, unit: format_count(n, Unit[unit.upper()], g.lang),
        "names": (Markup("، ") if g.lang == "ar" else Markup(", ")).join,  # escapes all but markup
        "label": lambda v: label(v, g.lang),
        "stars": stars,
        "status_class": lambda status: f"status {_TONES.get(status.value, '')}".rstrip(),
        "file_href": file_href,
        "message": lambda msgid: gettext(msgid, g.lang),
        "measure": measure,
        "happened": happened,
        "typed": typed,
        "typed_all": typed_all,
        "refused": refused,
        "refusal_at_form": refusal_at_form,
        "lang": g.lang,
        # made when a page is rendered, not for every request: static files and JSON open
        # no session, so a crawler without cookies writes no rows for them
        "csrf": session.setdefault("csrf", secrets.token_urlsafe(24)),
        "new_key": lambda: uuid.uuid4().hex,
        "me": g.member_id,
        "my_name": _my_name(),
        "suspended": _suspended(),
        "is_admin": g.admin,
        "NOTE_VERBS": NOTE_VERBS,
        "CHANGE_REQUESTS_MAX": CHANGE_REQUESTS_MAX,
        "quoted": quoted,
        "service_title": service_title,
        "my_suspension_reason": lambda: _market().member(actor()).suspension_reason,
        "must_verify": _must_verify,
        "demo": _host().demo,
        "tree": TREE,
        "catalog": _market().policy.catalog,  # a service's limits, said beside its fields
        "projects_policy": _market().policy.projects,  # a project's, beside its fields
        # isolated for the text around it; in an attribute, `| striptags` (no tag there)
        "member_name": lambda member_id: Markup("<bdi>{}</bdi>").format(member_name(member_id)),
        "category_name": lambda c: TREE.category(c).name(g.lang),
        "Status": OrderStatus,
        "now": _market().clock.now(),
        "session_ends_at": _session_ends_at(),
    }


def _session_ends_at() -> datetime | None:
    """When the member's session ends, if soon: every page says so (SESSION_AGE)."""
    at = ends_at(session, _host().accounts.clock())
    return None if at is None else datetime.fromtimestamp(at, UTC)


_HAPPENED: Final = {
    OrderEvent.SEND_INSTRUCTIONS: "sent the instructions",
    OrderEvent.DELIVER: "delivered the work",
    OrderEvent.ACCEPT: "accepted the delivery",
    OrderEvent.REQUEST_MODIFICATION: "asked for modifications",
    OrderEvent.REPORT_PROBLEM: "reported a problem",
    OrderEvent.RESOLVE_COMPLETE: "closed the dispute as completed",
    OrderEvent.RESOLVE_FULL_REFUND: "closed the dispute with a full refund",
    OrderEvent.RESOLVE_PARTIAL_REFUND: "closed the dispute with a partial refund",
    OrderEvent.CANCEL_LATE: "cancelled the late order",
    OrderEvent.DECLINE: "declined the order",
    OrderEvent.REQUEST_CANCELLATION: "asked to cancel the order",
    OrderEvent.ACCEPT_CANCELLATION: "agreed to cancel the order",
    OrderEvent.REFUSE_CANCELLATION: "refused to cancel the order",
    OrderEvent.AUTO_ACCEPT: "accepted the delivery automatically",
    OrderEvent.AUTO_ACCEPT_CANCELLATION: "cancelled the order after an unanswered request",
    OrderEvent.AUTO_CANCEL: "cancelled an order left without instructions",
}
"""An order's history in English, in the past tense (the library's labels name actions)."""


def happened(event: OrderEvent | None) -> str:
    """One entry of an order's timeline: what was done (Arabic: the action's noun)."""
    if g.lang == "ar":
        return label(event, "ar") if event else "طلب الخدمة"
    return _HAPPENED.get(event, label(event, "en")) if event else "placed the order"


def measure(name: str, value: object) -> str:
    """A level criterion's value as a person reads it: percents, hours, a rating of 5."""
    if value is None:
        return "—"
    if isinstance(value, timedelta):
        hours = round(value.total_seconds() / 3600)
        if hours < 1:
            return "أقل من ساعة" if g.lang == "ar" else "under an hour"
        return format_count(hours, Unit.HOUR, g.lang)
    if name.endswith(" rate"):
        return format_percent(value, locale=g.lang, numbering_system="latn")
    if name == "average rating":
        return f"{format_decimal(value, '0.0#', locale=g.lang, numbering_system='latn')} ★"
    return format_decimal(value, locale=g.lang, numbering_system="latn")


def _my_name() -> str:
    """The menu's name of who is logged in: a member's first name, an admin's whole team."""
    if not g.member_id:
        return ""
    name = member_name(g.member_id)
    return name if g.admin else name.split(" ")[0]


def member_name(member_id: str) -> str:
    """A member's full name (read once per request)."""
    names: dict[str, str] = g.setdefault("names", {})
    if member_id not in names:
        try:
            member = _market().profile(MemberId(member_id))
        except MicrogigsError:  # an admin is no member: named as the site's team
            account = _host().accounts.get(member_id)
            admin = account is not None and account.is_admin
            team = "فريق الموقع" if g.lang == "ar" else "The site team"
            names[member_id] = team if admin else member_id
        else:
            names[member_id] = f"{member.first_name} {member.family_name}"
            if member.suspended:
                g.setdefault("suspended", set()).add(member_id)
    return names[member_id]


def _suspended() -> bool:
    """The member logged in is suspended: the pages say so rather than offer what fails."""
    if not g.member_id or g.admin:
        return False
    member_name(g.member_id)  # reads the profile once a request, its suspension with it
    return g.member_id in g.get("suspended", set())


def viewer() -> Actor | None:
    """Who is looking: the logged-in member (or admin), or nobody."""
    return actor() if g.member_id is not None else None


def actor() -> Actor:
    if g.member_id is None:
        abort(401)
    if g.admin:
        return Actor.admin(MemberId(g.member_id))
    return Actor.member(MemberId(g.member_id))


E = TypeVar("E", bound=Enum)
T = TypeVar("T")


def _choice(kind: type[E], name: str, value: str, among: Sequence[E] | None = None) -> E:
    """One of an enum's values (of ``among``, if given), else a :class:`FormError`.

    The error names the field and its choices, as the page names them (their labels), never
    by their values.
    """
    choices = list(kind) if among is None else list(among)
    chosen = next((member for member in choices if member.value == value), None)
    if chosen is None:
        shown = {lang: [label(m, lang) if hasattr(m, "label") else str(m.value) for m in choices]
                 for lang in LANGUAGES}  # fmt: skip
        raise FormError.not_a_choice(name, value, shown["ar"], shown["en"])
    return chosen


def local(target: str | None) -> str:
    r"""``target`` if it is a path on this site, else ``/``: never a redirect elsewhere.

    Browsers drop tabs and line breaks inside a URL and read ``\`` as ``/``, so
    ``/\t/evil.example`` and ``/\evil.example`` would leave the site: both are refused.
    """
    if not target:
        return "/"
    seen = target.replace("\t", "").replace("\n", "").replace("\r", "")
    parts = urlsplit(seen)
    if (
        parts.scheme
        or parts.netloc
        or not seen.startswith("/")
        or seen.startswith("//")
        or "\\" in seen
        or not seen.isprintable()
    ):
        return "/"
    return seen


def back(default: str = "/") -> Response:
    target = request.form.get("next")
    referrer = request.referrer or ""
    if not target and referrer.startswith(request.host_url):
        target = "/" + referrer.removeprefix(request.host_url)
    return redirect(local(target or default), 303)


def tell(arabic: str, english: str, kind: str) -> None:
    """Flash a note to the reader in their language (``kind``: ok, note or error)."""
    flash(arabic if g.lang == "ar" else english, kind)


def service_title(service_id: str) -> str:
    """A service's title as its reader may see it, or that it is no longer on sale."""
    try:
        return _market().service(viewer(), ServiceId(service_id)).title
    except MicrogigsError:  # paused, in review after an edit, its seller suspended
        return "خدمة لم تعد معروضة" if g.lang == "ar" else "a service no longer on sale"


def quoted(text: str) -> Markup:
    """A member's words quoted as the reader's language quotes: «…» in Arabic, “…” in English."""
    opening, closing = ("«", "»") if g.lang == "ar" else ("\u201c", "\u201d")
    return Markup("{}<bdi>{}</bdi>{}").format(opening, text, closing)


def stars(given: float) -> Markup:
    """A rating as filled and empty stars (★★★★☆: four and five never look alike), said."""
    most = _market().policy.reviews.stars_max
    filled = max(0, min(most, round(given)))
    said = f"{filled} من {most}" if g.lang == "ar" else f"{filled} of {most}"
    return Markup('<span class="stars" role="img" aria-label="{}">{}{}</span>').format(
        said, "★" * filled, "☆" * (most - filled)
    )


def _plain_money(amount: Money, lang: str) -> str:
    """An amount for a flash (plain text): without the marks babel puts around it."""
    return format_money(amount, lang).strip("\u200f\u200e")


def _said(error: MicrogigsError, lang: str) -> str:
    """``translate_error``'s message for a page: each amount in a left-to-right isolate.

    A flash is plain text, so no ``<bdi>``: U+2066 … U+2069 does the same, else
    "80.00 US$" inside Arabic reads "$US 80.00".
    """
    plainer = _plainer(error)
    if plainer is None:
        text = translate_error(error, lang)
    else:
        text = plainer[0] if lang == "ar" else plainer[1]
    for value in error.context().values():
        if isinstance(value, Money):
            text = text.replace(
                format_money(value, lang), "\u2066" + _plain_money(value, lang) + "\u2069"
            )
    return text


_PLAINER: Final[dict[type[MicrogigsError], tuple[str, str]]] = {
    EmailNotVerified: (  # the reader's own address: their id means nothing to them
        (
            "أكِّد بريدك الإلكتروني أولًا بالرابط الذي أرسلناه إليك (أو اطلب رابطًا جديدًا من"
            " صفحة حسابك): لا تتحرك الأموال قبل ذلك."
        ),
        (
            "Confirm your e-mail address first, with the link we sent you (or ask for a new"
            " one on your account page): no money moves before that."
        ),
    ),
    MemberSuspended: (  # the reader's own account (another's is said apart)
        "حسابك موقوف، فلا يمكنك البيع ولا الشراء الآن.",
        "Your account is suspended: you can neither buy nor sell now.",
    ),
    IdempotencyConflict: (  # the key is the form's, hidden
        "هذا النموذج أُرسل من قبل بمحتوى آخر: افتح الصفحة من جديد، ثم أعد المحاولة.",
        "This form was sent before with other content: open the page again, then retry.",
    ),
    StaleWrite: (
        "تغيّر هذا في أثناء ذلك (ربما من نافذة أخرى): افتح الصفحة من جديد، ثم أعد المحاولة.",
        "This changed meanwhile (perhaps in another tab): open the page again, then retry.",
    ),
    UnknownUpgrade: (  # a cart line's upgrade the seller replaced since
        "أحد التطويرات التي اخترتها لم يعد يقدمه البائع: اختر التطويرات من جديد من صفحة الخدمة.",
        "An upgrade you chose is no longer offered: choose them again on the service's page.",
    ),
    ServiceNotAvailable: (  # said where the service is shown: its id means nothing, and
        # the reason is not the buyer's to know (a seller's suspension is not a pause)
        "هذه الخدمة غير معروضة للبيع الآن.",
        "This service is not on sale now.",
    ),
}
"""Refusals said in plainer words on a page than the library's, which name ids or keys
(by kind: a subclass is said as its class)."""

_INTERNAL_ID: Final = re.compile(r"[0-9A-Z]{26}")
"""An id the library made (a ULID): it means nothing to the reader of a page."""


def _plainer(error: MicrogigsError) -> tuple[str, str] | None:
    """A refusal's words without what its reader cannot use: an id, a form's hidden key.

    ``None``: the library's own words say it (a username typed, an amount, another
    member's unconfirmed address).
    """
    if isinstance(error, ContractExists):  # the freelancer by name; the project is this one
        name = member_name(error.freelancer_id)
        return (
            f"لدى {name} عقد معروض أو جارٍ في هذا المشروع من قبل.",
            f"{name} already has a contract offered or going on in this project.",
        )
    if isinstance(error, NotFound) and _INTERNAL_ID.fullmatch(str(error.key)):
        return (
            f"لا يوجد ما طلبته ({gettext(error.kind, 'ar')})، أو لم يعد متاحًا لك.",
            f"There is no such {gettext(error.kind, 'en')}, or it is no longer yours to see.",
        )
    if isinstance(error, OwnService) and _INTERNAL_ID.fullmatch(str(error.service_id)):
        # the reader's own service, on its page: its id says nothing (a walk-through)
        arabic, english = gettext(error.action, "ar"), gettext(error.action, "en")
        return (f"لا يمكنك {arabic}.", f"You cannot {english}.")
    own = getattr(error, "member_id", None) == g.get("member_id")
    if isinstance(error, EmailNotVerified) and not own:
        return None  # another member's address: the library's words say whose
    if isinstance(error, MemberSuspended) and not own:
        return (
            "حساب الطرف الآخر موقوف الآن، فلا يمكن إتمام هذا.",
            "The other member's account is suspended now: this cannot be done.",
        )
    return next((words for kind, words in _PLAINER.items() if isinstance(error, kind)), None)


_NOT_KEPT: Final = frozenset({"csrf", "key", "password", "current", "next"})
TYPED_FIELDS_MAX: Final = 40
"""The most fields a refused form may have for what was typed in it to be kept."""
TYPED_CHARACTERS_MAX: Final = 20_000
"""The most characters, in all, a refused form may hold for them to be kept."""


def _refuse(said: str) -> None:
    """Say why a form was refused, and keep what it held for the page to show it again.

    Said once: a refusal the next page finds again (a service no longer on sale, refused by
    the payment and then by the page it goes back to) is not said twice.
    """
    # kept as JSON, a flash reads back as a list
    if ["error", said] not in [list(kept) for kept in session.get("_flashes", [])]:
        flash(said, "error")
    _keep_typed(said)


def _keep_typed(said: str) -> None:
    """Keep what a refused form held, so the page shows it again beside the message.

    The message (``said``) is kept with it: a long form shows it at its own top
    (:func:`refused`), where a phone's reader is taken back to, not only the page's.

    Kept in the (server-side) session for the next page rendered only, by the form's
    action; never a password, a token or a file, and nothing from a form larger than any of
    the site's (``TYPED_FIELDS_MAX`` fields, ``TYPED_CHARACTERS_MAX`` characters in all):
    the store is not for anyone to fill.
    """
    fields = {
        name: request.form.getlist(name)[:TYPED_FIELDS_MAX]
        for name in list(request.form)[:TYPED_FIELDS_MAX]
        if name not in _NOT_KEPT
    }
    size = sum(len(name) + sum(map(len, values)) for name, values in fields.items())
    if len(request.form) > TYPED_FIELDS_MAX or size > TYPED_CHARACTERS_MAX:
        session.pop("typed", None)
        return
    session["typed"] = {"action": request.path, "fields": fields, "said": said}


def typed(action: str, name: str, default: object = "") -> object:
    """What was typed in ``name`` of the form sent to ``action`` and refused, else ``default``."""
    kept = g.get("typed")
    if kept is None:
        kept = g.typed = session.pop("typed", None) or {}
    values = kept.get("fields", {}).get(name) if kept.get("action") == action else None
    return values[0] if values else default


def refused(action: str) -> str:
    """Why the form sent to ``action`` was just refused, else nothing."""
    typed(action, "")  # reads the kept form once
    kept = g.typed
    return str(kept.get("said", "")) if kept.get("action") == action else ""


def refusal_at_form(action: str) -> Markup:
    """Why the form sent to ``action`` was just refused, said at the form's own top.

    A long form is where a phone's reader is taken back to; said there (and announced, as
    an alert), the page's own message is left out (``base.html``), so it is said once.
    """
    said = refused(action)
    if not said:
        return Markup()
    g.said_at_form = said
    # a form refused for several fields says each on its own line
    lines = Markup("<br>").join(Markup("{}").format(line) for line in said.split("\n"))
    return Markup('<p class="refused" role="alert">{}</p>').format(lines)


def typed_all(action: str, name: str) -> list[str]:
    """Every value typed in ``name`` (a repeated field) of the refused form sent to ``action``."""
    typed(action, name)  # reads the kept form once
    kept = g.typed
    return list(kept.get("fields", {}).get(name, [])) if kept.get("action") == action else []


def command(
    action: Callable[[str], object],
    done: tuple[str, str] | Callable[[], tuple[str, str]] | None = None,
) -> bool:
    """Run a use case under the form's key; a refusal is flashed, translated.

    A form sent again under its key (a double click, a page kept by the browser) is
    answered from the library's record and changes nothing more: it is said so, not "done"
    (the state may have moved on since, as a resumed service after an old "pause").
    """
    answered = replays()
    try:
        action(request.form.get("key") or uuid.uuid4().hex)
    except MicrogigsError as error:
        _refuse(_said(error, g.lang))
        return False
    except FormError as error:  # a field read inside the action: nothing was done either
        _refuse(error.said())
        return False
    if replays() > answered:
        tell(
            "هذا النموذج أُرسل من قبل، فلم يتغير شيء الآن.",
            "This form was sent before: nothing more was done now.",
            "note",
        )
    elif done:
        tell(*(done() if callable(done) else done), "ok")  # a callable: said as it turned out
    return True


_SAID_PLAINLY: Final = {
    404: (
        ("لم نجد ما تبحث عنه", "Nothing here"),
        ("ربما حُذف، أو أن الرابط ناقص أو قديم.", "It may have been removed, or its link is old."),
    ),
    403: (
        ("هذه الصفحة ليست لك", "This page is not yours to see"),
        (
            "تُفتح لأصحابها ولفريق الموقع فقط؛ إن وصلك رابطها فاطلب من صاحبها ما تحتاجه.",
            "Only the people it concerns and the site team open it; ask whoever sent the link.",
        ),
    ),
}
"""What a page of nothing, or of someone else's, says first (a walk-through: a 404 said only
«لم نعثر على الخدمة بالمعرّف NOPE»); the library's words, with the id, come after."""


def _said_plainly(status: int, message: str, back_to: str | None = None) -> tuple[str, int]:
    heading, explain = _SAID_PLAINLY[status]
    page = render_template(
        "error.html", heading=heading, explain=explain, message=message, back_to=back_to
    )
    return page, status


@pages.app_errorhandler(NotFound)
def _not_found(error: NotFound) -> tuple[str, int]:
    return _said_plainly(404, _said(error, g.lang))


@pages.app_errorhandler(PermissionDenied)
def _denied(error: PermissionDenied) -> tuple[str, int]:
    return _said_plainly(403, translate_error(error, g.lang))


@pages.app_errorhandler(MicrogigsError)
def _refused(error: MicrogigsError) -> tuple[str, int]:
    """Any other refusal a page did not catch: its message, with the API's status for it.

    A page asks the library and shows what it says; one that did not expect a refusal (an
    admin posting a member's form) still answers a 4xx in the reader's language, not a 500.
    """
    status = next((code for kind, code in STATUS_OF.items() if isinstance(error, kind)), 422)
    return render_template("error.html", message=translate_error(error, g.lang)), status


_HTTP_MESSAGES: Final = {
    400: ("الطلب غير مفهوم", "This request could not be understood"),
    403: ("ليست لك صلاحية فتح هذه الصفحة", "You may not open this page"),
    404: ("لا توجد صفحة بهذا العنوان", "There is no page at this address"),
    405: (
        "هذه الصفحة لا تقبل هذا النوع من الطلبات",
        "This page does not take this kind of request",
    ),
    413: ("الملفات أكبر من المسموح (20 ميغابايت)", "The files are larger than allowed (20 MB)"),
    500: (
        "حدث خطأ من جهتنا، ولم يتغير شيء",
        "Something went wrong on our side; nothing was changed",
    ),
}


NOTE_VERBS: Final = {
    "submitted": ("تسليم الدفعة", "submitted the milestone"),
    "dispute_note": ("رد في النزاع", "added to the dispute"),  # a note added, the milestone unmoved
    "changes_requested": ("طلب تعديلات", "asked for changes"),
    "disputed": ("فتح نزاع", "opened a dispute"),
    "released": (
        "حسم النزاع: حُرِّرت الدفعة للمستقل",
        "decided the dispute: released to the freelancer",
    ),
    "refunded": ("حسم النزاع: أُعيدت الدفعة للعميل", "decided the dispute: refunded to the client"),
    "split": ("حسم النزاع: قُسِّمت الدفعة بين الطرفين", "decided the dispute: split between the two"),
}
"""What a milestone's note says its author did, after their name, by the status: a noun in
Arabic («تسليم الدفعة»), whose verb would take the author's gender, unknown to the site."""

_TONES: Final = {
    **dict.fromkeys(("disputed", "ending", "changes_requested", "rejected", "failed"), "attention"),
    **dict.fromkeys(
        ("awaiting_instructions", "awaiting_acceptance", "offered", "planned", "pending",
         "pending_review", "submitted", "draft", "requested"),
        "waiting",
    ),
    **dict.fromkeys(
        ("cancelled", "declined", "lapsed", "ended", "closed", "expired", "lost", "withdrawn",
         "removed", "refunded", "paused"),
        "over",
    ),
}  # fmt: skip
"""A status badge's tone by the status's value: something to look at, someone's answer
awaited, or over without completing; any other (in progress, completed, released) is green."""
_FORM_TOO_LARGE: Final = (
    "النموذج أكبر من المسموح (1 ميغابايت)",
    "This form is larger than allowed (1 MB)",
)
_REFUSED: Final = ("لم يُقبل هذا الطلب", "This request was not accepted")
"""Any other 4xx the host or Werkzeug raises."""
_STALE: Final = (
    "انتهت جلستك أو صار النموذج قديمًا: أعد تحميل الصفحة وحاول مرة أخرى.",
    "Your session ended or the form is old: reload the page and try again.",
)


def _bound_form() -> None:
    """Read at most ``MAX_FORM`` of a page's form, but of the two that carry files.

    Run before a form is read; the JSON API bounds its own bodies (``api.bound_body``).
    """
    if request.blueprint == pages.name:
        action = (request.view_args or {}).get("action")
        if (request.endpoint, action) not in _UPLOADING:
            request.max_content_length = MAX_FORM


def _came_from() -> str:
    """The page on this site the visitor came from (a form's page), else the home page."""
    referrer = request.referrer or ""
    if referrer.startswith(request.host_url):
        return local("/" + referrer.removeprefix(request.host_url))
    return "/"


@pages.app_errorhandler(HTTPException)
def _http_error(error: HTTPException) -> tuple[str | Response, int] | Response:
    """The site's own error pages, in the visitor's language (JSON under ``/api/``).

    Every HTTP error the host raises (400, 403, 404, 405, 413, 500 …), never Werkzeug's
    bare English page; each with a way back. 401 and 429 have their own handlers.
    """
    status = error.code or HTTPStatus.INTERNAL_SERVER_ERROR
    server = status >= HTTPStatus.INTERNAL_SERVER_ERROR
    fallback = _HTTP_MESSAGES[HTTPStatus.INTERNAL_SERVER_ERROR] if server else _REFUSED
    known = _STALE if isinstance(error, StaleForm) else _HTTP_MESSAGES.get(status, fallback)
    if status == HTTPStatus.REQUEST_ENTITY_TOO_LARGE and request.max_content_length == MAX_FORM:
        known = _FORM_TOO_LARGE  # a form without files
    arabic, english = known
    message = arabic if g.get("lang", "ar") == "ar" else english
    bad = status == HTTPStatus.BAD_REQUEST
    detail = error.description if bad and error.description else ""
    if request.path.startswith("/api/"):  # in the caller's Accept-Language, not the site's
        return http_error_answer(error)
    shown = f"{message}. {detail}".strip(" .") + "." if not message.endswith(".") else message
    if status in _SAID_PLAINLY and not isinstance(error, StaleForm):  # nothing there, or
        # not the reader's, as a page of nothing says it (a stale form is the reader's own)
        return _said_plainly(status, shown, _came_from())
    return render_template("error.html", message=shown, back_to=_came_from()), status


@pages.app_errorhandler(429)
def _too_many(error: HTTPException) -> tuple[str | Response, int]:
    """Too many attempts: say so, and for how long, in the visitor's language."""
    if request.path.startswith("/api/"):
        best = request.accept_languages.best_match(LANGUAGES) or "ar"
        message = too_many(error, best)
        return jsonify(code="rate_limited", message=message), HTTPStatus.TOO_MANY_REQUESTS
    message = too_many(error, g.get("lang", "ar"))
    return render_template("error.html", message=message), HTTPStatus.TOO_MANY_REQUESTS


_CHOICES: Final = ("upgrade", "quantity")
"""A form's fields worth keeping through a log-in: a service's chosen upgrades and quantity."""


@pages.app_errorhandler(401)
def _login_first(_error: Exception) -> Response:
    """To the log-in page, then back where the person was, with what they had chosen.

    A form sent while logged out (order now, add to cart) cannot be sent again by a
    redirect: the person comes back to the page that held the form, its choices kept in
    the address (never its free text, which would land in logs), and sends it again.
    """
    if request.method == "GET":
        target = request.full_path.rstrip("?")
    else:
        referrer = request.referrer or ""
        page = (
            "/" + referrer.removeprefix(request.host_url)
            if referrer.startswith(request.host_url)
            else "/"
        )
        kept = [(name, value) for name in _CHOICES for value in request.form.getlist(name)]
        target = urlsplit(local(page)).path + ("?" + urlencode(kept) if kept else "")
    tell("يلزم تسجيل الدخول لإكمال ذلك", "Log in to continue", "note")
    return redirect(url_for("login", next=local(target)), 303)


# --- browsing ------------------------------------------------------------------------


@pages.get("/")
def home() -> str:
    rows = {
        ordering: _market().search(ListingQuery(ordering=ordering, limit=8)).listings
        for ordering in (Ordering.NEWEST, Ordering.TOP_RATED, Ordering.BEST_SELLING)
    }
    return render_template("home.html", rows=rows, Ordering=Ordering)


_SEARCH_FIELDS: Final = ("q", "ordering", "category", "section", "max_price")


@pages.get("/search")
def search() -> str:
    args = request.args
    text = args.get("q", "").strip() or None
    ordering = _choice(
        Ordering, "ordering", args.get("ordering") or ("relevance" if text else "newest")
    )
    category = args.get("category") or None
    section = args.get("section") or None
    tree = _market().categories
    if category and section and category in tree and tree.category(category).section_id != section:
        section = None  # a category chosen in another section: the category is the search
    typed_price = (args.get("max_price") or "").strip()
    try:
        max_price = _dollars(typed_price) if typed_price else None
    except FormError:  # past any amount: not an amount to search by either
        max_price = None
    if typed_price and max_price is None:  # said, then searched without it
        tell(
            f"السعر الأقصى «{typed_price[:20]}» ليس مبلغًا بالدولار، فبُحث بدونه",
            f"The highest price “{typed_price[:20]}” is not an amount in dollars: ignored",
            "error",
        )
    # the search's own fields only: url_for reads others ("endpoint", "_external", …)
    kept = {name: args[name] for name in _SEARCH_FIELDS if args.get(name)}

    def asked(price: Money | None) -> ListingQuery:
        return ListingQuery(
            text=text,
            category_id=CategoryId(category) if category else None,
            section_id=CategoryId(section) if section else None,
            max_price=price,
            ordering=ordering,
        )

    try:
        query = asked(None)  # the words and filters: refused, the page browses (said once)
        if max_price is not None:
            try:
                query = asked(max_price)
            except MicrogigsError as error:
                # a price the library refuses (0, -5) is said, and the rest searched without
                # it (a walk-through: the words typed were dropped with it)
                flash(_said(error, g.lang), "error")
                kept.pop("max_price", None)
        page = _market().search(_paged(query, args.get("cursor") or None))
    except MicrogigsError as error:
        flash(_said(error, g.lang), "error")
        page, query = _market().search(ListingQuery()), ListingQuery()
        kept = {}  # the next page browses, as this one does: not the refused search again
    following = url_for("search", **kept, cursor=page.next_cursor) if page.next_cursor else None
    # "did you mean" keeps the filters: only the words change
    suggested = url_for("search", **{**kept, "q": page.suggestion}) if page.suggestion else None
    return render_template(
        "search.html",
        page=page,
        query=query,
        Ordering=Ordering,
        following=following,
        suggested=suggested,
    )


def _paged(query: ListingQuery, cursor: str | None) -> ListingQuery:
    """``query`` from the page ``cursor`` names; its first page, said, if the cursor is bad.

    A cursor is the library's (an address mangled or from an older site is not one).
    """
    if cursor is None:
        return query
    try:
        return attrs.evolve(query, cursor=cursor)
    except InvalidType as error:
        if error.field != "cursor":
            raise
    tell(
        "رابط هذه الصفحة من النتائج غير صالح، فعُرضت الصفحة الأولى منها.",
        "The address of this page of results is not valid: the first page is shown.",
        "error",
    )
    return query


@pages.get("/services/<service_id>")
def service(service_id: str) -> str:
    page = _market().service_page(viewer(), ServiceId(service_id))  # NotFound: a 404
    me = viewer()
    saved = me is not None and g.member_id and not g.admin
    most = _market().policy.catalog.quantity_max
    in_cart = bool(saved) and _in_cart(me, page.service.id)  # beside "add to cart"
    asked = (  # the reader's question and its answers, where it was asked (a walk-through)
        _market().inquiry_about(me, page.service.id)
        if saved and me is not None and me.member_id != page.service.seller_id
        else None
    )
    return render_template(
        "service.html",
        in_cart=in_cart,
        inquiry=asked,
        saved=saved and any(s.id == page.service.id for s in _market().favourites(me)),
        service=page.service,
        seller=page.seller,
        reviews=page.reviews,
        rating=page.rating,
        exponent=currency_exponent(page.service.base_price.currency),
        quantity_max=most,
        # choices kept through a log-in (see _login_first): the boxes ticked again
        chosen=request.args.getlist("upgrade"),
        # a choice kept in the address, only shown in the box: the form says if it is wrong
        quantity=_read_whole(request.args.get("quantity")) or 1,
        # every delivery the upgrades can make, in words ("يومان", "3 أيام"): the running
        # total says the days as the page does, in the reader's grammar
        day_words={
            days: format_count(days, Unit.DAY, g.lang)
            for days in range(
                page.service.delivery_days,
                page.service.delivery_days + sum(u.extra_days for u in page.service.upgrades) + 1,
            )
        },
    )


@pages.get("/img/<service_id>.svg")
def image(service_id: str) -> Response:
    found = _market().service(viewer(), ServiceId(service_id))
    colour = PALETTE[sum(map(ord, found.category_id)) % len(PALETTE)]
    name = TREE.category(found.category_id).name("ar")
    svg = render_template("placeholder.svg", colour=colour, title=found.title, name=name)
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "max-age=3600"})


# --- buying --------------------------------------------------------------------------


@pages.post("/services/<service_id>/cart")
def add_to_cart(service_id: str) -> Response:
    """Add the service to the cart, or ("order now") price it alone on the next page.

    Ordering at once leaves the cart as it is: a walk-through's "order now" paid for the
    whole cart ($10.00 for a $5.00 service). A service already in the cart has its line
    replaced by the new choices, and the buyer is told so.
    """
    upgrades = [UpgradeId(u) for u in request.form.getlist("upgrade")]
    quantity = _whole("quantity", 1)
    if "now" in request.form:  # logged out, the priced page sends to the log-in, then back
        return redirect(_order_now_page(service_id, upgrades, quantity), 303)
    me = actor()  # logged out: to the log-in page first, the choices kept
    in_cart = _in_cart(me, service_id)
    if command(
        lambda k: _market().add_to_cart(
            me, ServiceId(service_id), upgrade_ids=upgrades, quantity=quantity, key=k
        ),
        (
            (
                "كانت الخدمة في سلتك، فعُدّل بندها باختياراتك الجديدة",
                "This service was already in your cart: its line now has your new choices",
            )
            if in_cart
            else ("أضيفت الخدمة إلى السلة", "Added to your cart")
        ),
    ):
        return redirect(url_for("cart"), 303)
    return back()


def _in_cart(me: Actor, service_id: str) -> bool:
    """Whether the member's cart holds a line of this service (adding it replaces it)."""
    return any(p.line.service_id == service_id for p in _market().cart(me).lines)


def _order_now_page(service_id: str, upgrades: Sequence[str], quantity: int) -> str:
    """The address of the page that prices one service with these choices, and pays it."""
    return url_for(
        "order_now_page", service_id=service_id, upgrade=list(upgrades), quantity=quantity
    )


@pages.get("/services/<service_id>/buy")
def order_now_page(service_id: str) -> str | Response:
    """One service priced with the chosen upgrades and quantity, and the form that pays it.

    A choice the library refuses (an upgrade the seller removed, a quantity out of range)
    is said on the service's page, where it can be changed.
    """
    upgrades = [UpgradeId(u) for u in request.args.getlist("upgrade")]
    quantity = _read_whole(request.args.get("quantity")) or 1
    try:
        view = _market().quote(
            actor(), ServiceId(service_id), upgrade_ids=upgrades, quantity=quantity
        )
    except MicrogigsError as error:
        if isinstance(error, NotFound | PermissionDenied):
            raise  # no such service, or an admin: the error page
        _refuse(_said(error, g.lang))
        if isinstance(error, ServiceNotAvailable):  # its page is no one's but its seller's now
            return redirect(url_for("search"), 303)
        return redirect(url_for("service", service_id=service_id), 303)
    choices = urlencode([*(("upgrade", u) for u in upgrades), ("quantity", quantity)])
    return render_template(
        "buy.html",
        view=view,
        choices=choices,
        fields=[*(("upgrade", u) for u in view.quote.upgrade_ids), ("quantity", quantity)],
    )


@pages.post("/services/<service_id>/buy")
def order_now(service_id: str) -> Response:
    """Pay for one service at once (the cart untouched): the total the page showed, or nothing."""
    upgrades = [UpgradeId(u) for u in request.form.getlist("upgrade")]
    quantity = _whole("quantity", 1)
    method = _payment_method("balance")
    shown = _shown_total()
    placed: list[OrderId] = []
    if command(
        lambda k: placed.append(
            _market().order_now(
                actor(),
                ServiceId(service_id),
                upgrade_ids=upgrades,
                quantity=quantity,
                method=method,
                expected_total=shown,
                key=k,
            )
        ),
        (
            "تم الدفع. أرسل تعليماتك للبائع هنا ليبدأ العمل",
            "Paid. Send the seller your instructions here to start the work",
        ),
    ):
        return redirect(url_for("order", order_id=placed[0]), 303)
    return redirect(_order_now_page(service_id, upgrades, quantity), 303)


@pages.get("/account")
def account() -> str | Response:
    """The member's own page: balance and top-up, latest purchases, questions to sellers."""
    me = actor()
    if g.admin:
        return redirect("/admin", 303)
    market = _market()
    # what the member paid as a client too (a walk-through: a client who had funded a
    # milestone read "no purchases yet"), among their latest contracts on either side
    paid_into = [c for c in market.my_contracts(me, limit=MINE_PAGE) if c.client_id == me.member_id]
    return render_template(
        "account.html",
        member=market.member(me),
        balances=market.balances(me),
        purchases=market.orders_of(me)[:5],
        contracts=paid_into[:5],
        titles={c.id: _project_title(me, c.project_id) for c in paid_into[:5]},
        inquiries=market.inquiries(me),
        waiting=_waiting(me),
    )


@pages.get("/favourites")
def favourites() -> str:
    return render_template("favourites.html", services=_market().favourites(actor()))


@pages.post("/favourites/<service_id>/remove")
def remove_favourite(service_id: str) -> Response:
    command(
        lambda k: _market().remove_favourite(actor(), ServiceId(service_id), key=k),
        ("أزيلت من المفضلة", "Removed from your favourites"),
    )
    return back("/favourites")


@pages.post("/services/<service_id>/favourite")
def favourite(service_id: str) -> Response:
    command(
        lambda k: _market().add_favourite(actor(), ServiceId(service_id), key=k),
        ("أضيفت إلى المفضلة", "Saved to your favourites"),
    )
    return back()


@pages.post("/services/<service_id>/ask")
def ask(service_id: str) -> Response:
    body = request.form.get("body", "")
    command(
        lambda k: _market().ask(actor(), ServiceId(service_id), body, key=k),
        (
            "أرسلت رسالتك إلى البائع، ويظهر رده هنا وفي صفحة حسابك",
            "Your message was sent to the seller; the answer shows here and on your account",
        ),
    )
    return back()


@pages.get("/cart")
def cart() -> str:
    view = _market().cart(actor())
    return render_template(
        "cart.html",
        cart=view,
        balance=view.balance,
        quantity_max=_market().policy.catalog.quantity_max,
    )


@pages.post("/cart/<service_id>/quantity")
def change_quantity(service_id: str) -> Response:
    """Order a cart line more or fewer times, with the upgrades it has, in one step.

    A line removed meanwhile (another tab) is a 404: nothing to change, nothing put back.
    """
    quantity = _whole("quantity")
    command(
        lambda k: _market().change_quantity(actor(), ServiceId(service_id), quantity, key=k),
        ("عُدّل عدد مرات الطلب", "Quantity changed"),
    )
    return redirect(url_for("cart"), 303)


@pages.post("/cart/remove/<service_id>")
def remove_from_cart(service_id: str) -> Response:
    command(
        lambda k: _market().remove_from_cart(actor(), ServiceId(service_id), key=k),
        ("أُزيلت الخدمة من السلة", "Removed from your cart"),
    )
    return back()


def _payment_method(default: str, *, balance: bool = True) -> lg.Gateway | None:
    """The form's way to pay (``None``: the balance); any other value is a 400, not a default."""
    typed = request.form.get("method", default)
    if typed not in METHODS or (typed == "balance" and not balance):
        ways = (("balance", "الرصيد"),) if balance else ()
        raise FormError.not_a_choice(
            name="method",
            typed=typed,
            arabic_choices=[*(a for _, a in ways), "بطاقة ائتمان", "باي بال"],
            english_choices=[*(e for e, _ in ways), "card", "PayPal"],
        )
    return METHODS[typed]


@pages.post("/checkout")
def checkout() -> Response:
    method = _payment_method("balance")
    shown = _shown_total()
    placed: list[OrderId] = []
    if command(
        lambda k: placed.extend(_market().checkout(actor(), method, expected_total=shown, key=k)),
        lambda: (
            (
                "تم الدفع. أرسل تعليماتك للبائع هنا ليبدأ العمل",
                "Paid. Send the seller your instructions here to start the work",
            )
            if len(placed) == 1
            else (
                "تم الدفع. أرسل تعليماتك للبائع من صفحة كل طلب ليبدأ العمل",
                "Paid. Send each seller your instructions from the order's page to start the work",
            )
        ),
    ):
        if len(placed) == 1:
            return redirect(url_for("order", order_id=placed[0]), 303)
        return redirect(url_for("orders"), 303)
    return back()


def _shown_total(name: str = "total") -> Money:
    """The amount the page showed beside its button (in cents, in the field ``name``).

    What the buyer pays: a seller's new price approved since is the library's
    ``PriceChanged``, said on the cart page with the new total, and nothing is charged (a
    hostile review: a stale page's "Pay $100.00 now" charged $200). What a client hires a
    bid for: a bid edited since is ``BidChanged``, and no contract is offered.
    """
    typed = request.form.get(name, "")
    if not typed.isascii() or not typed.isdigit() or len(typed) > _TOTAL_DIGITS:
        raise FormError.not_amount(name, typed)
    return Money(int(typed), _market().policy.currency)


@pages.post("/wallet/top-up")
def top_up() -> Response:
    amount = _amount("amount")
    method = _payment_method("card", balance=False) or lg.Gateway.CARD  # never None here
    command(
        lambda k: _market().top_up(actor(), amount, method, key=k),
        (
            f"شُحن رصيدك بمبلغ \u2066{_plain_money(amount, 'ar')}\u2069",
            f"Your balance was topped up by {_plain_money(amount, 'en')}",
        ),
    )
    return back()


# --- orders --------------------------------------------------------------------------


@pages.get("/orders")
def orders() -> str:
    me = actor()
    as_seller = request.args.get("as") == "seller"
    status = request.args.get("status")
    chosen = _choice(OrderStatus, "status", status) if status else None
    after = request.args.get("starting_after") or None
    listed = _market().orders_of(
        me,
        chosen,
        as_seller=as_seller,
        limit=ORDERS_PAGE,
        starting_after=None if after is None else OrderId(after),
    )
    kept = {"as": "seller"} if as_seller else {}
    if status:
        kept["status"] = status
    older = _page_after(listed, ORDERS_PAGE, "pages.orders", "starting_after", **kept)
    return render_template(
        "orders.html", orders=listed, as_seller=as_seller, status=status, older=older
    )


def _page_after(
    listed: Sequence[Order] | Sequence[Project] | Sequence[Contract],
    size: int,
    endpoint: str,
    cursor: str,
    **kept: str,
) -> str | None:
    """The address of the page after a full one of ``size`` (there may be more), else None.

    ``cursor`` names the argument that carries the last item's id; ``kept``, the others.
    """
    if len(listed) < size:
        return None
    return url_for(endpoint, **kept, **{cursor: listed[-1].id})


@pages.get("/orders/<order_id>")
def order(order_id: str) -> str:
    page = _market().order_page(
        actor(), OrderId(order_id), before=message_cursor()
    )  # 403/404 others
    return render_template(
        "order.html",
        order=page.order,
        messages=page.messages,
        earlier=page.earlier,
        review=page.review,
        next_events=page.next_events,
        earnings=page.earnings,
    )


@pages.post("/orders/<order_id>/<action>")
def act(order_id: str, action: str) -> Response:
    oid, form, me = OrderId(order_id), request.form, actor()
    text = form.get("body", "")
    # files come with a delivery (the seller's) or a message (either party's): the order is
    # read first, so nobody else's files are ever kept (another member: 404)
    chose = any(upload.filename for upload in request.files.getlist("files"))
    files = []
    if chose and action in {"deliver", "message"}:
        parties = _market().order(me, oid)
        senders = (
            {parties.seller_id} if action == "deliver" else {parties.seller_id, parties.buyer_id}
        )
        if g.member_id in senders:  # each side its own room (never counted from messages)
            files = _keep_uploads(oid, "s" if g.member_id == parties.seller_id else "b")
    actions: dict[str, Callable[[str], object]] = {
        "message": lambda k: _market().send_message(me, oid, text, files, key=k),
        "deliver": lambda k: _market().deliver(me, oid, text, files, key=k),
        "modify": lambda k: _market().request_modification(me, oid, text, key=k),
        "accept": lambda k: _market().accept(me, oid, key=k),
        "report": lambda k: _market().report_problem(me, oid, text, key=k),
        "cancel_late": lambda k: _market().cancel_late(me, oid, key=k),
        "decline": lambda k: _market().decline(me, oid, text or None, key=k),
        "ask_cancel": lambda k: _market().request_cancellation(me, oid, text or None, key=k),
        "answer_cancel": lambda k: _market().answer_cancellation(
            me, oid, agree=_yes_or_no("agree"), key=k
        ),
        "review": lambda k: _market().review(me, oid, stars=_whole("stars"), comment=text, key=k),
        "resolve": lambda k: _market().resolve_dispute(
            me,
            oid,
            _choice(OrderEvent, "outcome", form.get("outcome", ""), among=RESOLUTIONS),
            _optional_amount("refund", required=form.get("outcome") == "resolve_partial_refund"),
            reason=text,  # the page asks why: none is refused, never taken as none given
            key=k,
        ),
    }
    if action not in actions:
        _discard(files)
        abort(404)
    done: tuple[str, str] | Callable[[], tuple[str, str]] = _DONE.get(action, ("تم", "Done"))
    if action == "message":
        done = _message_sent(me, oid)
    if not command(actions[action], done):
        _discard(files)  # a delivery the rules refused keeps no files
    return redirect(url_for("order", order_id=order_id), 303)


def _message_sent(me: Actor, order_id: OrderId) -> Callable[[], tuple[str, str]]:
    """What a sent message did: the buyer's first one (the instructions) starts the work.

    A walk-through: the page said only "your message was sent" while the order had moved
    to in progress with a delivery date.
    """
    try:
        waited = _market().order(me, order_id).status is OrderStatus.AWAITING_INSTRUCTIONS
    except MicrogigsError:  # not a party: the command says so
        waited = False

    def said() -> tuple[str, str]:
        order = _market().order(me, order_id)
        if not waited or order.status is not OrderStatus.IN_PROGRESS or order.deadline is None:
            return _DONE["message"]
        due = {lang: _shown_at(order.deadline, lang) for lang in LANGUAGES}
        return (
            f"أُرسلت تعليماتك وبدأ العمل على طلبك: موعد التسليم \u2068{due['ar']}\u2069",
            f"Your instructions were sent and the work has started: delivery is due {due['en']}",
        )

    return said


_DONE: Final = {
    "message": ("أُرسلت رسالتك", "Your message was sent"),
    "deliver": (
        "سُلِّم العمل؛ ينتظر الطلب استلام المشتري",
        "Delivered: the order waits for the buyer to accept it",
    ),
    "modify": (
        "طُلب التعديل وعاد الطلب للبائع",
        "Modification asked: the order is back with the seller",
    ),
    "accept": (
        "اكتمل الطلب. شاركنا رأيك بتقييم الخدمة أدناه",
        "The order is complete. Tell others what you thought: review the service below",
    ),
    "report": ("أُبلغت الإدارة بالمشكلة", "The problem was reported to an admin"),
    "cancel_late": (
        "أُلغي الطلب وعاد المبلغ إلى رصيدك",
        "The order was cancelled and your money refunded",
    ),
    "decline": (
        "أُلغي الطلب وأُعيد المبلغ للمشتري",
        "The order was cancelled and the buyer refunded",
    ),
    "ask_cancel": (
        "أُرسل طلب الإلغاء للطرف الآخر",
        "Your cancellation request was sent to the other party",
    ),
    "answer_cancel": (
        "سُجِّل ردك على طلب الإلغاء",
        "Your answer to the cancellation was recorded",
    ),
    "review": ("نُشر تقييمك، شكرًا لك", "Your review was published, thank you"),
    "resolve": ("حُسم النزاع", "The dispute was resolved"),
}
"""What the person sees after each action on an order succeeds."""


def _keep_uploads(place: str, side: str) -> list[str]:
    """Keep the files of a delivery or submission form; their addresses become attachments.

    ``place`` is where they belong: an order's id, or ``contracts/<id>`` for a contract's.
    The caller keeps only the files of whoever may send them (an order's parties, a
    contract's freelancer, or either side of a dispute); those the rules then refuse are
    removed again (:func:`_discard`).
    ``side`` (``b`` the buyer, ``s`` the seller, ``f`` the freelancer, ``c`` the client) is
    kept in each file's stored name, ``{id}~{side}-{name}``: ``PLACE_FILES`` and
    ``PLACE_BYTES`` are each side's, counted from the files themselves, which no message can
    claim for the other side. (``~`` is no character of a safe name: a name cannot pass for
    a side.)
    """
    kept = []
    # no file chosen: the browser sends an empty part
    chosen = [upload for upload in request.files.getlist("files") if upload.filename]
    if len(chosen) > MAX_FILES:  # refused whole, never cut short without a word
        raise FormError.too_many_files(len(chosen))
    folder = _host().files / place
    if chosen:
        _require_room(folder, len(chosen), side)
    for upload in chosen:
        shown = _shown_name(upload.filename)
        stored = uuid.uuid4().hex[:12]
        folder.mkdir(parents=True, exist_ok=True)
        upload.save(folder / f"{stored}~{side}-{secure_filename(shown) or 'file'}")
        kept.append(f"/files/{place}/{stored}/{shown}")
    return kept


def _require_room(folder: Path, count: int, side: str) -> None:
    """Refuse files a sender has no room for in an order's (or contract's) folder.

    Each delivery is bounded by ``MAX_UPLOAD``; a delivery sent again and again (a seller
    and a buyer asking for modifications, both the attacker's) is bounded here, so one
    purchase cannot fill the disk (a hostile review stored 75 MB in four rounds). The other
    side's files (``{id}~{side}-{name}``) are not this sender's to count; a file stored
    before the sides were kept (``{id}-{name}``) counts against both.
    """
    paths = folder.iterdir() if folder.is_dir() else iter(())
    held = [path.stat().st_size for path in paths if _side_of(path.name) in {side, None}]
    coming = request.content_length or MAX_UPLOAD  # at most this much, the files among it
    if len(held) + count > PLACE_FILES or sum(held) + coming > PLACE_BYTES:
        raise FormError.no_room()


def _side_of(stored_name: str) -> str | None:
    """Who sent the kept file ``stored_name``: ``b``, ``s``, ``f`` or ``c``.

    ``None`` for a file kept before the sides were (its id, then a dash): its name's own
    characters say nothing of who sent it.
    """
    return stored_name[13] if stored_name[12:13] == "~" else None


def _shown_name(given: str | None) -> str:
    """The name the sender gave a file (Arabic kept), without folders or control characters."""
    name = (given or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in "<>\"'")
    return name.strip(" .")[:100] or "file"


def _discard(addresses: list[str]) -> None:
    """Remove kept files by the addresses :func:`_keep_uploads` gave them."""
    for address in addresses:
        place, stored, _name = address.removeprefix("/files/").rsplit("/", 2)
        for path in (_host().files / place).glob(f"{stored}[-~]*"):
            path.unlink(missing_ok=True)


def _kept_file(place: str, stored: str, name: str, recorded: Iterable[tuple[str, str]]) -> Response:
    """A kept file of ``place``, as a download, if its sender recorded this very address.

    ``recorded`` holds each attachment's address with the side of whoever recorded it
    (``b``, ``s``, ``c`` or ``f``, as :func:`_keep_uploads` names the files): the address
    must be recorded whole, by the side that sent the stored file (a file kept before the
    sides were, by either). An attachment is text a party may write through the API: the
    other side's stored file under another name is neither served nor able to hide the
    sender's own link to it (a hostile review). Served as an attachment, typed as bytes,
    with ``nosniff`` and a sandboxing CSP, so a delivered ``.html`` or ``.svg`` can never
    run as the site (SECURITY.md); the name is the recorded one, checked against the
    address, never read from it alone (no line breaks reach a header).
    """
    address = f"/files/{place}/{stored}/{name}"
    folder = _host().files.resolve().joinpath(*map(secure_filename, place.split("/")))
    found = sorted(folder.glob(f"{stored}[-~]*")) if _STORED.fullmatch(stored) else []
    sender = _side_of(found[0].name) if found else None
    if not found or not any(a == address and sender in {side, None} for a, side in recorded):
        abort(404)
    answer = send_file(
        found[0], mimetype="application/octet-stream", as_attachment=True, download_name=name
    )
    answer.headers["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; frame-ancestors 'none'"
    )
    answer.headers["Cache-Control"] = (
        "no-store"  # a party's file, kept in no cache (not send_file's no-cache)
    )
    return answer


def file_href(address: str, prefix: str) -> str:
    """A link to a stored file only when it is one of this page's own (``prefix``), else "#".

    A member sends an attachment's address as text (the JSON API): ``/files/…/../lang/en``
    would be followed by the browser to another page, so no segment may start with a dot.
    """
    own = address.startswith(prefix) and "/." not in address.removeprefix("/files")
    return quote(address) if own else "#"


@pages.get("/files/<order_id>/<stored>/<name>")
def delivered_file(order_id: str, stored: str, name: str) -> Response:
    """A delivered file, for the order's parties and admins: always a download."""
    me, oid = actor(), OrderId(order_id)
    buyer = _market().order(me, oid).buyer_id  # parties and admins only

    def page_before(before: MessageId | None) -> tuple[Sequence[Message], MessageId | None]:
        messages = _market().conversation(me, oid, limit=_FILES_PAGE, before=before)
        return messages, messages[0].id if len(messages) == _FILES_PAGE else None

    recorded = (
        (a, "b" if m.author_id == buyer else "s")
        for m in _every_message(page_before)
        for a in m.attachments
    )
    return _kept_file(order_id, stored, name, recorded)


_FILES_PAGE: Final = 100


def _every_message(
    page_before: Callable[[MessageId | None], tuple[Sequence[Message], MessageId | None]],
) -> Iterator[Message]:
    """A conversation's messages, newest first, read a page at a time as they are asked for.

    A file is looked for among them: a recent one is found on the first page, and no
    request holds more than a page of a conversation, however long it grew.
    """
    before: MessageId | None = None
    while True:
        messages, before = page_before(before)
        yield from reversed(messages)
        if before is None:
            return


@pages.get("/files/contracts/<contract_id>/<stored>/<name>")
def submitted_file(contract_id: str, stored: str, name: str) -> Response:
    """A file of a milestone or of the conversation, for the contract's parties and admins."""
    me, cid = actor(), ContractId(contract_id)
    page = _market().contract_page(me, cid)  # parties and admins
    contract = page.contract  # every note's files, as the page lists them, and the latest
    side = {contract.client_id: "c", contract.freelancer_id: "f"}

    def page_before(before: MessageId | None) -> tuple[Sequence[Message], MessageId | None]:
        earlier = page if before is None else _market().contract_page(me, cid, before=before)
        return earlier.messages, earlier.earlier

    recorded = itertools.chain(
        ((f, "f") for m in contract.milestones for f in m.files),  # the submission's
        (
            (f, side.get(n.author_id, ""))
            for m in contract.milestones
            for n in m.history
            for f in n.files
        ),
        # the conversation's (a hostile review: kept, linked, and never served)
        (
            (f, side.get(m.author_id, ""))
            for m in _every_message(page_before)
            for f in m.attachments
        ),
    )
    return _kept_file(f"contracts/{contract_id}", stored, name, recorded)


@pages.post("/reviews/<review_id>/reply")
def reply(review_id: str) -> Response:
    body = request.form.get("body", "")
    command(
        lambda k: _market().reply(actor(), ReviewId(review_id), body, key=k),
        ("نُشر ردك على التقييم", "Your reply was published"),
    )
    return back()


# --- selling -------------------------------------------------------------------------


@pages.get("/dashboard")
def dashboard() -> str:
    me = actor()
    if g.admin:
        return redirect("/admin", 303)  # type: ignore[return-value]
    desk = _market().dashboard(me)
    return render_template(
        "dashboard.html",
        services=desk.services,
        pending=desk.pending,
        balances=balances_of(desk.balances),
        member=_market().profile(desk.balances.member_id),
        withdrawing=desk.balances.withdrawing,
        payouts=_market().member(me).payout_methods,
        withdrawals=_market().withdrawals(me, limit=10),
        evaluation=desk.evaluation if desk.services else None,
        inquiries=desk.inquiries,
        selling=_market().orders_of(me, as_seller=True)[:10],
        upgrade_slots=_market().policy.catalog.max_upgrades,  # every upgrade the rules allow
        withdrawal_minimum=_market().policy.ledger.withdrawal_minimum,
        clearance=_clearance_words(desk.balances.member_id),
        waiting=_waiting(me, questions=desk.inquiries),
    )


@attrs.frozen
class _Waiting:
    """A line of what waits for the member: where, what of, what to do, by when."""

    href: str
    title: str
    what: tuple[str, str]
    due: datetime | None = None
    late: bool = False
    """The move was due before now (a walk-through read "by" a day gone by)."""


_ORDER_MOVES: Final = (  # the first of an order's moves that names what waits
    (OrderEvent.ACCEPT_CANCELLATION,
     ("طلب إلغاء بانتظار ردك", "A request to cancel awaits your answer")),
    (OrderEvent.DELIVER, ("سلّم العمل", "Deliver the work")),
    (OrderEvent.ACCEPT,
     ("استلم التسليم أو اطلب تعديلًا", "Accept the delivery or ask for changes")),
    (OrderEvent.SEND_INSTRUCTIONS,
     ("أرسل تعليمات الطلب ليبدأ البائع", "Send the instructions so the seller starts")),
)  # fmt: skip
_CONTRACT_MOVES: Final = {
    "answer_offer": ("عرض عمل بانتظار ردك", "A job offer awaits your answer"),
    "fund_milestone": ("موّل دفعة ليبدأ العمل", "Fund a milestone so the work starts"),
    "submit_milestone": ("سلّم الدفعة الممولة", "Submit the funded milestone"),
    "approve_milestone": ("راجع التسليم واعتمده", "Review the submission and approve it"),
    "answer_proposal": ("اقتراح دفعات بانتظار ردك", "A proposal of milestones awaits your answer"),
    "answer_end": ("طلب إنهاء العقد بانتظار ردك", "A request to end the contract awaits you"),
    "answer_contract_cancellation":
        ("طلب إلغاء العقد بانتظار ردك", "A request to cancel the contract awaits you"),
}  # fmt: skip


_WAITING_SHOWN: Final = 50
"""How many orders the box of what waits lists at the most (the most urgent)."""


def _waiting(me: Actor, *, questions: Sequence[Inquiry] = ()) -> list[_Waiting]:
    """What waits for the member's move, the most urgent first (a walk-through: nothing did).

    Orders, contracts, and the ``questions`` (the dashboard's) a buyer waits to hear on.
    """
    market = _market()
    now = market.clock.now()

    def line(href: str, title: str, what: tuple[str, str], due: datetime | None) -> _Waiting:
        return _Waiting(href, title, what, due, late=due is not None and due < now)

    found = [
        line(
            f"/orders/{w.order.id}#actions",  # the form to act with, not the page's top
            w.order.service.title,
            next(words for move, words in _ORDER_MOVES if move in w.moves),
            w.due,
        )
        for w in market.orders_waiting(me, limit=_WAITING_SHOWN)
    ]
    found += [  # an offer lapsing, a submission approved by itself: the contract's next due
        line(
            f"/contracts/{w.contract.id}",
            _project_title(me, w.contract.project_id) or "",
            _CONTRACT_MOVES[w.moves[0]],
            w.contract.next_due_at,
        )
        for w in market.contracts_waiting(me)
    ]
    found += [  # due by nothing, but the seller's response time counts from it
        line(
            f"/dashboard#inquiry-{q.id}",
            service_title(q.service_id),
            ("سؤال مشترٍ بانتظار ردك", "A buyer's question awaits your answer"),
            None,
        )
        for q in questions
        if q.awaits_answer
    ]
    # the most urgent first, orders and contracts together (a probe: contracts came last)
    return sorted(found, key=lambda w: (w.due is None, w.due or now))


def _clearance_words(member_id: MemberId) -> str:
    """How long the member's earnings wait before they can be withdrawn, in words."""
    wait = _market().policy.ledger.clearance_for(_market().profile(member_id).level)
    if wait.months or wait.years or wait.hours or wait.minutes or wait.seconds:
        return str(wait)  # a policy of another shape: said as the policy writes it
    return format_count(wait.days, Unit.DAY, g.lang)


@pages.post("/services")
def publish() -> Response:
    """A new service, sent for review; every field refused is said at once, in the form's order.

    A walk-through: the form said one refusal at a time, and an empty form the price first
    (``service_refusals``, as a registration's ``registration_refusals``).
    """
    form = request.form
    problems: dict[str, str] = {}
    read = partial(_read_field, problems)
    upgrades = []
    for n in range(_market().policy.catalog.max_upgrades):
        title, price = (
            form.get(f"upgrade_title_{n}", "").strip(),
            form.get(f"upgrade_price_{n}"),
        )
        if title:
            money = read("upgrades", partial(_amount, f"upgrade_price_{n}"))
            days = read("upgrades", partial(_whole, f"upgrade_days_{n}", 0))
            if money is not None and days is not None:
                upgrades.append(NewUpgrade(title, money, days))
        elif price or form.get(f"upgrade_days_{n}", "").strip():
            problems.setdefault("upgrades", FormError.untitled_upgrade(n).said())
    category = read("category", _category)
    base = read("base_price", partial(_amount, "price"))
    delivery = read("delivery_days", partial(_whole, "days"))
    tags = _listed(form.get("tags", ""))
    catalog = _market().policy.catalog
    refusals = service_refusals(
        catalog,
        title=form.get("title", ""),
        description=form.get("description", ""),
        instructions=form.get("instructions", ""),
        base_price=catalog.base_price_min if base is None else base,
        delivery_days=catalog.delivery_days_min if delivery is None else delivery,
        upgrades=[
            Upgrade(UpgradeId(str(n)), u.title, u.price, u.extra_days)
            for n, u in enumerate(upgrades)
        ],
        tags=tags,
    )
    for field, error in refusals.items():
        problems.setdefault(field, _said(error, g.lang))
    if problems or category is None or base is None or delivery is None:  # each None said
        _refuse_fields(problems, _SERVICE_FIELDS)
        return back()  # to the form (its ``next``), which says why at its top
    if command(
        lambda k: _market().publish_service(
            actor(),
            category_id=category,
            title=form.get("title", ""),
            description=form.get("description", ""),
            instructions=form.get("instructions", ""),
            base_price=base,
            delivery_days=delivery,
            upgrades=upgrades,
            tags=tags,
            key=k,
        ),
        ("أُرسلت الخدمة للمراجعة", "Your service was sent for review"),
    ):
        return redirect(url_for("dashboard"), 303)
    return back()  # to the form (its ``next``), which says why at its top


def _read_field(problems: dict[str, str], field: str, reader: Callable[[], T]) -> T | None:
    """What ``reader`` reads of a form, or ``None`` with its refusal noted by ``field``."""
    try:
        return reader()
    except FormError as error:  # not a number, not an amount: said as typed
        problems.setdefault(field, error.said())
    except MicrogigsError as error:  # the library's, as a look-up's (no such username)
        problems.setdefault(field, _said(error, g.lang))
    return None


def _refuse_fields(problems: dict[str, str], order: Sequence[str]) -> None:
    """Say every field refused, each on its own line (a capital first), in ``order``."""
    lines = (problems[field] for field in order if field in problems)
    _refuse("\n".join(line[:1].upper() + line[1:] for line in lines))


_SERVICE_FIELDS: Final = (
    "title",
    "category",
    "description",
    "instructions",
    "base_price",
    "delivery_days",
    "tags",
    "upgrades",
    "gallery",
)
"""The fields of the form that publishes a service, in its order: its refusals are said so."""


@pages.post("/services/<service_id>/pause")
def pause_service(service_id: str) -> Response:
    """The seller stops taking orders for a while, or the site team stops the service."""
    command(
        lambda k: _market().pause_service(
            actor(),
            ServiceId(service_id),
            reason=request.form.get("reason") if g.admin else None,
            key=k,
        ),
        (
            "أوقفت الخدمة مؤقتًا: لا تظهر في البحث ولا تُطلب",
            "The service is paused: no one finds or orders it",
        ),
    )
    return back("/dashboard")


@pages.post("/services/<service_id>/resume")
def resume_service(service_id: str) -> Response:
    """A pause ended by whoever made it: the seller's by the seller, the team's by the team."""
    command(
        lambda k: _market().resume_service(actor(), ServiceId(service_id), key=k),
        ("عادت الخدمة إلى العرض", "The service is on sale again"),
    )
    return back("/dashboard")


@pages.get("/services/<service_id>/edit")
def edit_service_form(service_id: str) -> str:
    """The seller's form to change a service (a rejected one, with why it was rejected)."""
    me = actor()
    found = _market().service(me, ServiceId(service_id))  # NotFound to anyone else: a 404
    if found.seller_id != me.member_id:
        abort(404)
    return render_template("service_edit.html", service=found)


@pages.post("/services/<service_id>/edit")
def edit_service(service_id: str) -> Response:
    """Change a service's texts, price, days and tags; it goes (back) to review."""
    form = request.form
    tags = _listed(form.get("tags", ""))
    changed = command(
        lambda k: _market().edit_service(
            actor(),
            ServiceId(service_id),
            title=form.get("title", ""),
            description=form.get("description", ""),
            instructions=form.get("instructions", ""),
            base_price=_amount("price"),
            delivery_days=_whole("days"),
            tags=tags,
            key=k,
        ),
    )
    if changed:  # said by what the library did: an edit that changes nothing keeps it listed
        status = _market().service(actor(), ServiceId(service_id)).status
        said = {
            ServiceStatus.PENDING_REVIEW: (
                "عُدّلت الخدمة وأُرسلت للمراجعة",
                "Your service was changed and sent for review",
            ),
            ServiceStatus.ACTIVE: (
                "لم يتغير شيء في الخدمة، فبقيت معروضة",
                "Nothing changed, so your service stays listed",
            ),
        }.get(status, ("حُفظت الخدمة", "Your service was saved"))
        tell(*said, "ok")
        return redirect(url_for("dashboard"), 303)
    return redirect(url_for("edit_service_form", service_id=service_id), 303)


@pages.post("/inquiries/<inquiry_id>/answer")
def answer(inquiry_id: str) -> Response:
    body = request.form.get("body", "")
    command(
        lambda k: _market().answer_inquiry(actor(), InquiryId(inquiry_id), body, key=k),
        ("أُرسل ردك إلى المشتري", "Your answer was sent to the buyer"),
    )
    return back()


_PAYOUT_KINDS: Final = {
    "paypal": PayoutMethod.paypal,
    "bank_transfer": PayoutMethod.bank_transfer,
}


@pages.post("/payout-methods")
def add_payout_method() -> Response:
    """Add a PayPal account or a bank account (IBAN) where withdrawals go."""
    me, form = actor(), request.form
    make = _PAYOUT_KINDS.get(form.get("kind", ""))
    if make is None:
        raise FormError.not_a_choice(
            name="kind",
            typed=form.get("kind", ""),
            arabic_choices=["باي بال", "حساب بنكي"],
            english_choices=["PayPal", "bank account"],
        )

    field = "account"
    if not form.get(field, "").strip():
        raise FormError.required(field)  # not "«» is not a valid e-mail address"
    host = _host()
    account = host.accounts.get(str(me.member_id))
    if account is None or host.accounts.check(account.email, form.get("current", "")) is None:
        # where earnings go is asked again with the password (ASVS V3.7.1): a stolen
        # session alone cannot send them elsewhere; guesses count as failed log-ins
        g.wrong_password = True
        tell(
            "كلمة المرور الحالية غير صحيحة: لم تُضف طريقة السحب",
            "Wrong current password: the payout method was not added",
            "error",
        )
        return redirect(url_for("dashboard"), 303)
    added: list[PayoutMethod] = []
    held: list[PayoutMethod] = []

    def add(key: str) -> None:  # a bad account is refused inside, said as a refusal
        added.append(make(form.get("account", "")))
        held.extend(_market().member(me).payout_methods)
        _market().add_payout_method(me, added[0], key=key)

    # read and written in one unit: two tabs adding at once keep both
    done = command(add)
    if done and added[0] in held:  # as written already: nothing was added, nobody is told
        tell("طريقة السحب هذه مضافة من قبل", "That payout method is already there", "note")
    elif done:
        tell("أُضيفت طريقة السحب", "Payout method added", "ok")
        method = added[0]
        host.mail(  # the owner hears of it, whoever added it
            account.email,
            "أُضيفت طريقة سحب إلى حسابك / A payout method was added to your account",
            # the account's end only: a mail may be read by more eyes than the dashboard
            f"{label(method.kind, 'ar')} …{method.account[-4:]}\n"
            "إن لم تضفها أنت فغيّر كلمة المرور واحذفها من لوحتك.\n\n"
            f"{label(method.kind, 'en')} …{method.account[-4:]}\n"
            "If it was not you, change your password and remove it from your dashboard.",
        )
    return redirect(url_for("dashboard"), 303)


def _named_method(among: Sequence[PayoutMethod] | None = None) -> PayoutMethod:
    """The payout method a form names as ``kind:account``, one of ``among`` if given.

    Checked by the library when used; named, not numbered by its place in the list, which
    another tab's change moves.
    """
    typed = request.form.get("payout_method", "")
    kind, _colon, account = typed.partition(":")
    named = PayoutMethod(PayoutKind(kind), account) if kind in _PAYOUT_KIND_VALUES else None
    if named is None or not account or (among is not None and named not in among):
        raise FormError.not_a_choice(
            name="payout_method",
            typed=typed,
            arabic_choices=["طرق السحب المعروضة"],
            english_choices=["the methods shown"],
        )
    return named


_PAYOUT_KIND_VALUES: Final = frozenset(k.value for k in PayoutKind)


@pages.post("/payout-methods/remove")
def remove_payout_method() -> Response:
    """Remove one of the member's payout methods, named by kind and account.

    Not by its place in the list: the same form sent again from a stale tab would remove the
    method that moved up into that place. One already gone is said so; nothing else changes.
    """
    me, method = actor(), _named_method()
    gone: list[NotFound] = []

    def remove(key: str) -> None:  # read and written in one unit: two tabs lose neither
        try:
            _market().remove_payout_method(me, method, key=key)
        except NotFound as error:  # removed already (the same form sent again)
            gone.append(error)

    if command(remove):
        if gone:
            tell("طريقة السحب هذه محذوفة من قبل", "That payout method was already removed", "note")
        else:
            tell("حُذفت طريقة السحب", "Payout method removed", "ok")
    return redirect(url_for("dashboard"), 303)


@pages.post("/withdraw")
def withdraw() -> Response:
    """Withdraw earnings to one of the member's payout methods, named by kind and account.

    Not by its place in the list: a method removed in another tab would move the others up,
    and the money would go where the seller did not choose.
    """
    me, amount = actor(), _amount("amount")
    methods = _market().member(me).payout_methods
    chosen = None  # none typed: the first (the only one the page shows), or none held
    if request.form.get("payout_method"):  # one removed in another tab: refused
        chosen = _named_method(among=methods)
    if not command(
        lambda k: _market().request_withdrawal(me, amount, method=chosen, key=k),
        ("طلبت سحب أرباحك", "Your withdrawal was requested"),
    ):
        _say_when_more_is_available(me, amount)
    return back()


def _say_when_more_is_available(me: Actor, amount: Money) -> None:
    """More than is available asked: when the next pending earnings become available.

    A walk-through: «… 0.00 US$، ولا يكفي …» said nothing of the earnings waiting to clear.
    """
    dashboard = _market().dashboard(me)
    if amount <= dashboard.balances.available or not dashboard.pending:
        return
    soonest = min(dashboard.pending, key=lambda p: p.clears_at)
    shown = {lang: _plain_money(soonest.amount, lang) for lang in LANGUAGES}
    day = {lang: _shown_at(soonest.clears_at, lang) for lang in LANGUAGES}
    arabic = f"تصبح أقرب أرباحك المعلقة (\u2066{shown['ar']}\u2069) قابلة للسحب في {day['ar']}."
    english = f"Your next pending earnings ({shown['en']}) can be withdrawn from {day['en']}."
    said = arabic if g.lang == "ar" else english
    kept = session.get("typed")
    if kept is not None:  # beside the refusal, at the form a phone's reader is taken back to
        session["typed"] = {**kept, "said": f"{kept.get('said', '')}\n{said}"}
    tell(arabic, english, "note")


@pages.post("/withdrawals/<withdrawal_id>/cancel")
def cancel_withdrawal(withdrawal_id: str) -> Response:
    """The seller takes back a withdrawal not yet paid out (the library checks whose it is)."""
    command(
        lambda k: _market().cancel_withdrawal(actor(), WithdrawalId(withdrawal_id), key=k),
        (
            "أُلغي طلب السحب وعاد المبلغ إلى أرباحك المتاحة",
            "Cancelled: the money is available again",
        ),
    )
    return back()


# --- requests for services that don't exist ---------------------------------------------------


@pages.get("/requests")
def requests_page() -> str:
    me = viewer()
    page = _market().requests_page(me)
    services = _market().dashboard(me).services if me is not None else ()
    active = [s for s in services if s.status is ServiceStatus.ACTIVE]
    fees = _market().policy.ledger.buyer_fees
    # what accepting each offer to the reader's requests costs: its price and the buyer's fee
    totals = {
        o.id: o.price + charge(o.price, fees)
        for r in page.open
        if me is not None and r.buyer_id == me.member_id
        for o in r.offers
        if o.price is not None
    }
    return render_template(
        "requests.html",
        requests=page.open,
        my_services=active,
        mine=page.mine,
        totals=totals,
        balance=_market().balances(me).wallet if totals and me is not None else None,
        request_title=REQUEST_TITLE_LENGTH,  # said under each field before any refusal
        request_text=REQUEST_TEXT_LENGTH,
    )


@pages.post("/requests")
def post_request() -> Response:
    """A request for a service, sent for review; every field refused is said at once.

    A walk-through: the form said the budget, then the title, then the details, one a try
    (``request_refusals``, as the publish form's ``service_refusals``).
    """
    form = request.form
    problems: dict[str, str] = {}
    read = partial(_read_field, problems)
    category = read("category", _category)
    budget = read("budget", partial(_optional_amount, "budget"))
    refusals = request_refusals(
        _market().policy.catalog,
        title=form.get("title", ""),
        description=form.get("description", ""),
        budget=budget,
    )
    for field, error in refusals.items():
        problems.setdefault(field, _said(error, g.lang))
    if problems or category is None:
        _refuse_fields(problems, _REQUEST_FIELDS)
        return back(url_for("requests_page") + "#post")
    command(
        lambda k: _market().post_request(
            actor(),
            category_id=category,
            title=form.get("title", ""),
            description=form.get("description", ""),
            budget=budget,
            key=k,
        ),
        ("أُرسل طلبك للمراجعة", "Your request was sent for review"),
    )
    return redirect(url_for("requests_page"), 303)


_REQUEST_FIELDS: Final = ("title", "category", "description", "budget")
"""The fields of the form that posts a request, in its order: its refusals are said so."""


@pages.post("/requests/<request_id>/offers")
def make_offer(request_id: str) -> Response:
    form = request.form
    service_id = form.get("service_id") or None
    # a price or days typed beside a chosen service go to the library too, which refuses
    # the two together (a walk-through: the typed $35 in 4 days was dropped unsaid)
    custom = not service_id or bool(_typed("price") or _typed("days"))
    command(
        lambda k: _market().make_offer(
            actor(),
            RequestId(request_id),
            form.get("message", ""),
            service_id=ServiceId(service_id) if service_id else None,
            price=_amount("price") if custom else None,
            delivery_days=_whole("days") if custom else None,
            key=k,
        ),
        ("أُرسل عرضك", "Your offer was sent"),
    )
    return redirect(url_for("requests_page"), 303)


@pages.post("/requests/<request_id>/offers/<offer_id>/accept")
def accept_offer(request_id: str, offer_id: str) -> Response:
    """The buyer accepts an offer and pays its total as shown (balance, card or PayPal)."""
    method = _payment_method("balance")
    shown = _shown_total()
    placed: list[OrderId] = []
    if command(
        lambda k: placed.append(
            _market().accept_offer(
                actor(),
                RequestId(request_id),
                OfferId(offer_id),
                method=method,
                expected_total=shown,
                key=k,
            )
        ),
        ("قبلت العرض وصار طلبًا مدفوعًا", "Offer accepted: it is now a paid order"),
    ):
        return redirect(url_for("order", order_id=placed[0]), 303)
    return back()


@pages.post("/requests/<request_id>/close")
def close_request(request_id: str) -> Response:
    command(
        lambda k: _market().close_request(actor(), RequestId(request_id), key=k),
        ("أُغلق طلبك", "Your request was closed"),
    )
    return redirect(url_for("requests_page"), 303)


# --- project mode: projects, bids, contracts and milestones (RULES.md §11) -----------------


@pages.get("/projects")
def projects() -> tuple[str, int]:
    """Open projects, newest first: by category, budget bracket, skills and Arabic text."""
    args = request.args
    category = args.get("category") or None
    bracket = args.get("bracket") or None
    brackets = _market().policy.projects.brackets
    try:
        chosen = _whole("bracket") if bracket else None
        if chosen is not None and not 0 <= chosen < len(brackets):
            raise FormError.no_bracket(bracket)
        unreadable = False
    except FormError as error:  # said, then every bracket is shown: a 400 all the same
        flash(error.said(), "error")
        chosen, unreadable = None, True
    skills = [s.strip() for s in args.get("skills", "").split(",") if s.strip()][:10]
    text = args.get("q", "").strip()[:200] or None
    try:
        found = _market().open_projects(
            viewer(),
            category_id=CategoryId(category) if category else None,
            bracket=chosen,
            skills=skills,
            text=text,
            limit=50,
        )
    except MicrogigsError as error:
        flash(_said(error, g.lang), "error")
        found = []
    page = render_template(
        "projects.html",
        projects=found,
        brackets=_bracket_labels(),
        chosen=chosen,
        Visibility=Visibility,
    )
    return page, HTTPStatus.BAD_REQUEST if unreadable else HTTPStatus.OK


@pages.post("/projects")
def post_project() -> Response:
    """A client's new project, sent to review at once."""
    form = request.form
    me = actor()
    problems: dict[str, str] = {}
    read = partial(_read_field, problems)
    # one more than the library takes: it refuses the list as too long, and no form of a
    # million names makes a million look-ups first (a hostile review)
    usernames = [name.lstrip("@") for name in _listed(form.get("invited", ""))][: INVITED_MAX + 1]
    posted: list[ProjectId] = []

    def invited() -> list[MemberId]:  # by username: InvalidUsername or an unknown one is said
        found = []
        for name in usernames:
            try:
                found.append(_market().profile_by_username(name).member_id)
            except NotFound:  # said by the name typed, not as "no member with the id …"
                raise FormError.unknown_username(name) from None
        return found

    # every field refused is said at once, in the form's order (a walk-through: one at a
    # time): what the host cannot read, then what the library refuses (ProjectTerms.refusals)
    category = read("category", _category)
    bracket = read("bracket", partial(_whole, "bracket"))
    duration = read("duration_days", partial(_whole, "duration"))
    hires = read("hires_allowed", partial(_whole, "hires", 1))
    visibility = read(
        "visibility", partial(_choice, Visibility, "visibility", form.get("visibility") or "public")
    )
    members = read("invited", invited)
    terms = ProjectTerms(
        category_id=category or CategoryId(""),
        title=form.get("title", ""),
        description=form.get("description", ""),
        bracket=0 if bracket is None else bracket,
        duration_days=_market().policy.projects.duration_days[0] if duration is None else duration,
        skills=tuple(_listed(form.get("skills", ""))),
        questions=tuple(_listed(form.get("questions", ""), "\n")),
        visibility=visibility or Visibility.PUBLIC,
        invited=tuple(members or ()),
        hires_allowed=1 if hires is None else hires,
    )
    for field, error in terms.refusals(_market().policy.projects, me.member_id or "").items():
        problems.setdefault(field, _said(error, g.lang))
    if problems:
        _refuse_fields(problems, _PROJECT_FIELDS)
        return redirect(url_for("projects") + "#post", 303)  # the form again, as typed
    if command(
        lambda k: posted.append(
            _market().post_project(
                me,
                category_id=terms.category_id,
                title=terms.title,
                description=terms.description,
                bracket=terms.bracket,
                duration_days=terms.duration_days,
                skills=terms.skills,
                questions=terms.questions,
                visibility=terms.visibility,
                invited=terms.invited,
                hires_allowed=terms.hires_allowed,
                key=k,
            )
        ),
        ("أُرسل مشروعك للمراجعة، وسيُنشر بعد قبوله", "Your project was sent for review"),
    ):
        return redirect(url_for("project", project_id=posted[0]), 303)
    return redirect(url_for("projects") + "#post", 303)  # the form again, as it was typed


_PROJECT_FIELDS: Final = (
    "title",
    "category",
    "description",
    "bracket",
    "duration_days",
    "skills",
    "questions",
    "visibility",
    "invited",
    "hires_allowed",
    "attachments",
)
"""The fields of the form that posts a project, in its order: its refusals are said so."""


@pages.get("/contracts")
def my_contracts() -> Response:
    """A member's contracts are listed with their projects."""
    return redirect(url_for("pages.my_projects", _anchor="my-contracts"))


@pages.get("/projects/mine")
def my_projects() -> str | Response:
    """A member's projects as a client and contracts on both sides."""
    me = actor()
    if g.admin:
        return redirect("/admin", 303)
    projects_after = request.args.get("projects_after") or None
    contracts_after = request.args.get("contracts_after") or None
    projects = _market().my_projects(
        me,
        limit=MINE_PAGE,
        starting_after=None if projects_after is None else ProjectId(projects_after),
    )
    contracts = _market().my_contracts(
        me,
        limit=MINE_PAGE,
        starting_after=None if contracts_after is None else ContractId(contracts_after),
    )
    return render_template(
        "my_projects.html",
        invitations=_market().invitations(me),
        bids=_market().my_bids(me),
        credits=_market().bid_credits(me),
        projects=projects,
        contracts=contracts,
        titles={c.id: _project_title(me, c.project_id) for c in contracts},
        # a full page: there may be older ones (each list goes on by itself)
        older_projects=_page_after(
            projects, MINE_PAGE, "pages.my_projects", "projects_after", _anchor="my-projects"
        ),
        older_contracts=_page_after(
            contracts, MINE_PAGE, "pages.my_projects", "contracts_after", _anchor="my-contracts"
        ),
    )


def _project_title(reader: Actor, project_id: ProjectId) -> str | None:
    """A project's title, if this reader may see the project (a contract's row names it)."""
    try:
        return _market().project_page(reader, project_id).project.terms.title
    except MicrogigsError:
        return None


@pages.get("/projects/<project_id>")
def project(project_id: str) -> str:
    """A project; its client sees the bids ranked and explained, a freelancer their own."""
    me = viewer()
    page = _market().project_page(me, ProjectId(project_id))  # NotFound: a 404
    owner = me is not None and (g.admin or page.project.client_id == g.member_id)
    ranked = _market().ranked_bids(me, page.project.id) if owner and me else []
    mine = next((v for v in page.bids if v.bid.freelancer_id == g.member_id), None)
    contracts = [_market().contract_page(me, c).contract for c in page.contracts] if me else []
    return render_template(
        "project.html",
        page=page,
        project=page.project,
        owner=owner,
        ranked=ranked,
        mine=mine,
        contracts=contracts,
        # a freelancer holds one contract per project (ContractExists): no second hire
        engaged={c.freelancer_id for c in contracts if not c.status.is_finished},
        commission=_commission_rate(),
        milestones_max=_market().policy.projects.milestones_max,
        brackets=_bracket_labels(),
    )


def _bracket_labels() -> list[str]:
    """Each budget bracket as an option's text, the lower amount read first, as on a card.

    An ``<option>`` holds text only, so each amount sits in its own left-to-right isolate
    (LRI … PDI) rather than a ``<bdi>``, and the range in one of the page's direction (RLI
    in Arabic): a walk-through read «50.00 – 25.00» where a card said «25.00 – 50.00».
    """

    def shown(amount: Money) -> str:
        return "\u2066" + format_money(amount, g.lang).strip("\u200f\u200e") + "\u2069"

    outer = "\u2067" if g.lang == "ar" else "\u2066"
    return [
        f"{outer}{shown(low)} – {shown(high)}\u2069"
        for low, high in _market().policy.projects.brackets
    ]


def _listed(text: str, separators: str = ",،") -> list[str]:
    """The non-empty items of a form's field, split at any of ``separators``, stripped.

    A list is written with commas, Latin or Arabic («فلاتر، تطبيقات, Firebase»).
    """
    return [item.strip() for item in re.split(f"[{re.escape(separators)}]", text) if item.strip()]


def _commission_rate() -> str:
    """The platform's share of each release, as a percent in the reader's language."""
    rate = sum((rule.rate for rule in _market().policy.projects.commission), Decimal(0))
    return format_percent(rate, locale=g.lang, numbering_system="latn")


@pages.post("/projects/<project_id>/<action>")
def project_action(project_id: str, action: str) -> Response:
    """The client closes, cancels, or edits and resubmits a rejected project; a freelancer bids."""
    pid, me, form = ProjectId(project_id), actor(), request.form
    if action == "bids":
        if (terms := _bid_terms()) is not None:
            command(
                lambda k: _market().place_bid(me, pid, **terms, key=k),
                ("أُرسل عرضك إلى العميل", "Your bid was sent to the client"),
            )
    elif action == "resubmit":

        def resubmit(key: str) -> None:
            _market().edit_project(
                me,
                pid,
                title=form.get("title", ""),
                description=form.get("description", ""),
                category_id=_category(),
                bracket=_whole("bracket"),
                duration_days=_whole("duration"),
                skills=_listed(form.get("skills", "")),
                questions=_listed(form.get("questions", ""), "\n"),
                key=key,
            )
            _market().submit_project(me, pid, key=f"{key}-submit")

        command(
            resubmit,
            (
                "عُدِّل مشروعك وأُرسل للمراجعة مجددًا",
                "Your project was edited and sent for review again",
            ),
        )
    elif action == "close":
        command(
            lambda k: _market().close_project(me, pid, key=k),
            ("أُغلق المشروع أمام العروض", "The project no longer takes bids"),
        )
    elif action == "cancel":
        command(
            lambda k: _market().cancel_project(me, pid, key=k),
            (
                "أُلغي المشروع وأعيدت أرصدة العروض",
                "The project was cancelled; bids' credits returned",
            ),
        )
    else:
        abort(404)
    return redirect(url_for("project", project_id=project_id), 303)


class _BidTerms(TypedDict):
    amount: Money
    delivery_days: int
    text: str
    answers: list[str]


def _bid_terms() -> _BidTerms | None:
    """A bid form's terms, as ``place_bid`` and ``edit_bid`` take them.

    ``None``, said to the reader, when the amount is not an amount.
    """
    form = request.form
    try:
        amount, days = _amount("amount"), _whole("days")
    except FormError as error:
        _refuse(error.said())
        return None
    return _BidTerms(
        amount=amount,
        delivery_days=days,
        text=form.get("text", ""),
        answers=form.getlist("answer"),
    )


@pages.post("/projects/<project_id>/bids/<bid_id>/<action>")
def bid_action(project_id: str, bid_id: str, action: str) -> Response:
    """A freelancer edits or withdraws their bid; the client hires it; moderation removes it."""
    pid, bid, me = ProjectId(project_id), BidId(bid_id), actor()
    if action == "edit":
        if (terms := _bid_terms()) is not None:
            command(
                lambda k: _market().edit_bid(me, pid, bid, **terms, key=k),
                ("عُدِّل عرضك", "Your bid was updated"),
            )
    elif action == "withdraw":
        command(
            lambda k: _market().withdraw_bid(me, pid, bid, key=k),
            ("سُحب عرضك", "Your bid was withdrawn"),
        )
    elif action == "remove":
        command(
            lambda k: _market().remove_bid(me, pid, bid, key=k),
            (
                "حُذف العرض وأُعيد رصيده إلى المستقل",
                "The bid was removed and its credit given back to the freelancer",
            ),
        )
    elif action == "hire":
        hired: list[ContractId] = []
        if command(
            lambda k: hired.append(
                _market().hire_bid(
                    me,
                    pid,
                    bid,
                    milestones=_milestone_plans(),
                    # the bid's terms the page showed (a script may leave them out): a
                    # bid edited since offers nothing
                    expected_amount=_shown_total("bid_amount") if _typed("bid_amount") else None,
                    expected_days=_whole("bid_days") if _typed("bid_days") else None,
                    key=k,
                )
            ),
            (
                "أُرسل العقد إلى المستقل؛ يبدأ العمل بعد قبوله وتمويل الدفعة الأولى",
                (
                    "The contract was offered: work starts once the freelancer accepts and you fund"
                    " the first milestone"
                ),
            ),
        ):
            return redirect(url_for("contract", contract_id=hired[0]), 303)
        # refused: back to this bid's form and its message, not to the page's top
        return redirect(url_for("project", project_id=project_id, _anchor=f"hire-{bid}"), 303)
    else:
        abort(404)
    return redirect(url_for("project", project_id=project_id), 303)


@pages.get("/members/<member_id>")
def member_profile(member_id: str) -> str:
    """A member's public profile; a client offers them a contract on an open project.

    As on Upwork and Mostaql, the offer starts from the freelancer: the client chooses one
    of their projects open now, the amount, the days and the milestones.
    """
    page = _market().member_page(MemberId(member_id))  # NotFound: a 404
    profile = page.profile
    me = viewer()
    open_now: list[Project] = []
    if me is not None and not g.admin and g.member_id != profile.member_id:
        engaged = {  # a freelancer holds one contract per project (ContractExists)
            c.project_id
            for c in _market().my_contracts(me)
            if c.freelancer_id == member_id and not c.status.is_finished
        }
        open_now = [  # open, a hire free, and none of it this member's already
            p
            for p in _market().my_projects(me)
            if p.status is ProjectStatus.OPEN and p.hires_left > 0 and p.id not in engaged
        ]
    return render_template(
        "member.html",
        page=page,
        profile=profile,
        projects=open_now,
        brackets=_bracket_labels(),  # the amount must lie in the chosen project's budget
        milestones_max=_market().policy.projects.milestones_max,
    )


@pages.post("/members/<member_id>/offer")
def send_offer(member_id: str) -> Response:
    """A client's private offer to this member, on one of the client's open projects."""
    me, form = actor(), request.form
    back_to = url_for("member_profile", member_id=member_id)
    try:
        amount, days, plans = _amount("amount"), _whole("days"), _milestone_plans()
    except FormError as error:
        _refuse(error.said())
        return redirect(back_to, 303)
    sent: list[ContractId] = []
    if command(
        lambda k: sent.append(
            _market().send_offer(
                me,
                ProjectId(form.get("project", "")),
                MemberId(member_id),
                amount=amount,
                delivery_days=days,
                milestones=plans,
                key=k,
            )
        ),
        (
            "أُرسل العرض الخاص إلى المستقل؛ يبدأ العمل بعد قبوله وتمويل الدفعة الأولى",
            (
                "Your private offer was sent: work starts once the freelancer accepts and you"
                " fund the first milestone"
            ),
        ),
    ):
        return redirect(url_for("contract", contract_id=sent[0]), 303)
    return redirect(back_to, 303)


def _milestone_plans() -> list[MilestonePlan]:
    """The milestones of a hire, offer or proposal form (title and amount per row).

    None, in a hire or an offer: one milestone, the whole amount.
    """
    plans = []
    for n in range(_market().policy.projects.milestones_max):
        title = request.form.get(f"milestone_title_{n}", "").strip()
        amount_text = request.form.get(f"milestone_amount_{n}", "").strip()
        if not title and not amount_text:
            continue
        amount = _amount(f"milestone_amount_{n}")
        plans.append(MilestonePlan(title, amount))
    return plans


@pages.get("/contracts/<contract_id>")
def contract(contract_id: str) -> str:
    """A contract's milestones and escrow, and what its reader may do now."""
    me = actor()
    page = _market().contract_page(me, ContractId(contract_id), before=message_cursor())  # 403/404
    try:
        project = _market().project_page(me, page.contract.project_id)
    except NotFound:  # a private project its freelancer no longer bids on
        title, bid_waiting = "", False
    else:
        title = project.project.terms.title
        bid_waiting = any(  # the bid this offer hired is pending again, now
            v.bid.id == page.contract.bid_id and v.bid.status is BidStatus.PENDING
            for v in project.bids
        )
    client = page.contract.client_id == g.member_id
    freelancer = page.contract.freelancer_id == g.member_id
    funding = client and "fund_milestone" in page.next_commands
    return render_template(
        "contract.html",
        page=page,
        contract=page.contract,
        title=title,
        bid_waiting=bid_waiting,
        can=set(page.next_commands),
        client=client,
        freelancer=freelancer,
        aspects=_aspects(client=client),
        Resolution=Resolution,
        unfunded=_unfunded(page.contract),
        proposal_rows=_proposal_rows(page.contract),
        milestones_max=_market().policy.projects.milestones_max,
        earnings=_earnings(page.contract) if freelancer else None,
        end_days=_days(_market().policy.projects.early_end_answer),
        fees=_client_fees(page.contract) if funding else {},
        balance=_market().balances(me).wallet if funding else None,
        late=page.contract.late(_market().clock.now()),  # work owed past its date
        due_by=(  # the days the bid promised, from the day the freelancer accepted, once
            # money is held for the work (a walk-through: a date beside nothing paid in)
            page.contract.expected_by
            if not page.contract.status.is_finished and page.funded.minor
            else None
        ),
    )


def _days(period: relativedelta) -> int:
    """How many days ``period`` (a policy's) lasts from now, as the library counts it."""
    now = _market().clock.now()
    return (later(now, period) - now).days


def _earnings(contract: Contract) -> tuple[list[tuple[Milestone, Split, str]], Money, Money]:
    """What the freelancer earns of each milestone after the commission, and in all.

    The library's own split (as a bid's net, ``BidView.net``, and each release in the
    ledger): ``(milestones with their splits and what they came to, commission in all,
    earned in all)``. A settled milestone counts what was released of it; one never funded
    of a finished contract, nothing; the others, their amount, as the offer said: each
    split's ``total`` is what it counts, so every row adds up and so does their sum. What it
    came to: ``released``, ``refunded``, ``split``, ``never`` (funded), or ``""`` (to come).
    """
    commission = _market().policy.projects.commission
    zero = Money.zero(contract.total.currency)
    over = contract.status.is_finished

    def came_to(m: Milestone) -> tuple[Money, str]:
        if m.status.is_settled:
            return m.released or zero, m.status.value  # released, refunded or split
        if over and not m.status.holds_money:
            return zero, "never"
        return m.amount, ""

    rows = []
    for m in contract.milestones:
        basis, outcome = came_to(m)
        rows.append((m, split(basis, commission), outcome))
    return (
        rows,
        sum((part.commission for _m, part, _o in rows), zero),
        sum((part.seller_net for _m, part, _o in rows), zero),
    )


def _client_fees(contract: Contract) -> dict[int, Money]:
    """The client's fee on each milestone not funded yet, as funding charges it now."""
    fees = _market().policy.projects.client_fees
    return {
        m.number: charge(m.amount, fees)
        for m in contract.milestones
        if m.status is MilestoneStatus.PLANNED
    }


def _unfunded(contract: Contract) -> Money:
    """What a proposal of milestones must add up to: the planned (unfunded) ones' total."""
    planned = (m.amount for m in contract.milestones if m.status is MilestoneStatus.PLANNED)
    return sum(planned, Money.zero(contract.total.currency))


def _proposal_rows(contract: Contract) -> tuple[int, int, list[tuple[str, str]]]:
    """The rows a proposal may fill, the number the first will take, the planned ones in them.

    Only unfunded milestones change: the kept ones leave room for the rest of the policy's
    most, numbered on from the contract's last number, filled with the planned ones.
    """
    kept = sum(m.status is not MilestoneStatus.PLANNED for m in contract.milestones)
    planned = [
        (m.title, str(m.amount.amount))
        for m in contract.milestones
        if m.status is MilestoneStatus.PLANNED
    ]
    return _market().policy.projects.milestones_max - kept, contract.next_number, planned


def _aspects(*, client: bool) -> tuple[Aspect, ...]:
    """What a review rates: the client six aspects of the work, the freelancer one."""
    return CLIENT_ASPECTS if client else (Aspect.OVERALL,)


def _number() -> int:
    """The milestone a contract's form acts on (read inside the action: a refusal if bad)."""
    return _whole("number")


def _ratings(*, client: bool) -> list[AspectRating]:
    return [AspectRating(a, _whole(f"stars_{a.value}")) for a in _aspects(client=client)]


@pages.post("/contracts/<contract_id>/<action>")
def contract_action(contract_id: str, action: str) -> Response:
    """One action on a contract, by its name; each says what it did."""
    cid, me, form = ContractId(contract_id), actor(), request.form
    market, text = _market(), form.get("body", "")
    parties = market.contract_page(me, cid).contract  # others: 403
    client, freelancer = parties.client_id == g.member_id, parties.freelancer_id == g.member_id
    answering = action in {"answer_offer", "answer_proposal", "answer_end", "answer_cancel"}
    agree = answering and _yes_or_no("agree")  # never a default
    method = _payment_method("balance") if action == "fund" else None
    resolution = (
        _choice(Resolution, "resolution", form.get("resolution", ""))
        if action == "resolve"
        else None
    )
    sending = (action == "submit" and freelancer) or (
        action in {"dispute_note", "message"} and (client or freelancer)
    )  # a submission is the freelancer's; a dispute and the conversation hear both sides
    side = "f" if freelancer else "c"
    files = _keep_uploads(f"contracts/{cid}", side) if sending else []
    actions: dict[str, Callable[[str], object]] = {
        "answer_offer": lambda k: market.answer_offer(me, cid, accept=agree, key=k),
        "withdraw_offer": lambda k: market.withdraw_offer(me, cid, key=k),
        "fund": lambda k: market.fund_milestone(me, cid, _number(), method, key=k),
        "submit": lambda k: market.submit_milestone(me, cid, _number(), text, files, key=k),
        "propose": lambda k: market.propose_milestones(me, cid, _milestone_plans(), key=k),
        "answer_proposal": lambda k: market.answer_proposal(me, cid, agree=agree, key=k),
        "approve": lambda k: market.approve_milestone(me, cid, _number(), key=k),
        "changes": lambda k: market.request_changes(me, cid, _number(), text, key=k),
        "dispute": lambda k: market.dispute_milestone(me, cid, _number(), text, key=k),
        "dispute_note": lambda k: market.add_dispute_note(me, cid, _number(), text, files, key=k),
        "end": lambda k: market.end_contract(me, cid, text, key=k),
        "answer_end": lambda k: market.answer_end(
            me, cid, agree=agree, reason=None if agree else text, key=k
        ),
        "ask_cancel": lambda k: market.ask_to_cancel_contract(me, cid, key=k),
        "take_back": lambda k: market.take_back_cancellation(me, cid, key=k),
        "answer_cancel": lambda k: market.answer_contract_cancellation(me, cid, agree=agree, key=k),
        "message": lambda k: market.send_contract_message(me, cid, text, files, key=k),
        "review": lambda k: market.review_contract(
            me,
            cid,
            _ratings(client=client),
            text,
            key=k,
        ),
        "resolve": lambda k: market.resolve_milestone(
            me,
            cid,
            _number(),
            resolution or Resolution.RELEASE,
            _optional_amount("client_refund", required=resolution is Resolution.SPLIT),
            reason=text,
            key=k,
        ),
    }
    if action not in actions:
        abort(404)

    def done() -> tuple[str, str]:  # said once it is done: the second review publishes both
        if action in _CONTRACT_REFUSED and not agree:
            return _CONTRACT_REFUSED[action]
        if action == "review" and len(market.contract_page(me, cid).reviews) == len(_SIDES):
            return _BOTH_PUBLISHED
        if action == "end" and market.contract_page(me, cid).contract.status.is_finished:
            return _ENDED_AT_ONCE  # nothing was held: no answer to wait for
        return _CONTRACT_DONE[action]

    if not command(actions[action], done):
        _discard(files)  # a submission the rules refused keeps no files
    return redirect(url_for("contract", contract_id=contract_id), 303)


_ENDED_AT_ONCE: Final = (
    "أُنهي العقد: لم يكن فيه مبلغ محجوز، فلا ينتظر رد المستقل",
    "The contract has ended: no money was held in it, so no answer from the freelancer is needed",
)
"""What ending a contract says when it ends at once, nothing having been funded."""
_CONTRACT_DONE: Final = {
    "message": ("أُرسلت رسالتك", "Your message was sent"),
    "answer_offer": (
        "قبلت العقد؛ يبدأ العمل حين يموّل العميل الدفعة",
        "Contract accepted: work starts once the client funds a milestone",
    ),
    "withdraw_offer": (
        "سحبت عرض العقد؛ لم يعد بإمكان المستقل قبوله",
        "You withdrew the offer: the freelancer can no longer accept it",
    ),
    "fund": (
        "مُوِّلت الدفعة وحُجز مبلغها في الضمان",
        "The milestone is funded: its money is held in escrow",
    ),
    "submit": (
        "سُلِّمت الدفعة؛ تنتظر موافقة العميل",
        "Milestone submitted: it waits for the client's approval",
    ),
    "approve": (
        "وافقت على الدفعة وحُوِّل مبلغها للمستقل بعد العمولة",
        "Milestone approved: the freelancer is paid, less commission",
    ),
    "changes": (
        "طُلبت تعديلات على الدفعة",
        "Changes were asked for on the milestone",
    ),
    "dispute": (
        "فُتح نزاع على الدفعة وتراجعه الإدارة",
        "The milestone is disputed: an admin will decide",
    ),
    "dispute_note": (
        "أُضيف ردك إلى النزاع؛ يقرؤه المشرف قبل أن يقرر",
        "Your word is added to the dispute: the admin reads it before deciding",
    ),
    "end": (
        (
            "أُرسل طلب إنهاء العقد إلى المستقل، ويتوقف العمل. يعود إليك المبلغ المحجوز عند"
            " موافقته، أو تلقائيًا بعد المهلة إن لم يرد"
        ),
        (
            "Your request to end the contract was sent to the freelancer, and work stops. The money"
            " held comes back to you when they agree, or by itself if they do not answer in time"
        ),
    ),
    "answer_end": (
        "وافقت على إنهاء العقد وأُعيد المبلغ المحجوز",
        "You agreed to end the contract: money held went back",
    ),
    "ask_cancel": (
        "أُرسل طلب الإلغاء بالتراضي للطرف الآخر",
        "Your cancellation request was sent to the other side",
    ),
    "take_back": (
        "سحبت طلب الإلغاء",
        "You took the cancellation request back",
    ),
    "answer_cancel": (
        "أُلغي العقد بالتراضي وأُعيد المبلغ المحجوز",
        "The contract was cancelled by agreement: money held went back",
    ),
    "propose": (
        "أُرسل اقتراحك للدفعات إلى الطرف الآخر؛ تتغير الدفعات حين يوافق",
        "Your milestones were proposed: they change once the other side agrees",
    ),
    "answer_proposal": (
        "وافقت على الدفعات المقترحة وحلّت محل الدفعات غير المموّلة",
        "You agreed: the proposed milestones replace the unfunded ones",
    ),
    "review": (
        "حُفظ تقييمك؛ يُنشر حين يقيّم الطرفان أو تنتهي المهلة",
        "Your review is saved: it is published when both sides have reviewed or the window closes",
    ),
    "resolve": (
        "حُسم النزاع على الدفعة",
        "The milestone's dispute was decided",
    ),
}
"""What the person sees after each action on a contract succeeds."""
_CONTRACT_REFUSED: Final = {
    "answer_offer": (
        "اعتذرت عن العقد",
        "You declined the contract",
    ),
    "answer_end": (
        "اعترضت على الإنهاء وفُتح نزاع على المبلغ المحجوز",
        "You disputed the early end: an admin will decide on the money held",
    ),
    "answer_cancel": (
        "رفضت الإلغاء، ويستمر العقد",
        "You refused to cancel: the contract goes on",
    ),
    "answer_proposal": (
        "رفضت الدفعات المقترحة، وتبقى الدفعات كما هي",
        "You turned the proposal down: the milestones stay as they are",
    ),
}
"""What the person sees after saying no to an offer, an early end, a cancellation or a
proposal of milestones."""
_SIDES: Final = ("client", "freelancer")
"""A contract's two sides, each of whom reviews the other."""
_BOTH_PUBLISHED: Final = (
    "نُشر التقييمان: تقييمك وتقييم الطرف الآخر",
    "Both reviews are published: yours and the other side's",
)


# --- administration ------------------------------------------------------------------


@pages.get("/admin")
def admin() -> str:
    if not g.admin:
        abort(403)
    queues = _market().moderation(actor())
    return render_template(
        "admin.html",
        queue=queues.services,
        asked=queues.requests,
        disputed=queues.disputes,
        contract_disputes=queues.contract_disputes,
        paused=queues.paused,
        titles={  # each disputed contract's project, named
            c.id: _market().project_page(actor(), c.project_id).project.terms.title
            for c in queues.contract_disputes
        },
        projects=_market().project_queue(actor()),
        payouts=(queue := _market().payout_queue(actor())),
        # each seller's payout methods now: a withdrawal's own may have been removed since,
        # or (one from before withdrawals were recorded) not be known
        methods={
            seller: _market().member(actor(), seller).payout_methods
            for seller in {w.seller_id for w in queue}  # each seller read once
        },
        members=_market().members(actor(), limit=1000),
    )


@pages.post("/admin/members/<member_id>/professional")
def professional(member_id: str) -> Response:
    grant = _yes_or_no("grant", ["امنح", "اسحب"], ["grant", "remove"])
    use_case = _market().grant_professional if grant else _market().remove_professional
    done = (
        ("مُنح البائع مستوى المحترف", "The seller is now professional")
        if grant
        else ("أُزيل مستوى المحترف", "The professional level was removed")
    )
    command(lambda k: use_case(actor(), MemberId(member_id), key=k), done)
    return back()


@pages.post("/admin/members/<member_id>/suspension")
def suspension(member_id: str) -> Response:
    """An admin suspends a member with a reason, or lifts the suspension (the library checks)."""
    if _yes_or_no("suspend", ["أوقف", "ارفع الإيقاف"], ["suspend", "reinstate"]):
        reason = request.form.get("reason", "")
        command(
            lambda k: _market().suspend_member(actor(), MemberId(member_id), reason, key=k),
            ("أُوقف الحساب", "The account is suspended"),
        )
    else:
        command(
            lambda k: _market().reinstate_member(actor(), MemberId(member_id), key=k),
            ("رُفع الإيقاف عن الحساب", "The account may trade again"),
        )
    return back("/admin")


def _yes_or_no(
    name: str,
    arabic_choices: Sequence[str] = ("نعم", "لا"),
    english_choices: Sequence[str] = ("yes", "no"),
) -> bool:
    """The form's ``yes`` or ``no`` in ``name``: anything else (nothing) is a 400, never a no."""
    answer = request.form.get(name, "")
    if answer not in {"yes", "no"}:
        raise FormError.not_a_choice(
            name=name,
            typed=answer,
            arabic_choices=arabic_choices,
            english_choices=english_choices,
        )
    return answer == "yes"


@pages.post("/admin/withdrawals/<withdrawal_id>")
def settle_withdrawal(withdrawal_id: str) -> Response:
    """An admin records the payout provider's answer: paid out, or failed (the library checks)."""
    paid = _yes_or_no("paid", ["تم التحويل", "فشل التحويل"], ["paid out", "payout failed"])
    command(
        lambda k: _market().settle_withdrawal(
            actor(), WithdrawalId(withdrawal_id), paid=paid, key=k
        ),
        ("سُجّل التحويل", "Recorded as paid out")
        if paid
        else (
            "سُجّل فشل التحويل وعاد المبلغ إلى أرباح البائع",
            "Recorded as failed; the money is back in the seller's earnings",
        ),
    )
    return back("/admin")


@pages.post("/admin/members/<member_id>/sign-out")
def sign_out_everywhere(member_id: str) -> Response:
    """An admin ends every session and revokes every API token of a member, at once."""
    if not g.admin:
        abort(403)
    accounts = _host().accounts
    counts = sessions, tokens = accounts.end_sessions(member_id), accounts.revoke_tokens(member_id)
    log.info("admin %s signed %s out: %d sessions, %d tokens", g.member_id, member_id, *counts)
    tell(
        f"أُنهيت جلساته ({sessions}) وأُلغيت مفاتيحه ({tokens})",
        f"Signed out everywhere: {sessions} sessions ended, {tokens} tokens revoked",
        "ok",
    )
    return back("/admin")


@pages.post("/admin/<kind>/<item_id>")
def moderate(kind: str, item_id: str) -> Response:
    """Show a service, a request or a project waiting for review, or reject it with a reason."""
    market = _market()
    use_cases: dict[str, Callable[..., None]] = {
        "services": lambda k, r: market.moderate_service(
            actor(), ServiceId(item_id), reason=r, key=k
        ),
        "requests": lambda k, r: market.moderate_request(
            actor(), RequestId(item_id), reason=r, key=k
        ),
        "projects": lambda k, r: market.moderate_project(
            actor(), ProjectId(item_id), reason=r, key=k
        ),
    }
    if kind not in use_cases:
        abort(404)
    # the decision is said, never read from a reason left empty: a rejection whose reason
    # was emptied (a browser without form checks, a direct post) published the item
    decision = request.form.get("decision", "")
    if decision not in {"approve", "reject"}:
        raise FormError.not_a_choice(
            name="decision",
            typed=decision,
            arabic_choices=["قبول", "رفض"],
            english_choices=["approve", "reject"],
        )
    reason = request.form.get("reason", "") if decision == "reject" else None
    done = (
        ("رُفض وأُبلغ صاحبه بالسبب", "Rejected; its owner is told why")
        if decision == "reject"
        else ("قُبل ونُشر", "Approved and published")
    )
    command(lambda k: use_cases[kind](k, reason), done)
    return back()


# --- accounts ------------------------------------------------------------------------


@pages.route("/register", methods=["GET", "POST"])
def register() -> str | Response:
    if request.method == "GET":
        return render_template("register.html", problems={})
    form = request.form
    password = form.get("password", "")
    given = {
        name: form.get(name, "") for name in ("username", "email", "first_name", "family_name")
    }
    # every field's refusal at once, each under its field (a walk-through: one at a time)
    problems = {
        field: _said(error, g.lang) for field, error in registration_refusals(**given).items()
    }
    refusal = password_refusal(password, *given.values())
    if refusal is not None:
        problems["password"] = _password_refused(refusal)
    if problems:
        arabic, english = _FIELDS_REFUSED
        _refuse(arabic if g.lang == "ar" else english)
        return render_template("register.html", problems=problems), 400  # type: ignore[return-value]
    created: list[tuple[Account, bool]] = []
    taken: dict[str, str] = {}

    def register_or_say_what_is_taken(key: str) -> None:
        try:
            created.append(_host().register(**given, password=password, key=key))
        except (UsernameTaken, EmailTaken) as error:
            # said under the field to change (a walk-through: a banner at the top)
            taken["username" if isinstance(error, UsernameTaken) else "email"] = _said(
                error, g.lang
            )

    if not command(register_or_say_what_is_taken):
        return render_template("register.html", problems={}), 400  # type: ignore[return-value]
    if taken:
        _refuse(_FIELDS_REFUSED[0] if g.lang == "ar" else _FIELDS_REFUSED[1])
        return render_template("register.html", problems=taken), 400  # type: ignore[return-value]
    account, made = created[0]
    if not made:
        # a replay of a registration already made (its key sent again): it never logs
        # anyone in, whatever password it carries
        tell(
            "هذا الحساب موجود: سجّل الدخول بكلمة مروره",
            "This account exists already: log in with its password",
            "error",
        )
        return redirect(url_for("login"), 303)
    _log_in(account.member_id, is_admin=False)
    send_verification(account.member_id, account.email)  # after: a log-in starts afresh
    # on to where the visitor was going (a walk-through: an order being chosen was lost)
    going = form.get("next")
    return redirect(local(going) if going else url_for("account"), 303)


_FIELDS_REFUSED: Final = (
    "لم يُنشأ الحساب: صحّح ما ذُكر تحت كل حقل",
    "No account was made: correct what is said under each field",
)


def _password_refused(refusal: str) -> str:
    """What a refusal of :func:`accounts.password_refusal` says, in the reader's language."""
    arabic, english = PASSWORD_REFUSALS[refusal]
    return arabic if g.lang == "ar" else english


@pages.get("/verify/<token>")
def verify(token: str) -> Response:
    member_id = _host().accounts.use_verification(token)
    confirmed = g.member_id and not g.admin and _market().member(actor()).email_verified
    if member_id is None and confirmed:  # the reader's own link, followed again
        tell(
            "بريدك الإلكتروني مؤكَّد من قبل، ولا حاجة إلى رابط آخر.",
            "Your e-mail address is already confirmed: no other link is needed.",
            "ok",
        )
        return redirect(url_for("account"), 303)
    if member_id is None:  # unknown, used up or expired: the same answer for each
        message = (
            "رابط التأكيد غير صالح: استُخدم أو انتهت مدته. إن لم يُؤكَّد بريدك بعد، فاطلب "
            "رابطًا جديدًا من صفحة حسابك."
            if g.lang == "ar"
            else "This confirmation link is not valid: used or expired. If your address is "
            "not confirmed yet, ask for a new link on your account page."
        )
        page = render_template("error.html", message=message, back_to="/account")
        return page, 404  # type: ignore[return-value]
    command(
        lambda _k: _market().verify_email(MemberId(member_id), key=f"verify-{member_id}"),
        ("تم تأكيد بريدك الإلكتروني", "Your e-mail address is confirmed"),
    )
    session.pop("verify_link", None)
    # the member's own cart, where they were stopped at paying (a walk-through), else home
    if g.member_id == member_id and not g.admin and _market().cart(actor()).lines:
        return redirect(url_for("cart"), 303)
    return redirect(url_for("account"), 303)


@pages.post("/verify/again")
def resend_verification() -> Response:
    me = actor()
    member = _market().member(me)
    if not member.email_verified:
        send_verification(member.id, member.email)
        flash(
            "أرسلنا إليك رابط تأكيد جديدًا" if g.lang == "ar" else "A new link is on its way",
            "ok",
        )
    return redirect(local(request.form.get("next") or "/account"), 303)  # where its button is


@pages.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    if request.method == "GET":
        return render_template("login.html", next=request.args.get("next", "/"))
    account = _host().accounts.check(
        request.form.get("email", ""), request.form.get("password", "")
    )
    if account is None:
        flash(
            "البريد أو كلمة المرور غير صحيحة" if g.lang == "ar" else "Wrong e-mail or password",
            "error",
        )
        return render_template("login.html", next=request.form.get("next", "/")), 401  # type: ignore[return-value]
    _log_in(account.member_id, is_admin=account.is_admin)
    # this browser is the account's own from now on (devices.py)
    return remember_device(redirect(local(request.form.get("next")), 303), account.email)


def _log_in(member_id: str, *, is_admin: bool) -> None:
    lang = session.get("lang", "ar")
    session.renew()  # type: ignore[attr-defined]  # a new session at each log-in: no fixation
    session.clear()
    session.update(member=member_id, admin=is_admin, lang=lang, csrf=secrets.token_urlsafe(24))
    session[LOGGED_IN_AT] = _host().accounts.clock()  # the session's 12 hours start


@pages.post("/logout")
def logout() -> Response:
    """End the session server side: its cookie, copied or not, logs nobody in again."""
    lang = session.get("lang", "ar")
    session.renew()  # type: ignore[attr-defined]
    session.clear()
    session["lang"] = lang
    return redirect("/", 303)


@pages.route("/account/password", methods=["GET", "POST"])
def change_password() -> str | Response:
    """A new password: every other session of the member ends, every API token is revoked."""
    me = actor()
    if request.method == "GET":
        return render_template("password.html")
    accounts = _host().accounts
    account = accounts.get(str(me.member_id))
    password = request.form.get("password", "")
    current = request.form.get("current", "")
    if account is None or accounts.check(account.email, current) is None:
        flash(
            "كلمة المرور الحالية غير صحيحة" if g.lang == "ar" else "Wrong current password",
            "error",
        )
        return render_template("password.html"), 401  # type: ignore[return-value]
    refusal = password_refusal(password, account.email, *_names_of(account.member_id))
    if refusal is not None:
        flash(_password_refused(refusal), "error")
        return render_template("password.html"), 400  # type: ignore[return-value]
    accounts.set_password(account.member_id, password)
    accounts.end_sessions(account.member_id)
    accounts.revoke_tokens(account.member_id)
    _log_in(account.member_id, is_admin=account.is_admin)  # this device stays logged in
    tell(
        "غُيّرت كلمة المرور وأُنهيت جلساتك الأخرى",
        "Password changed; your other sessions ended",
        "ok",
    )
    return redirect(url_for("dashboard"), 303)


RESET_AGE: Final = 3600
"""How long a password-reset link works (once): an hour."""


@pages.route("/password/forgot", methods=["GET", "POST"])
def forgot_password() -> str | Response:
    """Mail a reset link to the address, if an account holds it: the same answer either way."""
    if request.method == "GET":
        return render_template("password_forgot.html")
    host = _host()
    account = host.accounts.holder(request.form.get("email", ""))
    if account is not None:
        token = host.accounts.issue_reset(account.member_id, RESET_AGE)
        base = current_app.config["BASE_URL"]  # never a Host header an attacker chose
        link = (
            base + url_for("reset_password", token=token)
            if base
            else url_for("reset_password", token=token, _external=True)
        )
        host.mail(
            account.email,
            "أعد تعيين كلمة المرور / Reset your password",
            f"{link}\n\nيعمل الرابط مرة واحدة خلال ساعة؛ إن لم تطلبه فتجاهله."
            " / The link works once, within an hour; if you did not ask, ignore it.",
        )
    flash(  # whether the address has an account is not said (OWASP: no enumeration here)
        "إن كان لهذا البريد حساب فقد أرسلنا إليه رابطًا لإعادة تعيين كلمة المرور، يعمل ساعة."
        if g.lang == "ar"
        else "If an account has this address, a link to reset its password is on its way "
        "(it works for an hour).",
        "ok",
    )
    if _host().demo:  # a demo mails nothing: it never shows the link either (anyone could take it)
        flash(
            "في النسخة التجريبية لا يُرسل بريد فعلًا: يُكتب الرابط في سجل الخادم."
            if g.lang == "ar"
            else "A demo sends no mail: the link is written to the server's log.",
            "ok",
        )
    return redirect(url_for("login"), 303)


def _dead_reset_link() -> Response:
    """A reset link unknown, used or expired: the same 404 for each, with a way to a new one."""
    message = (
        "رابط إعادة التعيين غير صالح: استُخدم أو انتهت مدته. اطلب رابطًا جديدًا."
        if g.lang == "ar"
        else "This reset link is not valid: used or expired. Ask for a new one."
    )
    page = render_template(
        "error.html",
        message=message,
        back_to="/password/forgot",
        back_label=("اطلب رابطًا جديدًا", "Ask for a new link"),
    )
    return Response(page, 404)


def _names_of(member_id: str) -> tuple[str, ...]:
    """The member's username and names, which their password may not be built on.

    None for a site admin's account, which is no member of the marketplace (the demo's
    ``staff``): its e-mail alone is its own.
    """
    try:
        member = _market().member(Actor.member(MemberId(member_id)))
    except NotFound:
        return ()
    return member.username, member.first_name, member.family_name


@pages.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> str | Response:
    """A new password from a mailed link: every session ends and every API token is revoked."""
    accounts = _host().accounts
    owner = accounts.reset_member(token)  # a dead link says so first, before any password
    if owner is None:  # is judged (judging one costs work: never for a link made up)
        return _dead_reset_link()
    if request.method == "GET":
        return render_template("password_reset.html", token=token)
    password = request.form.get("password", "")
    account = accounts.get(owner)
    # said before the link is used: it is not used up by a typo
    refusal = password_refusal(password, account.email if account else "", *_names_of(owner))
    if refusal is not None:
        flash(_password_refused(refusal), "error")
        return render_template("password_reset.html", token=token), 400  # type: ignore[return-value]
    member_id = accounts.use_reset(token)
    if member_id is None:  # unknown, used or expired: the same answer for each
        return _dead_reset_link()
    accounts.set_password(member_id, password)
    accounts.end_sessions(member_id)
    accounts.revoke_tokens(member_id)
    tell(
        "غُيّرت كلمة المرور وأُنهيت جلساتك كلها؛ ادخل بالكلمة الجديدة",
        "Password changed and every session ended: log in with the new one",
        "ok",
    )
    return redirect(url_for("login"), 303)


@pages.get("/lang/<code>")
def language(code: str) -> Response:
    session["lang"] = code if code in LANGUAGES else "ar"
    return redirect(local(request.args.get("next")), 303)


def _cookies_secure(*, demo: bool, testing: bool) -> bool:
    """Cookies over HTTPS only, as shipped: a site is served over TLS (OWASP, sessions).

    ``MICROGIGS_HTTPS=0`` lets a site served over plain HTTP keep its sessions (an intranet
    without TLS); a demo (on this machine) and the test app send them over HTTP too.
    """
    chosen = os.environ.get("MICROGIGS_HTTPS")
    if chosen in {"0", "1"}:
        return chosen == "1"
    return not (demo or testing)


def url_for(endpoint: str, **values: object) -> str:
    """Flask's ``url_for`` for this host's pages (``"cart"`` is ``"pages.cart"``)."""
    return _url_for(endpoint if "." in endpoint else f"pages.{endpoint}", **values)


def _dollars(text: str | None) -> Money | None:
    """An amount as typed, in the policy's currency (a sign kept), or ``None`` if it is none.

    Whether a negative or zero amount is allowed is the library's rule, said with the value
    as typed; the host only reads.
    """
    typed = _DOLLAR_SIGN.sub("", (text or "").strip(), count=1)
    if not _AMOUNT.fullmatch(typed):
        return None  # "1e30", "1E+12", "１٠" (full width), "1_000", "2.555": not an amount here
    try:
        return Money.of(typed.translate(_ARABIC_INDIC).replace("\u066b", "."), KHAMSAT.currency)
    except MicrogigsError as error:  # past what any amount may be: said so, not "not read"
        raise FormError(translate_error(error, "ar"), translate_error(error, "en")) from None


def _read_whole(text: str | None) -> int | None:
    """A whole number as typed (a sign kept; Western or Arabic-Indic digits), or ``None``."""
    typed = (text or "").strip()
    return int(typed.translate(_ARABIC_INDIC)) if _WHOLE.fullmatch(typed) else None


class FormError(Exception):
    """A form's field the host cannot read as what it asks for: said, and nothing is done.

    The message names the field and quotes what was typed, in the reader's language. Inside
    :func:`command` it is flashed like a refusal; elsewhere :func:`_unreadable` says it.
    """

    def __init__(self, arabic: str, english: str) -> None:
        super().__init__(english)
        self.arabic, self.english = arabic, english

    def said(self) -> str:
        """The message in the reader's language."""
        return self.arabic if g.get("lang", "ar") == "ar" else self.english

    @classmethod
    def too_many_files(cls, chosen: int) -> FormError:
        """More files than one delivery or submission carries (``MAX_FILES``)."""
        return cls(
            f"عدد الملفات التي اخترتها {chosen}، ويُرسل مع الرسالة أو التسليم {MAX_FILES}"
            " ملفات على الأكثر. لم يُرسل شيء.",
            f"You chose {chosen} files; a message or a delivery carries at most {MAX_FILES}."
            " Nothing was sent.",
        )

    @classmethod
    def unknown_username(cls, name: str) -> FormError:
        """No member has the username a client typed to invite."""
        return cls(
            f"لا يوجد عضو اسم المستخدم له «{name}».", f"No member has the username “{name}”."
        )

    @classmethod
    def no_room(cls) -> FormError:
        """A sender's files in an order or contract are at ``PLACE_FILES`` or ``PLACE_BYTES``."""
        megabytes = PLACE_BYTES // 1024 // 1024
        return cls(
            f"لا مكان لملفات أخرى هنا: يرسل كل طرف في الطلب أو العقد {PLACE_FILES} ملف على"
            f" الأكثر، و{megabytes} ميغابايت في مجموعها. لم يُرسل شيء.",
            f"No room for more files here: each party sends an order or a contract at most"
            f" {PLACE_FILES} files, {megabytes} MB in all. Nothing was sent.",
        )

    @classmethod
    def required(cls, name: str) -> FormError:
        """The field ``name`` was left empty."""
        arabic, english = field_name(name)
        return cls(f"{arabic}: هذا الحقل مطلوب.", f"{english}: this field is required.")

    @classmethod
    def not_whole(cls, name: str, typed: str) -> FormError:
        """``typed`` in the field ``name`` is not a whole number."""
        (arabic, english), shown = field_name(name), typed[:40]
        return cls(
            f"{arabic}: لم نفهم «{shown}»؛ اكتب عددًا صحيحًا مثل 3.",
            f"{english}: “{shown}” is not a whole number; write one like 3.",
        )

    @classmethod
    def not_amount(cls, name: str, typed: str) -> FormError:
        """``typed`` in the field ``name`` is not an amount."""
        (arabic, english), shown = field_name(name), typed[:40]
        return cls(
            f"{arabic}: لم نفهم «{shown}»؛ اكتب مبلغًا بالدولار مثل 25.00"
            " (منزلتان عشريتان على الأكثر).",
            f"{english}: “{shown}” is not an amount; write one like 25.00 (at most two decimals).",
        )

    @classmethod
    def not_a_choice(
        cls, name: str, typed: str, arabic_choices: list[str], english_choices: list[str]
    ) -> FormError:
        """``typed`` in the field ``name`` is none of its choices (named as the page does)."""
        (arabic, english), shown = field_name(name), typed[:40]
        return cls(
            f"{arabic}: لا يوجد خيار «{shown}»؛ اختر واحدًا من: {'، '.join(arabic_choices)}.",
            f"{english}: there is no choice “{shown}”; choose one of: "
            f"{', '.join(english_choices)}.",
        )

    @classmethod
    def no_bracket(cls, typed: str) -> FormError:
        """The projects' filter names a budget bracket that does not exist."""
        shown = typed[:20]
        return cls(
            f"فئة الميزانية: لا توجد فئة «{shown}»، فعُرضت المشاريع بكل الميزانيات.",
            f"Budget bracket: there is no bracket “{shown}”; projects of every budget are shown.",
        )

    @classmethod
    def untitled_upgrade(cls, n: int) -> FormError:
        """An upgrade's price or days were given without its title."""
        arabic, english = field_name(f"upgrade_title_{n}")
        return cls(
            f"{arabic}: اكتب عنوان التطوير أو امسح سعره وأيامه.",
            f"{english}: give the upgrade a title, or clear its price and days.",
        )


_FIELDS: Final = {
    "quantity": ("عدد مرات الطلب", "Quantity"),
    "stars": ("عدد النجوم", "Stars"),
    "amount": ("المبلغ", "Amount"),
    "total": ("المجموع", "Total"),
    "decision": ("القرار", "Decision"),
    "account": ("الحساب", "Account"),
    "category": ("التصنيف", "Category"),
    "price": ("السعر", "Price"),
    "budget": ("الميزانية", "Budget"),
    "refund": ("المبلغ المُعاد للمشتري", "Refund to the buyer"),
    "client_refund": ("المبلغ المُعاد للعميل", "Refund to the client"),  # a contract's split
    "outcome": ("قرار النزاع", "The dispute's outcome"),
    "days": ("مدة التسليم بالأيام", "Delivery days"),
    "duration": ("المدة المتوقعة بالأيام", "Expected duration (days)"),
    "hires": ("عدد المستقلين المطلوب توظيفهم", "Freelancers to hire"),
    "bracket": ("فئة الميزانية", "Budget bracket"),
    "number": ("رقم الدفعة", "Milestone number"),
    "index": ("طريقة السحب", "Payout method"),
    "max_price": ("السعر الأقصى", "Highest price"),
    "ordering": ("الترتيب", "Sort by"),
    "kind": ("نوع طريقة السحب", "Payout method's kind"),
    "method": ("طريقة الدفع", "Payment method"),
    "payout_method": ("يُحوَّل إلى", "Paid to"),
    "paid": ("نتيجة التحويل", "Payout outcome"),
    "suspend": ("الإيقاف", "Suspension"),
    "grant": ("مستوى المحترف", "Professional level"),
    "agree": ("جوابك", "Your answer"),
    "status": ("حالة الطلب", "Order status"),
    "visibility": ("ظهور المشروع", "Who sees the project"),
    "resolution": ("القرار في النزاع", "Decision on the dispute"),
    "upgrade_price": ("سعر التطوير {n}", "Upgrade {n}'s price"),
    "upgrade_days": ("الأيام الإضافية للتطوير {n}", "Upgrade {n}'s extra days"),
    "upgrade_title": ("عنوان التطوير {n}", "Upgrade {n}'s title"),
    "milestone_amount": ("مبلغ الدفعة {n}", "Milestone {n}'s amount"),
}
"""Each numeric field of the site's forms, as its reader knows it (Arabic, English)."""


def field_name(name: str) -> tuple[str, str]:
    """A form field's name for people: ``upgrade_days_0`` is "upgrade 1's extra days"."""
    base, _, number = name.rpartition("_")
    if base in _FIELDS and number.isdigit():
        arabic, english = _FIELDS[base]
        n = int(number) + 1
        return arabic.format(n=n), english.format(n=n)
    rated, _, value = name.partition("_")
    aspect = next((a for a in Aspect if a.value == value), None)
    if rated == "stars" and aspect is not None:  # a contract's review: stars_on_time
        return f"عدد نجوم «{label(aspect, 'ar')}»", f"Stars for {label(aspect, 'en')}"
    arabic, english = _FIELDS.get(name, (name, name))
    return arabic, english


def _category() -> CategoryId:
    """The category a form chose: required (not "no category with the id ''")."""
    name = "category"
    chosen = request.form.get(name, "").strip()
    if not chosen:
        raise FormError.required(name)
    return CategoryId(chosen)


def _typed(name: str) -> str:
    """What was typed in ``name`` (the form's field, else the address's), stripped."""
    given = request.form if request.method == "POST" else request.args
    return (given.get(name) or "").strip()


def _whole(name: str, default: int | None = None) -> int:
    """The whole number typed in the field ``name``; ``default`` when left empty.

    What is not a whole number (``abc``, ``2.5``) is a :class:`FormError` naming the field
    and quoting it; so is an empty field without a default. A number out of range is the
    library's to refuse, with the value as typed: the host never clamps or replaces it.
    """
    typed = _typed(name)
    if not typed:
        if default is None:
            raise FormError.required(name)
        return default
    number = _read_whole(typed)
    if number is None:
        raise FormError.not_whole(name, typed)
    return number


def _optional_amount(name: str, *, required: bool = False) -> Money | None:
    """:func:`_amount`, or ``None`` when the field is left empty and not ``required``."""
    return _amount(name) if required or _typed(name) else None


def _amount(name: str) -> Money:
    """The amount typed in the field ``name``, in the policy's currency.

    Empty, or not an amount (``abc``, ``2.555``, ``1e3``): a :class:`FormError` naming the
    field and quoting what was typed. Whether the amount is allowed (more than zero, within
    a range) is the library's rule, said with the amount as typed.
    """
    typed = _typed(name)
    if not typed:
        raise FormError.required(name)
    amount = _dollars(typed)
    if amount is None:
        raise FormError.not_amount(name, typed)
    return amount


@pages.app_errorhandler(FormError)
def _unreadable(error: FormError) -> Response | tuple[str, int]:
    """A field read before the use case ran: back to the form with the message (a POST)."""
    if request.method == "POST":
        _refuse(error.said())
        return back()
    return render_template("error.html", message=error.said(), back_to=_came_from()), 400


__all__ = ["ADMIN_EMAIL", "BUYERS", "DEMO_PASSWORD", "Host", "bootstrap", "create_app"]

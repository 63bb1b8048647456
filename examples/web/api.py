"""The JSON API of the web host, and its OpenAPI 3.1 document at ``/openapi.json``.

The same use cases as the pages, for programs: a bearer token from ``POST /api/v1/tokens``
(kept hashed server side, revoked by ``DELETE /api/v1/tokens/{id}``; it needs no CSRF
token: browsers never send it on their own), an optional
``Idempotency-Key`` header on every POST, typed errors as ``{"code", "message"}`` with the
message in the language of ``Accept-Language`` (Arabic by default) and a 4xx status:
400 a malformed request, 401 no or a wrong token, 402 a declined payment, 403 not yours,
404 not found, 409 a conflict (the key, the order's state, a concurrent change), 422 a
request the rules refuse, 429 too many attempts (log-in, registration), 503 the database
busy.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from http import HTTPStatus
from typing import Any, Final

import attrs
from accounts import PASSWORD_REFUSALS, Account, password_refusal
from devices import remember_device
from flask import Blueprint, Response, current_app, g, jsonify, request, session, url_for
from flask_limiter.errors import RateLimitExceeded
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.wrappers import Request

from microgigs import MicrogigsError, Money
from microgigs import ledger as lg
from microgigs.actors import Actor, Role
from microgigs.errors import (
    BidChanged,
    IdempotencyConflict,
    NotFound,
    PaymentFailed,
    PermissionDenied,
    PriceChanged,
    ProjectStatusConflict,
    ServiceStatusConflict,
    StaleWrite,
    StorageError,
    TransitionNotAllowed,
    WithdrawalSettled,
)
from microgigs.ids import (
    CategoryId,
    ContractId,
    MemberId,
    MessageId,
    OrderId,
    ProjectId,
    ServiceId,
    WithdrawalId,
)
from microgigs.l10n import translate_error
from microgigs.marketplace import Marketplace
from microgigs.marketplace.commands import COMMANDS, converter, structure_command
from microgigs.marketplace.queries import Balances, ProjectCard, ProjectPage
from microgigs.orders import Message, Order, OrderStatus
from microgigs.projects import Contract
from microgigs.ranking import ListingQuery, Ordering, matches
from microgigs.withdrawals import Withdrawal

api = Blueprint("api", __name__, url_prefix="/api/v1")
TOKEN_AGE = 7 * 24 * 3600  # seconds a token stays valid
_AMOUNT = re.compile(r"^[0-9]{1,7}(\.[0-9]{1,2})?$")
_KEY = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")
BODY_LIMIT = 64 * 1024
"""The largest body the API reads (bytes): far above any of its requests (no file is
uploaded through it), far below the site's ``MAX_UPLOAD``; a larger one is a 413."""
TOKEN_BODY_LIMIT = 4 * 1024
"""The largest body ``POST /api/v1/tokens`` reads: an e-mail and a password. The rate
limit's account key is read from it, so a request the limit refuses is never parsed
beyond this."""
EVENTS = (
    "deliver",
    "accept",
    "request_modification",
    "report_problem",
    "cancel_late",
    "decline",
    "request_cancellation",
    "answer_cancellation",
    "send_message",
)
_PAYOUTS_ON_THE_SITE: Final = (
    "تُضاف طرق السحب من لوحة التحكم في الموقع، حيث تُطلب كلمة المرور من جديد.",
    "Payout methods are added on the site's dashboard, where the password is asked again.",
)
SITE_ONLY: Final = {
    "add_payout_method": _PAYOUTS_ON_THE_SITE,
    "set_payout_methods": _PAYOUTS_ON_THE_SITE,
    "register_member": (
        "يُسجَّل العضو مع حسابه عبر POST /api/v1/members.",
        "A member registers with their account through POST /api/v1/members.",
    ),
}
"""Use cases the commands' endpoint refuses (403 ``api.site_only``), with where they are
done: where earnings go changes only on the site, which asks for the password again (ASVS
V3.7.1), so a token alone, stolen or not, cannot send them away; and a member is
registered with the account they log in with, never alone (its address and username
taken for good, with no password to reset)."""
STATUS_OF: dict[type[MicrogigsError], int] = {
    NotFound: 404,
    PermissionDenied: 403,
    IdempotencyConflict: 409,
    StaleWrite: 409,
    TransitionNotAllowed: 409,
    ProjectStatusConflict: 409,  # a state conflict, as an order's is
    ServiceStatusConflict: 409,
    WithdrawalSettled: 409,  # the state of a withdrawal: settled once
    PriceChanged: 409,  # the total the buyer was shown is no longer the total
    BidChanged: 409,  # the bid the client was shown is no longer the bid
    PaymentFailed: 402,
    StorageError: 503,  # busy or unavailable: the client may retry; never a 4xx
}


class BadRequest(Exception):
    """A request the API cannot read (not JSON, a missing or mistyped field).

    Said in Arabic and English: the answer's message is in the caller's ``Accept-Language``,
    as the library's errors are.
    """

    def __init__(self, arabic: str, english: str, status: int = 400, code: str = "") -> None:
        super().__init__(english)
        self.arabic, self.english, self.status = arabic, english, status
        self.code = code or {401: "unauthorized", 404: "not_found"}.get(status, "bad_request")


def _market() -> Marketplace:
    market: Marketplace = current_app.extensions["host"].market
    return market


def _language() -> str:
    best = request.accept_languages.best_match(["ar", "en"])
    return best or "ar"


@api.errorhandler(MicrogigsError)
def _refused(error: MicrogigsError) -> tuple[Response, int]:
    status = next((code for kind, code in STATUS_OF.items() if isinstance(error, kind)), 422)
    return jsonify(code=error.code, message=translate_error(error, _language())), status


@api.errorhandler(BadRequest)
def _unreadable(error: BadRequest) -> tuple[Response, int]:
    message = error.arabic if _language() == "ar" else error.english
    return jsonify(code=error.code, message=message), error.status


def bound_body() -> None:
    """Read at most ``BODY_LIMIT`` of an API request (``TOKEN_BODY_LIMIT`` of a log-in).

    Run before anything reads the body (the rate limits' account key included); the site's
    pages keep the app's ``MAX_CONTENT_LENGTH``, which a delivery's files need.
    """
    if request.blueprint == api.name:
        limit = _body_limit()
        # a chunked body (no Content-Length) is read one byte past the limit: werkzeug
        # hands over the first ``max_content_length`` bytes without a word, so only the
        # byte past it tells a body too large (``_json_of``) from one that fits exactly
        chunked = request.content_length is None
        request.max_content_length = limit + 1 if chunked else limit


def _body_limit() -> int:
    """The most this API request's body may hold (bytes)."""
    return TOKEN_BODY_LIMIT if request.endpoint == f"{api.name}.token" else BODY_LIMIT


@api.errorhandler(RequestEntityTooLarge)
def _too_large(_error: HTTPException) -> tuple[Response, int]:
    kib = _body_limit() // 1024
    message = (
        f"جسم الطلب أكبر من المسموح: {kib} كيلوبايت على الأكثر."
        if _language() == "ar"
        else f"The request's body is larger than {kib} KiB, the most this request takes."
    )
    return jsonify(code="too_large", message=message), 413


_HTTP_ERRORS: Final = {
    404: ("not_found", "لا يوجد في الواجهة عنوان كهذا.", "The API has no such address."),
    405: (
        "method_not_allowed",
        "هذا العنوان لا يقبل هذه الطريقة من الطلبات.",
        "This address does not take this method.",
    ),
}


@api.errorhandler(HTTPException)
def http_error_answer(error: HTTPException) -> tuple[Response, int]:
    """An HTTP error under ``/api/`` as JSON, in the caller's ``Accept-Language``.

    The site's own handler sends here what happens before a route of the API is found (a
    wrong address or method).
    """
    status = error.code or HTTPStatus.BAD_REQUEST
    if status == HTTPStatus.REQUEST_ENTITY_TOO_LARGE:
        return _too_large(error)
    if status >= HTTPStatus.INTERNAL_SERVER_ERROR:
        code, arabic, english = (
            "server_error",
            "حدث خطأ في الخادم، وسُجّل لإصلاحه.",
            "Something went wrong on the server; it was logged to be fixed.",
        )
    else:
        code, arabic, english = _HTTP_ERRORS.get(
            status, ("bad_request", "تعذّرت قراءة الطلب.", "The request could not be read.")
        )
    return jsonify(code=code, message=arabic if _language() == "ar" else english), status


def too_many(error: HTTPException, language: str) -> str:
    """What a 429 says (the site's page and the API's JSON): paused, and for how long."""
    minutes = 1
    if isinstance(error, RateLimitExceeded):
        minutes = max(1, round(error.limit.limit.get_expiry() / 60))
    if language == "ar":
        wait = "دقيقة" if minutes == 1 else f"{minutes} دقيقة"
        return f"محاولات كثيرة جدًا، فأُوقفت مؤقتًا. أعد المحاولة بعد {wait}."
    return f"Too many attempts: paused for now. Try again in {minutes} min."


def send_verification(member_id: str, email: str) -> None:
    """Mail a new verification link (single use, valid ``VERIFICATION_AGE`` seconds).

    Only the host's outbox (``Host.mail``) carries it; a demo also shows it to the member
    who registered (``SHOW_VERIFICATION_LINKS``), a real site never does.
    """
    host = current_app.extensions["host"]
    age = current_app.config["VERIFICATION_AGE"]
    token = host.accounts.issue_verification(member_id, age)
    # from the site's own address when it is set, else from a request the app's
    # TRUSTED_HOSTS admitted: never from a Host header an attacker chose
    base = current_app.config["BASE_URL"]
    path = url_for("pages.verify", token=token)
    link = base + path if base else url_for("pages.verify", token=token, _external=True)
    hours = age // 3600
    host.mail(
        email,
        "أكّد بريدك الإلكتروني / Confirm your e-mail address",
        f"{link}\n\nيعمل الرابط مرة واحدة خلال {hours} ساعة."
        f" / The link works once, within {hours} hours.",
    )
    if current_app.config["SHOW_VERIFICATION_LINKS"] and request.blueprint != "api":
        session["verify_link"] = link


# --- reading requests ----------------------------------------------------------------------


def bearer() -> str | None:
    """The request's bearer token, if its ``Authorization`` header sends one."""
    header = request.headers.get("Authorization", "")
    # the scheme's name is case-insensitive (RFC 9110)
    return header[7:] if header[:7].lower() == "bearer " else None


def token_account() -> Account | None:
    """The account the request's bearer token names (live), read once a request."""
    if "token_account" not in g:
        token = bearer()
        accounts = current_app.extensions["host"].accounts
        g.token_account = None if token is None else accounts.token_owner(token)
    found: Account | None = g.token_account
    return found


def _actor() -> Actor:
    if bearer() is None:
        raise BadRequest(
            "يلزم رمز دخول (POST /api/v1/tokens).",
            "A bearer token is required (POST /api/v1/tokens).",
            401,
        )
    account = token_account()
    if account is None:
        raise BadRequest(
            "رمز الدخول خاطئ أو منتهٍ أو أُلغي.", "The token is wrong, expired or revoked.", 401
        )
    member_id = MemberId(account.member_id)
    return Actor.admin(member_id) if account.is_admin else Actor.member(member_id)


class _GivenTwice(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name[:40]


def _once(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose every name is given once (``json``'s ``object_pairs_hook``)."""
    found: dict[str, Any] = {}
    for name, value in pairs:
        if name in found:
            raise _GivenTwice(name)
        found[name] = value
    return found


def _json_of(sent: Request) -> object:
    """The request's JSON, or ``None`` for what is not JSON text (as Flask's ``silent``)."""
    text = sent.get_data(cache=True)
    if len(text) > _body_limit():  # a chunked body past the limit (``bound_body``)
        raise RequestEntityTooLarge
    try:
        return json.loads(text, object_pairs_hook=_once)
    except ValueError:
        return None


def _body(*accepted: str) -> dict[str, Any]:
    """The request's JSON object; with ``accepted``, a field of another name is refused.

    A misspelt field (``"quantiy"``) left out without a word would do something else than
    the caller meant.
    """
    try:
        body = _json_of(request) if request.is_json else None
        # a lone surrogate ("\ud800") parses, but is no text: refuse it here, not at storage
        json.dumps(body, ensure_ascii=False).encode()
    except (RecursionError, UnicodeEncodeError):
        raise BadRequest(
            "يجب أن يكون جسم الطلب نص JSON صالحًا، بعمق 100 مستوى على الأكثر.",
            "The body must be JSON text: nested at most 100 deep, valid Unicode.",
        ) from None
    except _GivenTwice as twice:  # the parser's last value would win silently: $11 for $10
        raise BadRequest(
            f"الحقل {twice.name} مكرر في الطلب؛ اكتبه مرة واحدة.",
            f"The field {twice.name} is given twice; give it once.",
        ) from None
    if not isinstance(body, dict):
        raise BadRequest("يجب أن يكون جسم الطلب كائن JSON.", "The body must be a JSON object.")
    unknown = sorted(str(name)[:40] for name in body if accepted and name not in accepted)
    if unknown:
        said = ", ".join(unknown[:5])
        raise BadRequest(
            f"حقول لا يعرفها هذا العنوان: {said}؛ حقوله: {'، '.join(accepted)}.",
            f"Fields this address does not take: {said}; its fields: {', '.join(accepted)}.",
        )
    return body


def _text(body: dict[str, Any], name: str, *, required: bool = True) -> str:
    value = body.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise BadRequest(f"{name}: يجب أن يكون نصًا.", f"{name} must be a string.")
    return value


def _whole(body: dict[str, Any], name: str, default: int) -> int:
    value = body.get(name, default)
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadRequest(f"{name}: يجب أن يكون عددًا صحيحًا.", f"{name} must be an integer.")
    return value


def _amount(text: object, name: str) -> Money:
    if not isinstance(text, str) or not _AMOUNT.match(text):
        raise BadRequest(
            f"{name}: يجب أن يكون مبلغًا مثل 25.00.", f"{name} must be an amount like 25.00."
        )
    return Money.of(Decimal(text), _market().policy.currency)  # the marketplace's own


def _key() -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None  # the call runs once, and nothing remembers it
    if not _KEY.match(key):
        raise BadRequest(
            "Idempotency-Key: من 1 إلى 100 حرف لاتيني أو رقم أو . _ : -",
            "Idempotency-Key: 1 to 100 letters, digits or . _ : -",
        )
    return key


def _run(actor: Actor, name: str, fields: dict[str, Any]) -> object:
    """Run the command ``name``, built from plain fields by the library's one converter.

    ``actor`` asks; the request's ``Idempotency-Key`` (if any) makes it idempotent.
    """
    who = {"role": actor.role.value, "member_id": actor.member_id}
    command = structure_command(name, {**fields, "actor": who, "key": _key()})
    return _market().execute(command)


def _money(money: Money) -> str:
    return str(money.amount)


def _order(order: Order) -> dict[str, Any]:
    return {
        "id": order.id,
        "service_id": order.service.service_id,
        "title": order.service.title,
        "buyer_id": order.buyer_id,
        "seller_id": order.seller_id,
        "status": order.status.value,
        "total": _money(order.quote.total),
        "currency": order.quote.total.currency,
        "placed_at": order.placed_at.isoformat(),
        "deadline": order.deadline.isoformat() if order.deadline else None,
    }


# --- routes --------------------------------------------------------------------------------


@api.post("/tokens")
def token() -> tuple[Response, int]:
    """Exchange an e-mail and password for a bearer token."""
    body = _body("email", "password")
    account = current_app.extensions["host"].accounts.check(
        _text(body, "email"), _text(body, "password")
    )
    if account is None:
        raise BadRequest(
            "البريد الإلكتروني أو كلمة المرور غير صحيحة.", "Wrong e-mail or password.", 401
        )
    accounts = current_app.extensions["host"].accounts
    token_id, token = accounts.issue_token(account.member_id, TOKEN_AGE)
    expires = datetime.fromtimestamp(accounts.clock() + TOKEN_AGE, UTC).isoformat()
    answer = jsonify(token=token, id=token_id, member_id=account.member_id, expires_at=expires)
    # a client that keeps cookies is the account's own from now on, as a browser is
    return remember_device(answer, account.email), 201


@api.delete("/tokens/<token_id>")
def revoke(token_id: str) -> tuple[str, int]:
    """Revoke one of the caller's tokens (the one in use too): it never works again."""
    actor = _actor()
    accounts = current_app.extensions["host"].accounts
    if not accounts.revoke_token(str(actor.member_id), token_id):
        raise BadRequest("لا رمز دخول لك بهذا المعرّف.", "No such token of yours.", 404)
    return "", 204


@api.post("/members")
def register() -> tuple[Response, int]:
    """Register a member with a password."""
    body = _body("username", "email", "first_name", "family_name", "password")
    password = _text(body, "password")
    names = ("username", "email", "first_name", "family_name")
    refusal = password_refusal(password, *(str(body.get(name) or "") for name in names))
    if refusal is not None:
        raise BadRequest(*PASSWORD_REFUSALS[refusal])
    account, made = current_app.extensions["host"].register(
        username=_text(body, "username"),
        email=_text(body, "email"),
        first_name=_text(body, "first_name"),
        family_name=_text(body, "family_name"),
        password=password,
        key=_key(),
    )
    if made:
        send_verification(account.member_id, account.email)
    elif current_app.extensions["host"].accounts.check(account.email, password) is None:
        # a replay of the key with another password: the first is kept, and nobody is told
        # the account's id (a retry with the same password is answered as the first time)
        raise BadRequest(
            "هذا الحساب موجود: سجّل الدخول بكلمة مروره.",
            "This account exists already: log in with its password.",
            409,
            code="account_exists",
        )
    return jsonify(id=account.member_id), 201


@api.get("/services")
def services() -> Response:
    """Browse and search the catalogue."""
    args = request.args
    try:
        # none given: relevance for a text, newest otherwise, as the library's default
        ordering = Ordering(args.get("ordering") or ("relevance" if args.get("q") else "newest"))
        limit = int(args.get("limit", "20"))
    except ValueError as error:
        raise BadRequest("الترتيب أو العدد غير صالح.", "ordering or limit is not valid.") from error
    max_price = args.get("max_price")
    query = ListingQuery(
        text=args.get("q") or None,
        category_id=CategoryId(args["category"]) if args.get("category") else None,
        max_price=_amount(max_price, "max_price") if max_price is not None else None,
        ordering=ordering,
        limit=limit,
        cursor=args.get("cursor") or None,
    )
    page = _market().search(query)
    listed = [
        {
            "id": s.service_id,
            "title": s.title,
            "category_id": s.category_id,
            "seller_id": s.seller_id,
            "price": _money(s.price),
            "currency": s.price.currency,
            "delivery_days": s.delivery_days,
            "rating_count": s.rating_count,
            "score": s.score,
            "sales": s.sales,
            # a text search: whether it holds the query's words (or a synonym), or is one
            # of the query's category's other services (docs/ranking.md)
            **({"matches_query": matches(s, query)} if query.terms else {}),
        }
        for s in page.listings
    ]
    return jsonify(services=listed, next_cursor=page.next_cursor, suggestion=page.suggestion)


@api.get("/services/<service_id>")
def service(service_id: str) -> Response:
    """One active service with its upgrades."""
    found = _market().service(None, ServiceId(service_id))  # active ones only: NotFound else
    return jsonify(
        id=found.id,
        title=found.title,
        description=found.description,
        category_id=found.category_id,
        seller_id=found.seller_id,
        price=_money(found.base_price),
        currency=found.base_price.currency,
        delivery_days=found.delivery_days,
        upgrades=[
            {"id": u.id, "title": u.title, "price": _money(u.price), "extra_days": u.extra_days}
            for u in found.upgrades
        ],
    )


@api.get("/me")
def me() -> Response:
    """The caller and their balances; an admin is said to be one, with no balances."""
    actor = _actor()
    if actor.role is Role.ADMIN:  # no member of the market: nothing to hold or earn
        return jsonify(
            id=actor.member_id, admin=True, balances=None, currency=_market().policy.currency
        )
    held = _market().balances(actor)
    balances = {name: _money(m) for name, m in balances_of(held).items()}
    balances["withdrawing"] = _money(held.withdrawing)  # asked for, not yet paid out
    return jsonify(
        id=held.member_id,
        admin=actor.role is Role.ADMIN,
        balances=balances,
        currency=held.wallet.currency,  # every amount the API writes is in it
    )


def balances_of(balances: Balances) -> dict[str, Money]:
    """A member's wallet, pending and available earnings (the dashboard's and ``/me``'s)."""
    return {
        "wallet": balances.wallet,
        "pending": balances.pending,
        "available": balances.available,
    }


@api.post("/wallet/top-ups")
def top_up() -> tuple[Response, int]:
    """Pay money in with the test card or PayPal."""
    actor, body = _actor(), _body("amount", "method")
    method = {"card": lg.Gateway.CARD, "paypal": lg.Gateway.PAYPAL}.get(_text(body, "method"))
    if method is None:
        raise BadRequest("method: card أو paypal.", "method: card or paypal.")
    amount = _amount(body.get("amount"), "amount")
    _run(actor, "top_up", {"amount": f"{amount.amount} {amount.currency}", "method": method.value})
    return jsonify(wallet=_money(_market().balances(actor).wallet)), 201


@api.post("/cart/items")
def add_to_cart() -> tuple[Response, int]:
    """Put a service, with upgrades and a quantity, in the cart."""
    actor, body = _actor(), _body("service_id", "upgrade_ids", "quantity")
    upgrades = body.get("upgrade_ids", [])
    if not isinstance(upgrades, list) or not all(isinstance(u, str) for u in upgrades):
        raise BadRequest(
            "upgrade_ids: يجب أن تكون قائمة نصوص.", "upgrade_ids must be a list of strings."
        )
    fields = {
        "service_id": _text(body, "service_id"),
        "upgrade_ids": upgrades,
        "quantity": _whole(body, "quantity", 1),
    }
    _run(actor, "add_to_cart", fields)
    return _cart_of(actor), 201


@api.get("/cart")
def cart() -> Response:
    """The caller's cart."""
    return _cart_of(_actor())


def _cart_of(actor: Actor) -> Response:
    view = _market().cart(actor)
    items = [
        {
            "service_id": priced.line.service_id,
            "upgrade_ids": list(priced.line.upgrade_ids),
            "quantity": priced.line.quantity,
            "total": None if priced.quote is None else _money(priced.quote.total),
        }
        for priced in view.lines
    ]
    return jsonify(items=items, total=_money(view.total), balance=_money(view.balance))


@api.post("/checkout")
def checkout() -> tuple[Response, int]:
    """Pay for the whole cart: one order per line, held in escrow.

    ``expected_total`` (the cart's ``total`` the buyer was shown) makes a checkout whose
    total has changed since a 409 ``conflict.price_changed`` that charges nothing.
    """
    actor, body = _actor(), _body("method", "expected_total")
    method = {"balance": None, "card": lg.Gateway.CARD, "paypal": lg.Gateway.PAYPAL}
    name = _text(body, "method", required=False) or "balance"
    if name not in method:
        raise BadRequest("method: balance أو card أو paypal.", "method: balance, card or paypal.")
    chosen = method[name]
    fields: dict[str, Any] = {"method": None if chosen is None else chosen.value}
    if body.get("expected_total") is not None:
        shown = _amount(body["expected_total"], "expected_total")
        fields["expected_total"] = f"{shown.amount} {shown.currency}"
    placed = _run(actor, "checkout", fields)
    return jsonify(orders=placed), 201


@api.get("/orders")
def orders() -> Response:
    """The caller's orders, as buyer or seller, in one status if given."""
    actor = _actor()
    status = request.args.get("status")
    try:
        wanted = OrderStatus(status) if status else None
    except ValueError as error:
        raise BadRequest("status: ليست حالة طلب.", "status is not an order status.") from error
    role = request.args.get("as", "buyer")
    if role not in {"buyer", "seller"}:
        raise BadRequest("as: buyer أو seller.", "as: buyer or seller.")
    limit, after = _page()
    found = _market().orders_of(
        actor,
        wanted,
        as_seller=role == "seller",
        limit=limit,
        starting_after=None if after is None else OrderId(after),
    )
    return jsonify(orders=[_order(o) for o in found], **_following(found, limit))


@api.get("/withdrawals")
def withdrawals() -> Response:
    """The caller's withdrawals, newest first; for an admin, those awaiting payout."""
    actor = _actor()
    market = _market()
    limit, after = _page()
    if actor.role is Role.ADMIN:
        found = market.payout_queue(actor, limit=limit)  # oldest first: all of it is work
        return jsonify(withdrawals=[_withdrawal(w) for w in found])
    found = market.withdrawals(
        actor, limit=limit, starting_after=None if after is None else WithdrawalId(after)
    )
    return jsonify(withdrawals=[_withdrawal(w) for w in found], **_following(found, limit))


def _page() -> tuple[int, str | None]:
    """A list's ``limit`` (1–100, 50 if not given) and ``starting_after`` (none: the first)."""
    try:
        limit = int(request.args.get("limit", "50"))
    except ValueError as error:
        raise BadRequest("limit عدد صحيح.", "limit is a whole number.") from error
    return limit, request.args.get("starting_after") or None


def _following(found: Sequence[Order] | Sequence[Withdrawal], limit: int) -> dict[str, str | None]:
    """Where the next page starts: after the last item of a full page (it may be empty)."""
    return {"next_starting_after": found[-1].id if len(found) == limit else None}


def _withdrawal(withdrawal: Withdrawal) -> dict[str, object]:
    method = withdrawal.method
    return {
        "id": withdrawal.id,
        "seller_id": withdrawal.seller_id,
        "amount": _money(withdrawal.amount),
        "method": None
        if method is None
        else {"kind": method.kind.value, "account": method.account},
        "status": withdrawal.status.value,
        "requested_at": withdrawal.requested_at.isoformat(),
        "settled_at": None if withdrawal.settled_at is None else withdrawal.settled_at.isoformat(),
    }


@api.get("/orders/<order_id>")
def order(order_id: str) -> Response:
    """An order and its conversation's latest messages: its buyer, its seller or an admin only.

    ``?before=<message id>``: the messages before that one (``earlier`` names the next).
    """
    page = _market().order_page(_actor(), OrderId(order_id), before=message_cursor())
    return jsonify(
        order=_order(page.order), messages=_messages(page.messages), earlier=page.earlier
    )


def message_cursor() -> MessageId | None:
    """The message a conversation's page ends before (``?before=``), none for the latest.

    The pages' and the API's one reading of it.
    """
    before = request.args.get("before")
    return None if before is None else MessageId(before)


def _messages(messages: Iterable[Message]) -> list[dict[str, object]]:
    """A conversation (an order's or a contract's), oldest first."""
    return [
        {
            "author_id": m.author_id,
            "kind": m.kind.value,
            "body": m.body,
            "attachments": list(m.attachments),
            "sent_at": m.sent_at.isoformat(),
        }
        for m in messages
    ]


@api.post("/orders/<order_id>/events")
def event(order_id: str) -> Response:
    """Move an order: a message, a delivery, acceptance, a modification, a cancellation."""
    actor, body = _actor(), _body("event", "body", "attachments", "agree")
    name, text = _text(body, "event"), _text(body, "body", required=False)
    files = body.get("attachments", [])
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        raise BadRequest(
            "attachments: يجب أن تكون قائمة نصوص.", "attachments must be a list of strings."
        )
    if name not in EVENTS:
        raise BadRequest(
            f"event: واحد من {'، '.join(EVENTS)}.", f"event: one of {', '.join(EVENTS)}."
        )
    given: dict[str, object] = {"body": text, "reason": text or None, "attachments": files}
    if "agree" in body:  # else the converter says it is missing, where the event needs it
        given["agree"] = body["agree"]
    fields = {f.name: given[f.name] for f in attrs.fields(COMMANDS[name]) if f.name in given}
    if fields.get("reason", "") is None and attrs.fields_dict(COMMANDS[name])["reason"].default:
        fields.pop("reason")
    _run(actor, name, {**fields, "order_id": order_id})
    return jsonify(order=_order(_market().order(actor, OrderId(order_id))))


@api.post("/orders/<order_id>/review")
def review(order_id: str) -> tuple[Response, int]:
    """The buyer's review of a completed order."""
    actor, body = _actor(), _body("stars", "comment")
    fields = {
        "order_id": order_id,
        "stars": _whole(body, "stars", 0),
        "comment": _text(body, "comment"),
    }
    return jsonify(id=_run(actor, "review", fields)), 201


# --- project mode: reads (the commands run through /commands/{name}) -----------------------


def _optional_actor() -> Actor | None:
    """The caller if a bearer token is sent (a wrong one is 401), else nobody."""
    return _actor() if "Authorization" in request.headers else None


def _card(card: ProjectCard) -> dict[str, Any]:
    low, high = card.budget
    return {
        "id": card.id,
        "title": card.title,
        "category_id": card.category_id,
        "budget_min": _money(low),
        "budget_max": _money(high),
        "currency": low.currency,
        "skills": list(card.skills),
        "duration_days": card.duration_days,
        "bids": card.bids,
        "opened_at": card.opened_at.isoformat() if card.opened_at else None,
    }


@api.get("/projects")
def projects() -> Response:
    """Open projects, newest first: by category, budget bracket, skills and Arabic text."""
    args = request.args
    try:
        limit = int(args.get("limit", "20"))
        bracket = int(args["bracket"]) if args.get("bracket") else None
    except ValueError as error:
        raise BadRequest(
            "limit وbracket عددان صحيحان.", "limit and bracket are whole numbers."
        ) from error
    brackets = len(_market().policy.projects.brackets)
    if bracket is not None and not 0 <= bracket < brackets:
        raise BadRequest(f"bracket: من 0 إلى {brackets - 1}.", f"bracket: 0 to {brackets - 1}.")
    skills = [s.strip() for s in args.get("skills", "").split(",") if s.strip()][:10]
    found = _market().open_projects(
        _optional_actor(),
        category_id=CategoryId(args["category"]) if args.get("category") else None,
        bracket=bracket,
        skills=skills,
        text=args.get("q") or None,
        limit=limit,
    )
    return jsonify(projects=[_card(card) for card in found])


def _project(page: ProjectPage) -> dict[str, Any]:
    project, terms = page.project, page.project.terms
    return {
        "id": project.id,
        "client_id": project.client_id,
        "status": project.status.value,
        "title": terms.title,
        "description": terms.description,
        "category_id": terms.category_id,
        "budget_min": _money(page.budget[0]),
        "budget_max": _money(page.budget[1]),
        "currency": page.budget[0].currency,
        "duration_days": terms.duration_days,
        "skills": list(terms.skills),
        "questions": list(terms.questions),
        "visibility": terms.visibility.value,
        "bids": [
            {
                "id": view.bid.id,
                "freelancer_id": view.bid.freelancer_id,
                "amount": _money(view.bid.amount),
                "net": _money(view.net),
                "delivery_days": view.bid.delivery_days,
                "text": view.bid.text,
                "answers": list(view.bid.answers),
                "status": view.bid.status.value,
            }
            for view in page.bids
        ],
        "credits_left": page.credits_left,
        "contracts": list(page.contracts),
    }


@api.get("/projects/<project_id>")
def project(project_id: str) -> Response:
    """A project and the bids its reader may see (the client all; a freelancer their own)."""
    return jsonify(_project(_market().project_page(_optional_actor(), ProjectId(project_id))))


def _contract(contract: Contract) -> dict[str, Any]:
    sides = {contract.client_id: "client", contract.freelancer_id: "freelancer"}
    return {
        "id": contract.id,
        "project_id": contract.project_id,
        "client_id": contract.client_id,
        "freelancer_id": contract.freelancer_id,
        "status": contract.status.value,
        "total": _money(contract.total),
        "currency": contract.total.currency,
        "milestones": [
            {
                "number": m.number,
                "title": m.title,
                "amount": _money(m.amount),
                "status": m.status.value,
                "files": list(m.files),
                "disputed_at": m.disputed_at.isoformat() if m.disputed_at else None,
                "history": [
                    {
                        "status": n.status.value,
                        "by": sides.get(n.author_id, "site_team"),
                        # a party's id; an admin's stays with the site, as on its pages
                        "author_id": n.author_id if n.author_id in sides else None,
                        "text": n.text,
                        "at": n.at.isoformat(),
                        "files": list(n.files),
                        "added_to_dispute": n.added_to_dispute,
                    }
                    for n in m.history
                ],
            }
            for m in contract.milestones
        ],
        "proposal": None
        if contract.proposal is None
        else [{"title": p.title, "amount": str(p.amount)} for p in contract.proposal],
        "proposed_by": contract.proposed_by,
    }


@api.get("/contracts/<contract_id>")
def contract(contract_id: str) -> Response:
    """A contract, its money and what the caller may do next: its parties and admins only."""
    page = _market().contract_page(_actor(), ContractId(contract_id), before=message_cursor())
    return jsonify(
        contract=_contract(page.contract),
        funded=_money(page.funded),
        released=_money(page.released),
        refunded=_money(page.refunded),
        held=_money(page.held),
        next_commands=list(page.next_commands),
        messages=_messages(page.messages),
        earlier=page.earlier,
    )


@api.post("/commands/<name>")
def command(name: str) -> tuple[Response, int]:
    """Run any use case by name, its fields read from the JSON body by the one converter.

    The caller is the actor (an ``actor`` in the body is ignored); money is written
    ``"25.00 USD"``; the answer is the command's result as JSON (``null`` for none).
    """
    actor, body = _actor(), _body()
    if name not in COMMANDS:
        raise BadRequest(
            f"لا توجد حالة استخدام باسم {name[:60]!r}.", f"No use case {name[:60]!r}.", 404
        )
    if name in SITE_ONLY:
        arabic, english = SITE_ONLY[name]
        raise BadRequest(arabic, english, 403, "api.site_only")
    fields = {k: v for k, v in body.items() if k != "actor"}
    return jsonify(result=converter.unstructure(_run(actor, name, fields))), 200

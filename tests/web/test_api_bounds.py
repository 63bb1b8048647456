"""A hostile review of the JSON API: bodies bounded, registration with an admin's e-mail,
``/me`` for an admin. Each test failed on the host before its fix."""

from __future__ import annotations

import io
import re
import tracemalloc
from typing import Any

import pytest
from api import BODY_LIMIT, TOKEN_BODY_LIMIT
from app import bootstrap, create_app
from forms import bearer, csrf_of, flashed, log_in

from microgigs.actors import Actor
from microgigs.errors import NotFound
from microgigs.projects import INVITED_MAX


def _big_object(size: int) -> bytes:
    """A JSON object of about ``size`` bytes (many small keys: costly to parse)."""
    return ("{" + ",".join(f'"{i:07d}":0' for i in range(size // 12)) + "}").encode()


@pytest.fixture
def limited(tmp_path):
    """An app with its rate limits on, on an empty marketplace."""
    made = bootstrap(str(tmp_path / "limited.sqlite3"))
    yield create_app(made, secret_key="bounds-test", testing=True)  # noqa: S106
    made.close()


def test_a_json_body_larger_than_any_the_api_takes_is_a_413_in_its_json_shape(app):
    client = app.test_client()
    token = bearer(client, "ahmad@example.com")
    big = _big_object(100 * 1024)  # far more than any request of the API
    for path, headers in (
        ("/api/v1/tokens", {}),
        ("/api/v1/members", {}),
        ("/api/v1/commands/top_up", {"Authorization": f"Bearer {token}"}),
        ("/api/v1/orders/no-such-order/events", {"Authorization": f"Bearer {token}"}),
    ):
        answer = client.post(path, data=big, content_type="application/json", headers=headers)
        assert (413, "too_large") == (answer.status_code, answer.json["code"]), path
        # the limit, said: «64 كيلوبايت» (4 for a log-in)
        assert ("4 " if "tokens" in path else "64 ") in answer.json["message"]
    english = client.post(
        "/api/v1/members",
        data=big,
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    assert "The request's body is larger than 64 KiB" in english.json["message"]
    # a body under the API's limit is read as before
    fine = client.post(
        "/api/v1/orders/no-such-order/events",
        json={"event": "send_message", "body": "x" * 40_000},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert (404, "not_found") == (fine.status_code, fine.json["code"])


def test_a_chunked_body_past_the_limit_is_a_413_not_a_truncated_read(app):
    # no Content-Length: werkzeug hands the view the first BODY_LIMIT bytes without a word,
    # which read as broken JSON (400); the API says what is wrong: too large
    client = app.test_client()
    token = bearer(client, "ahmad@example.com")

    def chunked(path: str, body: bytes, **headers: str) -> Any:
        return client.post(
            path,
            input_stream=io.BytesIO(body),
            content_type="application/json",
            headers={"Transfer-Encoding": "chunked", **headers},
            environ_overrides={"wsgi.input_terminated": True},
        )

    for path, limit, headers in (
        ("/api/v1/tokens", TOKEN_BODY_LIMIT, {}),
        ("/api/v1/members", BODY_LIMIT, {}),
        ("/api/v1/commands/top_up", BODY_LIMIT, {"Authorization": f"Bearer {token}"}),
    ):
        answer = chunked(path, _big_object(limit + 200), **headers)
        assert (413, "too_large") == (answer.status_code, answer.json["code"]), path
        assert f"{limit // 1024} " in answer.json["message"]
    # a chunked body within the limit, up to its last byte, is read as before
    padded = b'{"email": "ahmad@example.com", "password": "demo-password"}'
    exact = padded[:-1] + b" " * (TOKEN_BODY_LIMIT - len(padded)) + b"}"
    assert 201 == chunked("/api/v1/tokens", exact).status_code


def test_a_token_request_takes_a_few_kib_at_most(app):
    # an e-mail and a password fit in a few hundred bytes; padding one to 5 KiB is refused,
    # so the account's own limit is never out of reach of the key it is counted under
    body = {"email": "ahmad@example.com", "password": "demo-password", "pad": " " * 5000}
    answer = app.test_client().post("/api/v1/tokens", json=body)
    assert (413, "too_large") == (answer.status_code, answer.json["code"])
    assert 201 == app.test_client().post("/api/v1/tokens", json={
        "email": "ahmad@example.com", "password": "demo-password"}).status_code  # fmt: skip


def test_a_rate_limited_token_request_does_not_parse_its_body(limited):
    client = limited.test_client()
    for i in range(31):  # past the address's 30 log-ins a minute
        client.post("/api/v1/tokens", json={"email": f"a{i}@example.com", "password": "x"})
    body = _big_object(8 * 1024 * 1024)
    tracemalloc.start()
    answer = client.post("/api/v1/tokens", data=body, content_type="application/json")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert 429 == answer.status_code
    # parsing 8 MB of small keys takes well over 100 MB; the body itself is copied once
    assert peak < 20 * 1024 * 1024, f"{peak / 2**20:.0f} MB for a refused request"


@pytest.fixture
def fresh(tmp_path):
    made = bootstrap(str(tmp_path / "fresh.sqlite3"), demo=True)
    yield made, create_app(made, secret_key="bounds-test", testing=True, rate_limits=False)  # noqa: S106
    made.close()


def _registration(username: str, email: str) -> dict[str, str]:
    return {
        "username": username,
        "email": email,
        "first_name": "منى",
        "family_name": "سالم",
        "password": "long-enough-password",
    }


def _no_member(host, username: str) -> bool:
    try:
        host.market.profile_by_username(username)
    except NotFound:
        return True
    return False


def test_registering_the_email_of_an_admin_is_refused_as_a_taken_email(fresh):
    host, app = fresh
    client = app.test_client()
    answer = client.post(
        "/api/v1/members",
        json=_registration("plain_member", " ADMIN@example.com"),
        headers={"Accept-Language": "en"},
    )
    assert (422, "members.email_taken") == (answer.status_code, answer.json["code"])
    assert "is already registered" in answer.json["message"]
    assert _no_member(host, "plain_member")  # no member left without an account
    again = client.post("/api/v1/members", json=_registration("plain_member", "na@example.com"))
    assert 201 == again.status_code, again.json
    made = host.market.member(Actor.member(again.json["id"]))
    assert ("plain_member", "na@example.com") == (made.username, made.email)
    # a taken e-mail of a member is refused as before; a replay of a key still answers 201
    taken = client.post("/api/v1/members", json=_registration("other", "ahmad@example.com"))
    assert "members.email_taken" == taken.json["code"]
    replayed = client.post(
        "/api/v1/members",
        json=_registration("plain_member", "na@example.com"),
        headers={"Idempotency-Key": "reg-1"},
    )
    first_time = client.post(
        "/api/v1/members",
        json=_registration("plain_member3", "na3@example.com"),
        headers={"Idempotency-Key": "reg-3"},
    )
    replay = client.post(
        "/api/v1/members",
        json=_registration("plain_member3", "na3@example.com"),
        headers={"Idempotency-Key": "reg-3"},
    )
    assert "members.username_taken" == replayed.json["code"]
    assert (201, 201, first_time.json["id"]) == (
        first_time.status_code,
        replay.status_code,
        replay.json["id"],
    )
    # the same key and profile with another password: the account is not anybody's to take
    other = "another olive tree 77"
    other_password = {**_registration("plain_member3", "na3@example.com"), "password": other}
    taken_over = client.post(
        "/api/v1/members",
        json=other_password,
        headers={"Idempotency-Key": "reg-3", "Accept-Language": "en"},
    )
    assert (409, "account_exists") == (taken_over.status_code, taken_over.json["code"])
    assert "log in" in taken_over.json["message"]
    assert first_time.json["id"] not in taken_over.get_data(as_text=True)


def test_the_apis_own_refusals_speak_the_callers_language(app):
    client = app.test_client()
    for language, word in (("ar", "يلزم رمز دخول"), ("en", "A bearer token is required")):
        answer = client.get("/api/v1/me", headers={"Accept-Language": language})
        assert (401, "unauthorized") == (answer.status_code, answer.json["code"])
        assert word in answer.json["message"]
    for language, word in (("ar", "لا يوجد في الواجهة"), ("en", "The API has no such address")):
        answer = client.get("/api/v1/nothing", headers={"Accept-Language": language})
        assert (404, "not_found") == (answer.status_code, answer.json["code"])
        assert word in answer.json["message"]
    wrong_method = client.put("/api/v1/me", headers={"Accept-Language": "en"})
    assert (405, "method_not_allowed") == (wrong_method.status_code, wrong_method.json["code"])
    token = client.post(
        "/api/v1/tokens", json={"email": "ahmad@example.com", "password": "demo-password"}
    ).json["token"]
    lower_case = client.get("/api/v1/me", headers={"Authorization": f"bearer {token}"})
    assert 200 == lower_case.status_code


def test_registering_the_email_of_an_admin_on_the_site_is_refused_on_the_form(fresh):
    host, app = fresh
    client = app.test_client()
    token = csrf_of(client.get("/register").data)
    answer = client.post(
        "/register",
        data={"csrf": token, **_registration("plain_member2", "ADMIN@example.com")},
    )
    assert 400 == answer.status_code
    under_email = re.search(
        r'<p class="field-error" id="email-error"[^>]*>([^<]+)</p>', answer.data.decode()
    )
    assert under_email is not None, flashed(answer.data)
    assert "admin@example.com" in under_email.group(1)
    assert _no_member(host, "plain_member2")
    token = csrf_of(client.get("/register").data)
    made = client.post(
        "/register", data={"csrf": token, **_registration("plain_member2", "na2@example.com")}
    )
    assert (303, "/account") == (made.status_code, made.headers["Location"])


def test_me_answers_an_admin_without_balances(app):
    client = app.test_client()
    token = bearer(client, "admin@example.com")
    answer = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert 200 == answer.status_code, answer.json
    said = {k: answer.json.get(k) for k in ("admin", "balances", "currency")}
    assert {"admin": True, "balances": None, "currency": "USD"} == said  # the currency too
    assert answer.json["id"]
    member = bearer(client, "ahmad@example.com")
    mine = client.get("/api/v1/me", headers={"Authorization": f"Bearer {member}"}).json
    assert (False, {"wallet", "pending", "available", "withdrawing"}) == (
        mine["admin"],
        set(mine["balances"]),
    )


def test_a_page_form_takes_a_megabyte_and_only_a_delivery_or_a_submission_more(app):
    # every page read bodies of up to 20 MB (a delivery's files): a hostile member could
    # send that to any form; now only the two forms with files take it
    client = app.test_client()
    log_in(client, "ahmad@example.com")
    token = csrf_of(client.get("/projects").data)
    big = {"csrf": token, "title": "x" * (2 * 1024 * 1024)}
    answer = client.post("/projects", data=big, headers={"Referer": "http://localhost/projects"})
    assert 413 == answer.status_code
    page = answer.data.decode()
    assert "1 ميغابايت" in page  # the form's limit, said
    assert "الملفات" not in page
    client.get("/lang/en")
    english = client.post("/projects", data=big).data.decode()
    assert "larger than allowed (1 MB)" in english
    # a delivery's files still go up to 20 MB: the limit is not reached at 2 MB
    part = 'Content-Disposition: form-data; name="files"; filename="a.bin"'
    body = f"--b\r\n{part}\r\n\r\n".encode() + b"0" * (2 * 1024 * 1024) + b"\r\n--b--\r\n"
    delivered = client.post(  # raw bytes: the test client spools no file of its own
        "/orders/no-such-order/deliver", data=body, content_type="multipart/form-data; boundary=b"
    )
    assert 413 != delivered.status_code
    # and so do a message's, in an order or a contract, whose forms say "20 MB in all" (a
    # hostile review: a message with a file over 1 MB was a 413)
    for path in ("/orders/no-such-order/message", "/contracts/no-such-contract/message"):
        sent = client.post(path, data=body, content_type="multipart/form-data; boundary=b")
        assert 413 != sent.status_code, path


def test_a_field_an_address_does_not_take_is_refused_not_left_out(app):
    # a probe (2026-12-06): {"foo": 1} was accepted, and a misspelt "quantiy" ordered one
    client = app.test_client()
    token = client.post(
        "/api/v1/tokens", json={"email": "ahmad@example.com", "password": "demo-password"}
    ).json["token"]
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    before = client.get("/api/v1/me", headers=headers).json["balances"]
    answer = client.post(
        "/api/v1/wallet/top-ups",
        json={"amount": "5.00", "method": "card", "foo": 1},
        headers=headers,
    )
    assert (400, "bad_request") == (answer.status_code, answer.json["code"])
    assert "foo" in answer.json["message"]
    assert before == client.get("/api/v1/me", headers=headers).json["balances"]


def test_a_field_given_twice_or_unknown_inside_a_record_is_refused(app):
    # a new user's probe (2026-12-06): {"amount": "10 USD", "amount": "11 USD"} withdrew
    # $11, and an unknown field inside a record ({"kind": …, "x": 1}) was left out
    client = app.test_client()
    token = client.post(
        "/api/v1/tokens", json={"email": "omar_voice@example.com", "password": "demo-password"}
    ).json["token"]
    headers = {
        "Authorization": f"Bearer {token}",
        "Accept-Language": "en",
        "Content-Type": "application/json",
    }
    before = client.get("/api/v1/withdrawals", headers=headers).json["withdrawals"]
    twice = client.post(
        "/api/v1/commands/request_withdrawal",
        data='{"amount": "10.00 USD", "amount": "11.00 USD"}',
        headers=headers,
    )
    assert (400, "bad_request") == (twice.status_code, twice.json["code"])
    assert "amount is given twice" in twice.json["message"]
    method = {"kind": "paypal", "account": "omar_voice@paypal.example", "x": 1}
    nested = client.post(
        "/api/v1/commands/request_withdrawal",
        json={"amount": "10.00 USD", "method": method},
        headers=headers,
    )
    assert (422, "validation.invalid_type") == (nested.status_code, nested.json["code"])
    assert "request_withdrawal.method" in nested.json["message"]
    assert "x" in nested.json["message"]
    assert before == client.get("/api/v1/withdrawals", headers=headers).json["withdrawals"]


@pytest.mark.parametrize("email", ["admin@example.com", "hind@example.com"])
def test_no_token_registers_a_member_without_an_account(app, host, email):
    # a hostile review (2026-12-07): an admin's token made a member through the commands'
    # endpoint, with no account: the address and username taken for good, no password
    client = app.test_client()
    headers = {"Authorization": f"Bearer {bearer(client, email)}"}
    made = client.post(
        "/api/v1/commands/register_member",
        json={"username": "no_account", "email": "no-account@example.com",
              "first_name": "بلا", "family_name": "حساب"},
        headers=headers,
    )  # fmt: skip
    assert (403, "api.site_only") == (made.status_code, made.json["code"])
    assert "/api/v1/members" in made.json["message"] or "POST /members" in made.json["message"]
    assert host.accounts.holder("no-account@example.com") is None
    with pytest.raises(NotFound):
        host.market.profile_by_username("no_account")


def test_an_admins_token_reading_the_cart_is_403_as_the_document_says(app):
    client = app.test_client()
    token = bearer(client, "admin@example.com")
    answer = client.get("/api/v1/cart", headers={"Authorization": f"Bearer {token}"})
    assert (403, "permission_denied") == (answer.status_code, answer.json["code"])
    document = client.get("/openapi.json").json
    assert "403" in document["paths"]["/api/v1/cart"]["get"]["responses"]


def test_a_projects_invited_names_are_looked_up_no_further_than_the_library_takes(app, host):
    # a hostile review: a form of 60,000 names made one look-up each before the library
    # refused the list (1.8 s for a megabyte); one more than it takes is enough to refuse
    client = app.test_client()
    log_in(client, "ahmad@example.com")
    looked_up = []
    market = host.market
    original = market.profile_by_username

    def counted(username):
        looked_up.append(username)
        return original(username)

    market.profile_by_username = counted
    try:
        token = csrf_of(client.get("/projects").data)
        names = ", ".join(["sara_designs"] * 60_000)
        data = {"csrf": token, "title": "تطبيق لحجز ملاعب كرة القدم", "category": "mobile-apps",
                "description": "تطبيق جوال يحجز فيه اللاعبون الملاعب ويدفعون العربون.",
                "bracket": "3", "duration": "30", "visibility": "private", "invited": names,
                "hires": "1", "key": "many-invited"}  # fmt: skip
        answer = client.post(
            "/projects", data=data, headers={"Referer": "http://localhost/projects"}
        )
    finally:
        del market.profile_by_username
    assert 303 == answer.status_code
    assert INVITED_MAX + 1 == len(looked_up)
    assert "50" in client.get("/projects").data.decode()  # the limit, said

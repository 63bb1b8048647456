"""The JSON API's one door to every use case: commands read by the library's converter."""

from __future__ import annotations

from forms import bearer

from microgigs.actors import Actor
from microgigs.ranking import ListingQuery


def test_any_use_case_runs_by_name_with_its_fields_read_by_the_converter(app, host):
    client = app.test_client()
    headers = {"Authorization": f"Bearer {bearer(client, 'layla@example.com')}"}
    topped = client.post(
        "/api/v1/commands/top_up",
        json={"amount": "30.00 USD", "method": "card"},
        headers={**headers, "Idempotency-Key": "api-top-up-1"},
    )
    again = client.post(
        "/api/v1/commands/top_up",
        json={"amount": "30.00 USD", "method": "card"},
        headers={**headers, "Idempotency-Key": "api-top-up-1"},
    )
    before = client.get("/api/v1/me", headers=headers).json["balances"]["wallet"]
    listing = host.market.search(ListingQuery(text="شعار")).listings[0]
    ordered = client.post(
        "/api/v1/commands/order_now",
        json={"service_id": listing.service_id, "quantity": 1},
        headers=headers,
    )
    assert (200, None, 200) == (topped.status_code, topped.json["result"], again.status_code)
    assert 200 == ordered.status_code, ordered.json
    order = client.get(f"/api/v1/orders/{ordered.json['result']}", headers=headers).json
    assert "awaiting_instructions" == order["order"]["status"]
    after = client.get("/api/v1/me", headers=headers).json["balances"]["wallet"]
    assert float(before) - float(order["order"]["total"]) == float(after)


def test_a_wrong_name_or_field_is_a_clear_client_error_and_changes_nothing(app):
    client = app.test_client()
    headers = {"Authorization": f"Bearer {bearer(client, 'layla@example.com')}"}
    before = client.get("/api/v1/me", headers=headers).json["balances"]
    unknown = client.post("/api/v1/commands/toppup", json={}, headers=headers)
    mistyped = client.post(
        "/api/v1/commands/top_up", json={"amount": 30, "method": "card"}, headers=headers
    )
    missing = client.post("/api/v1/commands/top_up", json={"method": "card"}, headers=headers)
    borrowed = client.post(  # the body's actor is ignored: the caller acts
        "/api/v1/commands/top_up",
        json={"amount": "5.00 USD", "method": "card", "actor": {"role": "admin"}},
        headers=headers,
    )
    assert (404, 422, 422) == (unknown.status_code, mistyped.status_code, missing.status_code)
    assert "validation.invalid_type" == mistyped.json["code"]
    assert 200 == borrowed.status_code
    after = client.get("/api/v1/me", headers=headers).json["balances"]
    assert float(before["wallet"]) + 5 == float(after["wallet"])


def test_an_answer_to_a_cancellation_without_agree_is_refused_and_answers_nothing(app, host):
    # a probe (2026-12-06): a missing "agree" was read as a refusal, and the request ended
    client = app.test_client()
    buyer = {"Authorization": f"Bearer {bearer(client, 'hind@example.com')}"}
    listing = host.market.search(ListingQuery(text="شعار")).listings[0]
    seller_id = host.market.service(None, listing.service_id).seller_id
    seller_email = host.market.member(Actor.system(), seller_id).email
    seller = {"Authorization": f"Bearer {bearer(client, seller_email)}"}
    client.post(
        "/api/v1/commands/top_up", json={"amount": "100.00 USD", "method": "card"}, headers=buyer
    )
    ordered = client.post(
        "/api/v1/commands/order_now", json={"service_id": listing.service_id}, headers=buyer
    )
    events = f"/api/v1/orders/{ordered.json['result']}/events"
    client.post(events, json={"event": "send_message", "body": "التعليمات"}, headers=buyer)
    asked = client.post(
        events, json={"event": "request_cancellation", "body": "لم أعد أحتاجه"}, headers=buyer
    )
    assert 200 == asked.status_code, asked.json
    unsaid = client.post(events, json={"event": "answer_cancellation"}, headers=seller)
    assert (422, "validation.missing_field") == (unsaid.status_code, unsaid.json["code"])
    agreed = client.post(
        events, json={"event": "answer_cancellation", "agree": True}, headers=seller
    )
    assert "cancelled" == agreed.json["order"]["status"], agreed.json

"""The JSON API's one door to every use case: commands read by the library's converter."""

from __future__ import annotations

from forms import bearer

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

"""The OpenAPI 3.1 document of the JSON API (served at ``/openapi.json``).

Written by hand beside ``api.py``: every operation, its parameters and bodies, each status
it answers with and the shape of each answer, and the links from a created resource to the
operations that use it (for stateful testing).
"""

from __future__ import annotations

from typing import Any

from api import EVENTS

from microgigs.marketplace.commands import COMMANDS
from microgigs.members import PayoutKind
from microgigs.orders import OrderStatus
from microgigs.projects import (
    BidStatus,
    ContractStatus,
    MilestoneStatus,
    ProjectStatus,
    Visibility,
)
from microgigs.ranking import Ordering
from microgigs.withdrawals import WithdrawalStatus

ID = {"type": "string", "minLength": 1, "maxLength": 100}


def _cursor(description: str) -> dict[str, Any]:
    """An id that says where a list goes on, or ``null`` where it ends."""
    return {"type": ["string", "null"], "description": description}


def _query(name: str, description: str) -> dict[str, Any]:
    """An id given in the query string."""
    return {"name": name, "in": "query", "schema": ID, "description": description}


TEXT = {"type": "string", "maxLength": 5000}
AMOUNT = {"type": "string", "pattern": "^[0-9]{1,7}(\\.[0-9]{1,2})?$", "example": "25.00"}
MONEY = {"type": "string", "example": "25.00"}
ERROR = {
    "type": "object",
    "required": ["code", "message"],
    "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
}
ORDER = {
    "type": "object",
    "required": ["id", "status", "total", "currency", "buyer_id", "seller_id"],
    "properties": {
        "id": {"type": "string"},
        "service_id": {"type": "string"},
        "title": {"type": "string"},
        "buyer_id": {"type": "string"},
        "seller_id": {"type": "string"},
        "status": {"type": "string", "enum": [s.value for s in OrderStatus]},
        "total": MONEY,
        "currency": {"type": "string"},
        "placed_at": {"type": "string", "format": "date-time"},
        "deadline": {"type": ["string", "null"], "format": "date-time"},
    },
}
CART = {
    "type": "object",
    "required": ["items", "total", "balance"],
    "properties": {
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "service_id": {"type": "string"},
                    "upgrade_ids": {"type": "array", "items": {"type": "string"}},
                    "quantity": {"type": "integer"},
                    "total": {"type": ["string", "null"]},
                },
            },
        },
        "total": MONEY,
        "balance": MONEY,
    },
}
STRINGS = {"type": "array", "items": {"type": "string"}}
PROJECT_CARD = {
    "type": "object",
    "required": ["id", "title", "budget_min", "budget_max", "currency", "bids"],
    "properties": {
        "id": {"type": "string"}, "title": {"type": "string"},
        "category_id": {"type": "string"}, "budget_min": MONEY, "budget_max": MONEY,
        "currency": {"type": "string"}, "skills": STRINGS, "duration_days": {"type": "integer"},
        "bids": {"type": "integer"}, "opened_at": {"type": ["string", "null"]},
    },
}  # fmt: skip
PROJECT = {
    "type": "object",
    "required": ["id", "status", "title", "budget_min", "budget_max", "bids"],
    "properties": {
        "id": {"type": "string"}, "client_id": {"type": "string"},
        "status": {"type": "string", "enum": [s.value for s in ProjectStatus]},
        "title": {"type": "string"}, "description": {"type": "string"},
        "category_id": {"type": "string"}, "budget_min": MONEY, "budget_max": MONEY,
        "currency": {"type": "string"}, "duration_days": {"type": "integer"},
        "skills": STRINGS, "questions": STRINGS,
        "visibility": {"type": "string", "enum": [v.value for v in Visibility]},
        "bids": {"type": "array", "items": {"type": "object", "required": [
            "id", "freelancer_id", "amount", "net", "status"], "properties": {
                "id": {"type": "string"}, "freelancer_id": {"type": "string"},
                "amount": MONEY, "net": MONEY, "delivery_days": {"type": "integer"},
                "text": {"type": "string"}, "answers": STRINGS,
                "status": {"type": "string", "enum": [b.value for b in BidStatus]}}}},
        "credits_left": {"type": ["integer", "null"]},
        "contracts": STRINGS,
    },
}  # fmt: skip
MESSAGES = {"type": "array", "items": {
    "type": "object", "properties": {
        "author_id": {"type": "string"}, "kind": {"type": "string"},
        "body": {"type": "string"}, "attachments": {"type": "array", "items": {"type": "string"}},
        "sent_at": {"type": "string", "format": "date-time"}}}}  # fmt: skip
"""A conversation, an order's or a contract's, oldest first: its latest 50 messages."""
EARLIER = _cursor(
    "the id of the first message shown, when messages before it are left: read them with "
    "?before= that id; null when none are"
)
BEFORE = _query("before", "the messages before this one (the earlier of the page before)")
CONTRACT_PAGE = {
    "type": "object",
    "required": ["contract", "funded", "released", "refunded", "held", "next_commands",
                 "messages", "earlier"],
    "properties": {
        "earlier": EARLIER,
        "contract": {"type": "object", "required": ["id", "status", "total", "milestones"],
            "properties": {
                "id": {"type": "string"}, "project_id": {"type": "string"},
                "client_id": {"type": "string"}, "freelancer_id": {"type": "string"},
                "status": {"type": "string", "enum": [c.value for c in ContractStatus]},
                "total": MONEY, "currency": {"type": "string"},
                "milestones": {"type": "array", "items": {"type": "object", "properties": {
                    "number": {"type": "integer"}, "title": {"type": "string"},
                    "amount": MONEY,
                    "status": {"type": "string",
                               "enum": [m.value for m in MilestoneStatus]},
                    "files": STRINGS,
                    "disputed_at": {"type": ["string", "null"], "format": "date-time"},
                    "history": {"type": "array", "items": {"type": "object", "properties": {
                        "status": {"type": "string",
                                   "enum": [m.value for m in MilestoneStatus]},
                        "by": {"type": "string", "enum": ["client", "freelancer", "site_team"]},
                        "author_id": {"type": ["string", "null"]}, "text": {"type": "string"},
                        "at": {"type": "string", "format": "date-time"},
                        "files": STRINGS, "added_to_dispute": {"type": "boolean"}}}}}}},
                "proposal": {"type": ["array", "null"], "items": {"type": "object",
                    "required": ["title", "amount"],
                    "properties": {"title": {"type": "string"},
                                   "amount": {"type": "string", "example": "25.00 USD"}}}},
                "proposed_by": {"type": ["string", "null"]}}},
        "funded": MONEY, "released": MONEY, "refunded": MONEY, "held": MONEY,
        "next_commands": STRINGS,
        "messages": MESSAGES,
    },
}  # fmt: skip
WITHDRAWAL = {
    "type": "object",
    "required": ["id", "seller_id", "amount", "method", "status", "requested_at", "settled_at"],
    "properties": {
        "id": {"type": "string"}, "seller_id": {"type": "string"}, "amount": MONEY,
        "method": {"type": ["object", "null"], "properties": {
            "kind": {"type": "string", "enum": [k.value for k in PayoutKind]},
            "account": {"type": "string"}}},
        "status": {"type": "string", "enum": [s.value for s in WithdrawalStatus]},
        "requested_at": {"type": "string"}, "settled_at": {"type": ["string", "null"]},
    },
}  # fmt: skip
PAGE = [
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100,
                                                "default": 50}},
    _query("starting_after", "the last id of the page before (its next_starting_after)"),
]  # fmt: skip
FOLLOWING = {
    "next_starting_after": _cursor(
        "the starting_after of the next page; null after the last (a full page gives it, and "
        "the page after may be empty)"
    )
}
KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "the same key sends the same request once",
    "schema": {"type": "string", "pattern": "^[A-Za-z0-9._:-]{1,100}$"},
}
BEARER = [{"bearer": []}]


def _json(schema: dict[str, Any], description: str = "") -> dict[str, Any]:
    return {"description": description or "OK", "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    reasons = {
        400: "a malformed request", 401: "no token, or a wrong one", 402: "payment declined",
        403: "not yours", 404: "not found", 409: "a conflict: the key, the state, a race",
        413: "a body larger than 64 KiB (4 KiB to log in): code too_large",
        422: "refused by the marketplace's rules", 429: "too many attempts; see Retry-After",
        503: "the database is busy; retry",
    }  # fmt: skip
    return {str(code): _json(ERROR, reasons[code]) for code in codes}


def _body(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    schema = {"type": "object", "properties": properties, "required": required}
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _path(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": ID}


WRITE = (400, 401, 402, 403, 404, 409, 422, 503)


def document() -> dict[str, Any]:
    """The OpenAPI document: every operation that reads a body may answer 413."""
    made = _document()
    for path in made["paths"].values():
        for operation in path.values():
            if "requestBody" in operation:
                operation["responses"].update(_errors(413))
    return made


def _document() -> dict[str, Any]:
    order_link = {
        "operationId": "getOrder",
        "parameters": {"order_id": "$response.body#/orders/0"},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "microgigs marketplace API",
            "version": "1.0.0",
            "description": "The web host's JSON API over the microgigs use cases. Errors are "
            "{code, message}, the message in the Accept-Language (ar by default).",
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "paths": {
            "/api/v1/tokens": {"post": {
                "operationId": "createToken", "summary": "Log in: a bearer token",
                "requestBody": _body({"email": TEXT, "password": TEXT}, ["email", "password"]),
                "responses": {"201": {**_json({"type": "object", "required": ["token", "id"],
                                               "properties": {"token": {"type": "string"},
                                                              "id": {"type": "string"},
                                                              "member_id": {"type": "string"},
                                                              "expires_at": {"type": "string"}}}),
                                      "links": {"revokeToken": {
                                          "operationId": "revokeToken",
                                          "parameters": {"token_id": "$response.body#/id"}}}},
                              **_errors(400, 401, 429, 503)},
            }},
            "/api/v1/tokens/{token_id}": {"delete": {
                "operationId": "revokeToken", "summary": "Revoke one of your tokens",
                "security": BEARER, "parameters": [_path("token_id")],
                "responses": {"204": {"description": "revoked"}, **_errors(401, 404, 503)},
            }},
            "/api/v1/members": {"post": {
                "operationId": "registerMember", "summary": "Register a member",
                "parameters": [KEY],
                "requestBody": _body(
                    {"username": TEXT, "email": TEXT, "first_name": TEXT, "family_name": TEXT,
                     "password": TEXT},
                    ["username", "email", "first_name", "family_name", "password"]),
                "responses": {"201": _json({"type": "object", "required": ["id"],
                                            "properties": {"id": {"type": "string"}}}),
                              **_errors(400, 409, 422, 429, 503)},
            }},
            "/api/v1/services": {"get": {
                "operationId": "searchServices", "summary": "Browse and search services",
                "parameters": [
                    {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 200}},
                    {"name": "category", "in": "query", "schema": ID},
                    {"name": "ordering", "in": "query",
                     "schema": {"type": "string", "enum": [o.value for o in Ordering]}},
                    {"name": "max_price", "in": "query", "schema": AMOUNT},
                    {"name": "limit", "in": "query",
                     "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
                    {"name": "cursor", "in": "query", "schema": {"type": "string"}},
                ],
                "responses": {
                    "200": {**_json({"type": "object", "required": ["services"], "properties": {
                        "services": {"type": "array", "items": {"type": "object", "required": [
                            "id", "title", "price"], "properties": {
                                "id": {"type": "string"}, "title": {"type": "string"},
                                "category_id": {"type": "string"},
                                "seller_id": {"type": "string"}, "price": MONEY,
                                "currency": {"type": "string"},
                                "delivery_days": {"type": "integer"},
                                "rating_count": {"type": "integer"},
                                "score": {"type": "integer"}, "sales": {"type": "integer"},
                                "matches_query": {"type": "boolean"}}}},
                        "next_cursor": {"type": ["string", "null"]},
                        "suggestion": {"type": ["string", "null"]}}}),
                        "links": {"GetService": {"operationId": "getService", "parameters": {
                            "service_id": "$response.body#/services/0/id"}},
                            "AddToCart": {"operationId": "addToCart", "requestBody": {
                                "service_id": "$response.body#/services/0/id"}}}},
                    **_errors(400, 422),
                },
            }},
            "/api/v1/services/{service_id}": {"get": {
                "operationId": "getService", "summary": "One service with its upgrades",
                "parameters": [_path("service_id")],
                "responses": {"200": _json({"type": "object", "required": [
                    "id", "title", "price", "upgrades"], "properties": {
                        "id": {"type": "string"}, "title": {"type": "string"},
                        "description": {"type": "string"}, "category_id": {"type": "string"},
                        "seller_id": {"type": "string"}, "price": MONEY,
                        "currency": {"type": "string"}, "delivery_days": {"type": "integer"},
                        "upgrades": {"type": "array", "items": {"type": "object", "properties": {
                            "id": {"type": "string"}, "title": {"type": "string"},
                            "price": MONEY, "extra_days": {"type": "integer"}}}}}}),
                    **_errors(404)},
            }},
            "/api/v1/me": {"get": {
                "operationId": "getMe",
                "summary": "The caller and their balances (an admin: admin true, balances null)",
                "security": BEARER,
                "responses": {"200": _json({"type": "object",
                    "required": ["id", "admin", "balances", "currency"],
                    "properties": {"id": {"type": "string"}, "admin": {"type": "boolean"},
                        "currency": {"type": "string", "example": "USD"},
                        "balances": {"type": ["object", "null"], "properties": {
                            "wallet": MONEY, "pending": MONEY, "available": MONEY,
                            "withdrawing": MONEY}}}}),
                    **_errors(401)},
            }},
            "/api/v1/wallet/top-ups": {"post": {
                "operationId": "topUp", "summary": "Pay money in (test card or PayPal)",
                "security": BEARER, "parameters": [KEY],
                "requestBody": _body({"amount": AMOUNT, "method": {
                    "type": "string", "enum": ["card", "paypal"]}}, ["amount", "method"]),
                "responses": {"201": _json({"type": "object", "required": ["wallet"],
                                            "properties": {"wallet": MONEY}}),
                              **_errors(*WRITE)},
            }},
            "/api/v1/cart/items": {"post": {
                "operationId": "addToCart", "summary": "Put a service in the cart",
                "security": BEARER, "parameters": [KEY],
                "requestBody": _body({"service_id": ID, "upgrade_ids": {
                    "type": "array", "items": ID, "maxItems": 10}, "quantity": {
                        "type": "integer"}}, ["service_id"]),
                "responses": {"201": {**_json(CART), "links": {"Checkout": {
                    "operationId": "checkout"}}}, **_errors(*WRITE)},
            }},
            "/api/v1/cart": {"get": {
                "operationId": "getCart", "summary": "The caller's cart", "security": BEARER,
                "responses": {"200": _json(CART), **_errors(401, 403)},  # 403: an admin
            }},
            "/api/v1/checkout": {"post": {
                "operationId": "checkout", "summary": "Pay the cart: one order per line",
                "security": BEARER, "parameters": [KEY],
                "requestBody": _body({"method": {"type": "string", "enum": [
                    "balance", "card", "paypal"]}, "expected_total": {
                    "type": "string", "description": "the cart's total the buyer was shown:"
                    " a changed total is 409 conflict.price_changed, nothing charged"}}, []),
                "responses": {"201": {**_json({"type": "object", "required": ["orders"],
                    "properties": {"orders": {"type": "array", "items": {"type": "string"}}}}),
                    "links": {"GetOrder": order_link, "OrderEvent": {
                        "operationId": "orderEvent",
                        "parameters": {"order_id": "$response.body#/orders/0"}}}},
                    **_errors(*WRITE)},
            }},
            "/api/v1/projects": {"get": {
                "operationId": "listProjects",
                "summary": "Open projects, newest first, filtered; Arabic text search",
                "parameters": [
                    {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 200}},
                    {"name": "category", "in": "query", "schema": ID},
                    {"name": "bracket", "in": "query",
                     "schema": {"type": "integer", "minimum": 0, "maximum": 7}},
                    {"name": "skills", "in": "query",
                     "description": "comma-separated; every one must be among the project's",
                     "schema": {"type": "string", "maxLength": 200}},
                    {"name": "limit", "in": "query",
                     "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
                ],
                "responses": {
                    "200": {**_json({"type": "object", "required": ["projects"], "properties": {
                        "projects": {"type": "array", "items": PROJECT_CARD}}}),
                        "links": {"GetProject": {"operationId": "getProject", "parameters": {
                            "project_id": "$response.body#/projects/0/id"}}}},
                    **_errors(400, 401, 422),
                },
            }},
            "/api/v1/projects/{project_id}": {"get": {
                "operationId": "getProject",
                "summary": "A project and the bids the caller may see (token optional)",
                "parameters": [_path("project_id")],
                "responses": {"200": _json(PROJECT), **_errors(401, 404)},
            }},
            "/api/v1/contracts/{contract_id}": {"get": {
                "operationId": "getContract",
                "summary": "A contract, its escrow and the caller's next commands",
                "security": BEARER, "parameters": [_path("contract_id"), BEFORE],
                "responses": {"200": _json(CONTRACT_PAGE), **_errors(401, 403, 404)},
            }},
            "/api/v1/commands/{name}": {"post": {
                "operationId": "runCommand",
                "summary": "Run any use case by name (microgigs.marketplace.commands)",
                "description": "The JSON body holds the command's fields (money as "
                '"25.00 USD", enums by value); the caller is the actor.',
                "security": BEARER, "parameters": [
                    {"name": "name", "in": "path", "required": True,
                     "schema": {"type": "string", "enum": sorted(COMMANDS)}},
                    KEY,
                ],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"type": "object"}}}},
                "responses": {"200": _json({"type": "object", "required": ["result"],
                                            "properties": {"result": {}}}),
                              **_errors(*WRITE)},
            }},
            "/api/v1/orders": {"get": {
                "operationId": "listOrders", "summary": "The caller's orders",
                "security": BEARER,
                "parameters": [
                    {"name": "status", "in": "query",
                     "schema": {"type": "string", "enum": [s.value for s in OrderStatus]}},
                    {"name": "as", "in": "query",
                     "schema": {"type": "string", "enum": ["buyer", "seller"]}},
                    *PAGE,
                ],
                "responses": {"200": {**_json({"type": "object", "required": ["orders"],
                    "properties": {"orders": {"type": "array", "items": ORDER},
                                   **FOLLOWING}}),
                    "links": {"GetOrder": {"operationId": "getOrder", "parameters": {
                        "order_id": "$response.body#/orders/0/id"}}}},
                    **_errors(400, 401, 403, 404, 422)},
            }},
            "/api/v1/withdrawals": {"get": {
                "operationId": "listWithdrawals",
                "summary": "The caller's withdrawals, newest first, a page at a time; an "
                           "admin's: those awaiting payout, oldest first",
                "security": BEARER,
                "parameters": PAGE,
                "responses": {"200": _json({"type": "object", "required": ["withdrawals"],
                    "properties": {"withdrawals": {"type": "array", "items": WITHDRAWAL},
                                   **FOLLOWING}}),
                    **_errors(400, 401, 403, 404, 422)},
            }},
            "/api/v1/orders/{order_id}": {"get": {
                "operationId": "getOrder", "summary": "An order and its conversation",
                "security": BEARER, "parameters": [_path("order_id"), BEFORE],
                "responses": {"200": _json({"type": "object",
                    "required": ["order", "messages", "earlier"],
                    "properties": {"order": ORDER, "messages": MESSAGES, "earlier": EARLIER}}),
                    **_errors(401, 403, 404)},
            }},
            "/api/v1/orders/{order_id}/events": {"post": {
                "operationId": "orderEvent", "summary": "Move an order",
                "security": BEARER, "parameters": [_path("order_id"), KEY],
                "requestBody": _body({"event": {"type": "string", "enum": list(EVENTS)},
                    "body": TEXT, "attachments": {"type": "array", "items": ID, "maxItems": 10},
                    "agree": {"type": "boolean", "description":
                              "answer_cancellation only, and required there"}}, ["event"]),
                "responses": {"200": _json({"type": "object", "required": ["order"],
                                            "properties": {"order": ORDER}}),
                              **_errors(*WRITE)},
            }},
            "/api/v1/orders/{order_id}/review": {"post": {
                "operationId": "reviewOrder", "summary": "Review a completed order",
                "security": BEARER, "parameters": [_path("order_id"), KEY],
                "requestBody": _body({"stars": {"type": "integer"}, "comment": TEXT},
                                     ["stars", "comment"]),
                "responses": {"201": _json({"type": "object", "required": ["id"],
                                            "properties": {"id": {"type": "string"}}}),
                              **_errors(*WRITE)},
            }},
        },
    }  # fmt: skip

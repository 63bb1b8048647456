"""Device cookies: which browsers (and API clients that keep cookies) an account used before.

A successful log-in, on the site or through the API's token, leaves a signed ``device``
cookie naming the account and this client. The log-in limit counts a known client's failed
log-ins apart from everyone else's, so a stranger's guesses cannot lock the owner out of a
client they used before (OWASP, "device cookies"; see ``ratelimits.py``).
"""

from __future__ import annotations

import secrets
from typing import Final

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

DEVICE_COOKIE: Final = "device"
"""The cookie a successful log-in leaves in the client: which account, which client."""
DEVICE_LIFETIME: Final = 365 * 24 * 3600


def _devices() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key or "", salt="microgigs-device")


def remember_device(answer: Response, email: str) -> Response:
    """Leave the signed cookie naming this client for ``email`` (its old name kept)."""
    device = trusted_device(email) or secrets.token_urlsafe(16)
    answer.set_cookie(
        DEVICE_COOKIE,
        str(_devices().dumps({"email": email.strip().lower(), "device": device})),
        max_age=DEVICE_LIFETIME,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config["SESSION_COOKIE_SECURE"]),
    )
    return answer


def trusted_device(email: str) -> str | None:
    """This client's name if it logged in to ``email`` before (a valid signed cookie)."""
    cookie = request.cookies.get(DEVICE_COOKIE)
    if not cookie or not email:
        return None
    try:
        held = _devices().loads(cookie)
    except BadSignature:
        return None
    if not isinstance(held, dict) or held.get("email") != email.strip().lower():
        return None
    device = held.get("device")
    return device if isinstance(device, str) else None

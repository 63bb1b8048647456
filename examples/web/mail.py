"""The host's outbox: e-mail verification and password-reset links, sent or logged.

``MICROGIGS_SMTP_URL`` names a mail server: ``smtp://user:password@mail.example:587``
(STARTTLS, which the server must offer: no link or password crosses the network in
clear, except to a relay on this machine, ``smtp://localhost:25``) or
``smtps://user:password@mail.example:465`` (TLS from the start); ``MICROGIGS_MAIL_FROM`` is
the sender (``no-reply@`` the server's name when unset). Mail is sent in the background:
a request never waits for the server, never fails with it, and takes as long whether an
address has an account or not; a message the server refuses is logged, without its body
(the links in it are secrets).

``MICROGIGS_SMTP_URL=log`` writes each message, links included, to the ``microgigs.mail``
log instead: for trying a site without a mail server (``main.py`` does so by default;
``wsgi.py``, the production entry point, only when told, so a site as shipped never
writes live reset links where log readers see them).
"""

from __future__ import annotations

import ipaddress
import logging
import os
import smtplib
import ssl
import threading
from collections.abc import Callable
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

Mailer = Callable[[str, str, str], None]
"""Sends a message ``(to, subject, body)``."""

SMTP_TIMEOUT = 20
"""Seconds a mail server may take to answer."""
TO_THE_LOG = "log"
"""The value of ``MICROGIGS_SMTP_URL`` that writes mail to the log."""

log = logging.getLogger("microgigs.mail")


def log_mail(to: str, subject: str, body: str) -> None:
    """Write the message to the ``microgigs.mail`` log (no mail server is configured)."""
    log.info("mail to %s: %s\n%s", to, subject, body)


def smtp_mailer(url: str, sender: str | None = None) -> Mailer:
    """A mailer sending through the server ``url`` names (``smtp://`` or ``smtps://``).

    It sends at once and raises what the server says; :func:`in_background` is how a site
    uses it. A ``ValueError`` for a URL it cannot use, at once rather than at the first mail.
    """
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
        message = f"MICROGIGS_SMTP_URL must be smtp://…, smtps://… or log, not {parts.scheme!r}"
        raise ValueError(message)
    secure = parts.scheme == "smtps"
    host, port = parts.hostname, parts.port or (465 if secure else 587)
    user, password = unquote(parts.username or ""), unquote(parts.password or "")
    from_address = sender or f"no-reply@{host}"
    nearby = _is_loopback(host)

    def send(to: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = from_address, to, subject
        message.set_content(body)
        context = ssl.create_default_context()
        if secure:
            server: smtplib.SMTP = smtplib.SMTP_SSL(
                host, port, timeout=SMTP_TIMEOUT, context=context
            )
        else:
            server = smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT)
        with server:
            server.ehlo()
            if not secure and server.has_extn("starttls"):
                server.starttls(context=context)
                server.ehlo()
            elif not secure and not nearby:  # a link in clear is anyone's on the way
                reason = f"{host} offers no STARTTLS: no mail is sent to it in clear"
                raise smtplib.SMTPNotSupportedError(reason)
            if user:
                server.login(user, password)
            server.send_message(message)

    return send


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def in_background(send: Mailer) -> Mailer:
    """``send`` run in a thread of its own: the request goes on at once, whatever happens."""

    def deliver(to: str, subject: str, body: str) -> None:
        try:
            send(to, subject, body)
        except (OSError, smtplib.SMTPException) as error:  # said, never the body
            log.error("mail to %s not sent (%s): %s", to, subject, error)  # noqa: TRY400

    def start(to: str, subject: str, body: str) -> None:
        threading.Thread(target=deliver, args=(to, subject, body), daemon=True).start()

    return start


def outbox(*, default: str = TO_THE_LOG) -> Mailer:
    """The mailer ``MICROGIGS_SMTP_URL`` names (``default`` when it is unset).

    A ``ValueError`` when neither names one: a production site must be told where mail goes.
    """
    url = os.environ.get("MICROGIGS_SMTP_URL") or default
    if url == TO_THE_LOG:
        return log_mail
    if not url:
        message = (
            "MICROGIGS_SMTP_URL is not set: name the mail server (smtp://… or smtps://…), "
            "or `log` to write verification and reset links to the log while trying a site"
        )
        raise ValueError(message)
    return in_background(smtp_mailer(url, os.environ.get("MICROGIGS_MAIL_FROM") or None))

"""The host's outbox: e-mail verification and password-reset links, sent or logged.

``MICROGIGS_SMTP_URL`` names a mail server: ``smtp://user:password@mail.example:587``
(STARTTLS, which a server that offers it always gets; without it no password is sent)
or ``smtps://user:password@mail.example:465`` (TLS from the start); ``MICROGIGS_MAIL_FROM``
is the sender (``no-reply@`` the server's domain when unset). Without a server, each
message is written to the ``microgigs.mail`` log, as the demo and the tests read it: the
production entry point (``wsgi.py``) configures that log, so a site run as shipped never
drops a link.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from collections.abc import Callable
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

Mailer = Callable[[str, str, str], None]
"""Sends a message ``(to, subject, body)``."""

SMTP_TIMEOUT = 20
"""Seconds a mail server may take to answer."""


def log_mail(to: str, subject: str, body: str) -> None:
    """Write the message to the ``microgigs.mail`` log (no mail server is configured)."""
    logging.getLogger("microgigs.mail").info("mail to %s: %s\n%s", to, subject, body)


def smtp_mailer(url: str, sender: str | None = None) -> Mailer:
    """A mailer sending through the server ``url`` names (``smtp://`` or ``smtps://``).

    A ``ValueError`` for a URL it cannot use, at once rather than at the first mail.
    """
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
        message = f"MICROGIGS_SMTP_URL must be smtp://… or smtps://…, not {parts.scheme!r}"
        raise ValueError(message)
    secure = parts.scheme == "smtps"
    host, port = parts.hostname, parts.port or (465 if secure else 587)
    user, password = unquote(parts.username or ""), unquote(parts.password or "")
    from_address = sender or f"no-reply@{host}"

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
            elif not secure and user:
                reason = f"{host} offers no STARTTLS: the password is not sent in clear"
                raise smtplib.SMTPNotSupportedError(reason)
            if user:
                server.login(user, password)
            server.send_message(message)

    return send


def outbox() -> Mailer:
    """The mailer ``MICROGIGS_SMTP_URL`` names, else :func:`log_mail`."""
    url = os.environ.get("MICROGIGS_SMTP_URL")
    if not url:
        return log_mail
    return smtp_mailer(url, os.environ.get("MICROGIGS_MAIL_FROM") or None)

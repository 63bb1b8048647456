"""The host's outbox: a mail server named by MICROGIGS_SMTP_URL, else the log."""

from __future__ import annotations

import email
import email.policy
import smtplib
import socketserver
import threading

import pytest
from app import bootstrap
from mail import log_mail, outbox, smtp_mailer


class _Session(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: EHLO, MAIL, RCPT, DATA, QUIT (no STARTTLS, no AUTH)."""

    def handle(self) -> None:
        self._say("220 fake ESMTP")
        while line := self.rfile.readline().decode():
            verb = line[:4].upper()
            if verb in {"EHLO", "HELO"}:
                self._say("250-fake\r\n250 8BITMIME")
            elif verb == "DATA":
                self._say("354 go on")
                lines = []
                while (text := self.rfile.readline().decode()) != ".\r\n":
                    lines.append(text)
                self.server.received.append("".join(lines))  # type: ignore[attr-defined]
                self._say("250 kept")
            elif verb == "QUIT":
                self._say("221 bye")
                return
            else:
                self._say("250 ok")

    def _say(self, text: str) -> None:
        self.wfile.write(f"{text}\r\n".encode())


@pytest.fixture
def server():
    made = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Session)
    made.received = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=made.serve_forever, daemon=True)
    thread.start()
    yield made
    made.shutdown()
    made.server_close()


def test_a_link_goes_through_the_mail_server_the_environment_names(server, monkeypatch):
    port = server.server_address[1]
    monkeypatch.setenv("MICROGIGS_SMTP_URL", f"smtp://127.0.0.1:{port}")
    monkeypatch.setenv("MICROGIGS_MAIL_FROM", "souq@example.com")
    send = outbox()
    send("huda@example.com", "أكّدي بريدك", "https://souq.example/verify/abc")
    (raw,) = server.received
    sent = email.message_from_string(raw, policy=email.policy.default)
    assert ("souq@example.com", "huda@example.com", "أكّدي بريدك") == (
        sent["From"],
        sent["To"],
        sent["Subject"],
    )
    assert "https://souq.example/verify/abc" == sent.get_content().strip()


def test_no_password_goes_to_a_server_without_starttls(server):
    port = server.server_address[1]
    send = smtp_mailer(f"smtp://souq:secret@127.0.0.1:{port}")
    with pytest.raises(smtplib.SMTPNotSupportedError, match="not sent in clear"):
        send("huda@example.com", "subject", "body")
    assert [] == server.received


def test_without_a_server_the_site_writes_its_mail_to_the_log(tmp_path, monkeypatch):
    monkeypatch.delenv("MICROGIGS_SMTP_URL", raising=False)
    host = bootstrap(str(tmp_path / "market.sqlite3"))
    assert host.mail is log_mail
    host.market.close()
    host.accounts.close()
    with pytest.raises(ValueError, match="smtp://"):
        smtp_mailer("http://mail.example")

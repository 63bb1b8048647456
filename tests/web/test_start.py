"""README command 1's job: the web host starts on a fresh SQLite file; the demo when asked."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import types
import urllib.request
from pathlib import Path

import pytest
from app import bootstrap

MAIN = Path(__file__).resolve().parents[2] / "examples" / "web" / "main.py"
TEST_GATEWAY = "microgigs.payments:FakeGateway"  # a test site's: it accepts every card


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(db, *options, secret="a-key-for-this-test-of-forty-characters", smtp="log",  # noqa: S107
          gateway=TEST_GATEWAY):  # fmt: skip
    """Start the host on ``db`` with ``options``; the home page and the server's output."""
    port = free_port()
    unset = {"MICROGIGS_SECRET_KEY", "MICROGIGS_SMTP_URL", "MICROGIGS_GATEWAY"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    for name, value in (("SECRET_KEY", secret), ("SMTP_URL", smtp), ("GATEWAY", gateway)):
        if value:
            env[f"MICROGIGS_{name}"] = value
    server = subprocess.Popen(  # noqa: S603 (our own example, our own interpreter)
        [sys.executable, str(MAIN), "--db", str(db), "--port", str(port), *options],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )  # fmt: skip
    try:
        deadline, page = time.monotonic() + 60, ""
        while time.monotonic() < deadline and not page and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as answer:
                    page = answer.read().decode()
            except OSError:
                time.sleep(0.3)
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0]
    return page, output


def test_the_web_host_starts_with_demo_data_on_a_fresh_sqlite_file_when_asked(tmp_path):
    page, output = serve(tmp_path / "fresh.sqlite3", "--demo")
    assert 'dir="rtl"' in page, output
    assert "تصميم شعار احترافي لشركتك" in page
    assert "demo loaded" in output
    assert 'class="demo-banner"' in page


def test_without_the_demo_flag_nothing_is_loaded_and_no_account_is_published(tmp_path):
    page, output = serve(tmp_path / "empty.sqlite3")
    assert 'dir="rtl"' in page, output
    assert "تصميم شعار احترافي لشركتك" not in page
    assert "demo-banner" not in page
    assert "demo loaded" not in output


def test_a_site_without_its_secret_key_refuses_to_start_and_says_why(tmp_path):
    page, output = serve(tmp_path / "site.sqlite3", secret="")
    assert "" == page
    assert "MICROGIGS_SECRET_KEY is not set" in output


def test_a_demo_without_a_secret_key_starts_with_a_loud_warning(tmp_path):
    page, output = serve(tmp_path / "demo.sqlite3", "--demo", secret="")
    assert 'class="demo-banner"' in page
    assert "!!! MICROGIGS_SECRET_KEY is not set" in output


def test_a_site_not_told_where_its_mail_goes_refuses_to_start_and_says_why(tmp_path):
    # a hostile review (2026-12-07): as shipped, every reset link went to the log, where
    # whoever reads it may take over any account
    page, output = serve(tmp_path / "site.sqlite3", smtp="")
    assert "" == page
    assert "MICROGIGS_SMTP_URL is not set" in output
    demo, _output = serve(tmp_path / "demo.sqlite3", "--demo", smtp="")
    assert 'class="demo-banner"' in demo  # a demo shows its links on the page itself


def test_a_site_not_told_which_payment_gateway_it_takes_money_by_refuses_to_start(
    tmp_path, monkeypatch
):
    # a hostile review (2026-12-07): a site ran on the fake gateway, which accepts every
    # card, so any member topped up $10,000 as often as they liked and withdrew it as a
    # seller's earnings
    page, output = serve(tmp_path / "site.sqlite3", gateway="")
    assert ("", True) == (page, "MICROGIGS_GATEWAY is not set" in output), output
    page, output = serve(tmp_path / "typo.sqlite3", gateway="microgigs.payments:NoSuchGateway")
    assert ("", True) == (page, "MICROGIGS_GATEWAY names" in output), output
    assert "Traceback" not in output
    demo, _output = serve(tmp_path / "demo.sqlite3", "--demo", gateway="")
    assert 'class="demo-banner"' in demo  # a demo's cards are its fake gateway's
    monkeypatch.delenv("MICROGIGS_GATEWAY")
    with pytest.raises(ValueError, match="MICROGIGS_GATEWAY is not set"):
        bootstrap(str(tmp_path / "library.sqlite3"))
    assert not (tmp_path / "library.sqlite3").exists()  # refused before opening anything


def test_a_site_refuses_a_short_key_or_a_mail_server_it_cannot_use_and_says_why(tmp_path):
    # a hostile review (2026-12-07): "abc" signed the sessions, and ftp://x stopped the site
    # with a traceback instead of the one line the other refusals print
    page, output = serve(tmp_path / "short.sqlite3", secret="abc")  # noqa: S106 (refused)
    assert ("", True) == (page, "MICROGIGS_SECRET_KEY is too short" in output), output
    page, output = serve(tmp_path / "ftp.sqlite3", smtp="ftp://x")
    assert "" == page
    assert "microgigs: MICROGIGS_SMTP_URL must be smtp://" in output
    assert "Traceback" not in output


def test_a_site_refuses_the_demos_database_whose_accounts_are_published(tmp_path):
    # a hostile review: `dev.py demo` fills marketplace.sqlite3, which is also a site's
    # default database; started without --demo on it, the site let anyone log in as the
    # demo's admin (admin@example.com, demo-password), with no banner saying it is a demo
    db = tmp_path / "marketplace.sqlite3"
    demo, _output = serve(db, "--demo")
    assert 'class="demo-banner"' in demo
    page, output = serve(db)
    assert "" == page
    assert "holds the demo's accounts, whose passwords are published" in output, output
    assert "Traceback" not in output
    again, _output = serve(db, "--demo")  # still served as what it is: a demo
    assert 'class="demo-banner"' in again


def test_a_demo_refuses_a_sites_database(tmp_path):
    # a hostile review: MICROGIGS_DEMO=1 (or --demo) on a site's database told its members on
    # every page that the password is demo-password, and showed verification links on the page
    db = tmp_path / "site.sqlite3"
    host = bootstrap(str(db))  # a site's database, with a member of its own
    try:
        host.register(username="rana_real", email="rana@bank.example", first_name="رنا",
                      family_name="سالم", password="olive tree 42", key="r")  # noqa: S106  # fmt: skip
    finally:
        host.close()
    page, output = serve(db, "--demo")
    assert ("", True) == (page, "holds no demo" in output), output


def test_a_demo_that_stopped_loading_is_still_no_sites_database(tmp_path, monkeypatch):
    # a hostile review: the demo's admin (the mark a site refuses) was written last, so a
    # load that stopped part-way left its members' published password on a "site"
    import app as site  # noqa: PLC0415 (its demo loader, made to fail part-way)

    def stops(market, _clock):
        market.register_member(username="half_loaded", email="half@example.com",
                               first_name="نصف", family_name="محمل", key="half")  # fmt: skip
        raise RuntimeError("the machine stopped")  # noqa: EM101, TRY003

    monkeypatch.setattr(site, "load_demo", stops)
    db = str(tmp_path / "demo.sqlite3")
    with pytest.raises(RuntimeError):
        bootstrap(db, demo=True)
    with pytest.raises(ValueError, match="demo"):
        bootstrap(db)


def test_a_gateway_factory_that_gives_none_or_fails_is_refused_and_said(monkeypatch):
    # a new user's probe (2026-12-07): a factory returning None started the site on the
    # fake gateway (the library's default for gateway=None), and one raising KeyError
    # stopped it with a traceback instead of the one line the other refusals print
    from settings import payment_gateway  # noqa: PLC0415 (the site's own settings)

    factories = types.SimpleNamespace(none=lambda: None, broken=lambda: {}["MY_GATEWAY_KEY"])
    monkeypatch.setitem(sys.modules, "my_gateways", factories)
    for factory, said in (("none", "gave NoneType, no gateway"), ("broken", "MY_GATEWAY_KEY")):
        monkeypatch.setenv("MICROGIGS_GATEWAY", f"my_gateways:{factory}")
        with pytest.raises(ValueError, match=said):
            payment_gateway(demo=False)

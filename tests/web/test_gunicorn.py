"""The web host under gunicorn with several workers: sessions and tokens work on each.

Every request may land on another worker process; a session or a token made on one must
work on all (they live in the database, signed with MICROGIGS_SECRET_KEY).
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from app import bootstrap
from test_start import free_port

WEB = Path(__file__).resolve().parents[2] / "examples" / "web"


def test_gunicorn_with_two_workers_shares_sessions_and_tokens(tmp_path):
    db = str(tmp_path / "market.sqlite3")
    bootstrap(db, demo=True).close()
    port = free_port()
    env = {**os.environ, "MICROGIGS_DATABASE": db, "MICROGIGS_SECRET_KEY": "g" * 40,
           "MICROGIGS_FILES": str(tmp_path / "files"), "MICROGIGS_BIND": f"127.0.0.1:{port}",
           "WEB_CONCURRENCY": "2", "MICROGIGS_HTTPS": "0",  # plain HTTP here
           "MICROGIGS_SMTP_URL": "log",  # links in the log, as a site being tried
           "MICROGIGS_DEMO": "1"}  # the demo's database, served as the demo it is  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"],
        cwd=WEB, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                page = browser.open(f"{base}/login", timeout=5).read().decode()
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.3)
        assert 'class="demo-banner"' in page  # MICROGIGS_DEMO=1: it says it is a demo
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode(
            {"csrf": csrf, "email": "ahmad@example.com", "password": "demo-password"}
        ).encode()
        browser.open(f"{base}/login", data=form, timeout=10)
        answers = [browser.open(f"{base}/dashboard", timeout=10) for _ in range(12)]
        assert {200} == {a.status for a in answers}
        assert {f"{base}/dashboard"} == {a.url for a in answers}  # never sent to log in
        assert {"gunicorn"} == {a.headers["Server"] for a in answers}  # no version
        made = urllib.request.urlopen(  # noqa: S310 (our own loopback server)
            urllib.request.Request(  # noqa: S310
                f"{base}/api/v1/tokens",
                data=json.dumps(
                    {"email": "tariq@example.com", "password": "demo-password"}
                ).encode(),
                headers={"Content-Type": "application/json"},
            ),
            timeout=10,
        )
        token = json.loads(made.read())["token"]
        joined = urllib.request.urlopen(  # noqa: S310 (our own loopback server)
            urllib.request.Request(  # noqa: S310
                f"{base}/api/v1/members",
                data=json.dumps(
                    {
                        "username": "huda",
                        "email": "huda@example.com",
                        "first_name": "هدى",
                        "family_name": "علي",
                        "password": "a-long-password",
                    }
                ).encode(),
                headers={"Content-Type": "application/json"},
            ),
            timeout=10,
        )
        assert 201 == joined.status
        for _ in range(12):
            me = urllib.request.Request(  # noqa: S310
                f"{base}/api/v1/me", headers={"Authorization": f"Bearer {token}"}
            )
            assert 200 == urllib.request.urlopen(me, timeout=10).status  # noqa: S310
    finally:
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=30)[0]
    assert "Booting worker" in output
    # told to, the verification link reaches the server's log (a hostile review: it was
    # dropped, and nobody registered under gunicorn could ever confirm their e-mail)
    assert re.search(r"mail to huda@example\.com: .*\n.*/verify/", output), output[-2000:]
    assert 2 == len(set(re.findall(r"Booting worker with pid: (\d+)", output)))


def test_gunicorn_stops_and_says_why_when_the_site_is_not_told_where_its_mail_goes(tmp_path):
    # a worker that exited at import was started again for ever (a SystemExit); raised as
    # the missing secret key is, gunicorn stops
    env = {k: v for k, v in os.environ.items() if k != "MICROGIGS_SMTP_URL"}
    env |= {"MICROGIGS_DATABASE": str(tmp_path / "site.sqlite3"), "MICROGIGS_SECRET_KEY": "k" * 32,
            "MICROGIGS_BIND": f"127.0.0.1:{free_port()}", "WEB_CONCURRENCY": "1"}  # fmt: skip
    stopped = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"],
        cwd=WEB, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert 0 != stopped.returncode
    assert "MICROGIGS_SMTP_URL is not set" in stopped.stderr

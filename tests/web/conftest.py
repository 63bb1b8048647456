"""The web host under test: bootstrapped on a temporary SQLite file with the demo month."""

from __future__ import annotations

import fcntl
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples" / "web"))
sys.path.insert(0, str(Path(__file__).parent))  # forms.py, beside the tests

from app import bootstrap, create_app


@pytest.fixture(autouse=True)
def _test_gateway(monkeypatch):
    """A site's gateway in these tests: the fake one, which accepts every card."""
    monkeypatch.setenv("MICROGIGS_GATEWAY", "microgigs.payments:FakeGateway")


@pytest.fixture(scope="module")
def host(tmp_path_factory):
    made = bootstrap(str(tmp_path_factory.mktemp("web") / "market.sqlite3"), demo=True)
    yield made
    made.close()


@pytest.fixture(scope="module")
def app(host):
    # limits off: these tests log in hundreds of times from one address (test_limits.py
    # builds its own app with them on)
    secret = "test-secret"  # noqa: S105 (a test app)
    return create_app(host, secret_key=secret, testing=True, rate_limits=False)


@pytest.fixture(scope="module")
def site(app):
    """The application served on a free local port: its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def web_schema() -> Iterator[None]:
    """The PostgreSQL schema ``microgigs_web`` to this test alone, across xdist's workers.

    The accounts' tests drop and make it again; two workers doing so side by side (their
    work stolen in any order) dropped the tables under each other.
    """
    with (Path(tempfile.gettempdir()) / "microgigs-web-schema.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield

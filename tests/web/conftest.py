"""The web host under test: bootstrapped on a temporary SQLite file with the demo month."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples" / "web"))
sys.path.insert(0, str(Path(__file__).parent))  # forms.py, beside the tests

from app import bootstrap, create_app


@pytest.fixture(scope="module")
def host(tmp_path_factory):
    made = bootstrap(str(tmp_path_factory.mktemp("web") / "market.sqlite3"), demo=True)
    yield made
    made.close()


@pytest.fixture(scope="module")
def app(host):
    return create_app(host, secret_key="test-secret", testing=True)  # noqa: S106 (a test app)


@pytest.fixture(scope="module")
def site(app):
    """The application served on a free local port: its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()

"""bootstrap() wires PostgreSQL when given a DSN, with the demo month, and serves it.

The accounts, sessions and tokens are in the same database (the schema ``microgigs_web``):
nothing is written to the working folder, and a second host on the database (another
machine) knows the same sessions.
"""

from __future__ import annotations

import psycopg
import pytest
from app import bootstrap, create_app
from forms import log_in


@pytest.mark.postgres
@pytest.mark.usefixtures("web_schema")
def test_bootstrap_on_postgresql_serves_the_demo_and_shares_sessions(
    postgres_dsn, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MICROGIGS_SECRET_KEY", "pg-test-key-of-at-least-32-characters")
    drop(postgres_dsn)  # a fresh marketplace, whatever an earlier run left
    host = bootstrap(postgres_dsn, demo=True, files=str(tmp_path / "files"))
    other = bootstrap(postgres_dsn, demo=True, files=str(tmp_path / "files"))
    try:
        client = create_app(host, testing=True).test_client()
        assert "تصميم شعار احترافي لشركتك" in client.get("/").data.decode()
        log_in(client, "ahmad@example.com")
        assert 200 == client.get("/orders").status_code
        elsewhere = create_app(other, testing=True).test_client()
        elsewhere.set_cookie("session", client.get_cookie("session").value)
        assert 200 == elsewhere.get("/orders").status_code
        assert [] == list(tmp_path.iterdir())  # no accounts.sqlite3, no files yet
    finally:
        host.close()
        other.close()
        drop(postgres_dsn)


def drop(dsn):
    with psycopg.connect(dsn, autocommit=True) as db:
        db.execute('DROP SCHEMA IF EXISTS "microgigs" CASCADE')
        db.execute('DROP SCHEMA IF EXISTS "microgigs_web" CASCADE')

"""bootstrap() wires PostgreSQL when given a DSN, with the demo month, and serves it."""

from __future__ import annotations

import psycopg
import pytest
from app import bootstrap, create_app
from forms import log_in


@pytest.mark.postgres
def test_bootstrap_on_postgresql_serves_the_demo(postgres_dsn, tmp_path):
    host = bootstrap(postgres_dsn, accounts=str(tmp_path / "accounts.sqlite3"), demo=True)
    try:
        client = create_app(host, secret_key="pg-test", testing=True).test_client()  # noqa: S106
        assert "تصميم شعار احترافي لشركتك" in client.get("/").data.decode()
        log_in(client, "ahmad@example.com")
        assert 200 == client.get("/orders").status_code
    finally:
        host.close()
        with psycopg.connect(postgres_dsn, autocommit=True) as db:
            db.execute('DROP SCHEMA IF EXISTS "microgigs" CASCADE')

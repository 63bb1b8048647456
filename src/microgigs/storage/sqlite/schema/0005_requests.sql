-- microgigs schema 5 (SQLite): requests for services that don't exist, with their offers.

CREATE TABLE requests (
    id          TEXT PRIMARY KEY,
    buyer_id    TEXT NOT NULL,
    category_id TEXT NOT NULL,
    status      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    version     INTEGER NOT NULL,
    doc         TEXT NOT NULL
);
CREATE INDEX requests_open ON requests (status, created_at DESC, id DESC);
CREATE INDEX requests_open_by_category ON requests (status, category_id, created_at DESC, id DESC);
CREATE INDEX requests_expiring ON requests (status, expires_at, id);

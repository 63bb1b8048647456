-- microgigs schema 5 (PostgreSQL): requests for services that don't exist, with their offers.

CREATE TABLE requests (
    id          text PRIMARY KEY,
    buyer_id    text NOT NULL,
    category_id text NOT NULL,
    status      text NOT NULL,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    version     integer NOT NULL,
    doc         text NOT NULL
);
CREATE INDEX requests_open ON requests (status, created_at DESC, id DESC);
CREATE INDEX requests_open_by_category ON requests (status, category_id, created_at DESC, id DESC);
CREATE INDEX requests_expiring ON requests (status, expires_at, id);

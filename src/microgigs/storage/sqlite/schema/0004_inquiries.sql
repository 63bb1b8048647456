-- microgigs schema 4 (SQLite): pre-purchase inquiries, one per buyer and service.

CREATE TABLE inquiries (
    id         TEXT PRIMARY KEY,
    service_id TEXT NOT NULL,
    buyer_id   TEXT NOT NULL,
    seller_id  TEXT NOT NULL,
    opened_at  TEXT NOT NULL,
    version    INTEGER NOT NULL,
    doc        TEXT NOT NULL,
    UNIQUE (buyer_id, service_id)
);
CREATE INDEX inquiries_to_seller ON inquiries (seller_id, opened_at, id);

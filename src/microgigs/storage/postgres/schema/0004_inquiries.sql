-- microgigs schema 4 (PostgreSQL): pre-purchase inquiries, one per buyer and service.

CREATE TABLE inquiries (
    id         text PRIMARY KEY,
    service_id text NOT NULL,
    buyer_id   text NOT NULL,
    seller_id  text NOT NULL,
    opened_at  timestamptz NOT NULL,
    version    integer NOT NULL,
    doc        text NOT NULL,
    UNIQUE (buyer_id, service_id)
);
CREATE INDEX inquiries_to_seller ON inquiries (seller_id, opened_at, id);

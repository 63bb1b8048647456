-- microgigs schema 3 (PostgreSQL): reviews, one per order, with ratings summed by the database.

CREATE TABLE reviews (
    id         text PRIMARY KEY,
    order_id   text NOT NULL UNIQUE,
    service_id text NOT NULL,
    seller_id  text NOT NULL,
    stars      integer NOT NULL CHECK (stars BETWEEN 1 AND 5),
    created_at timestamptz NOT NULL,
    version    integer NOT NULL,
    doc        text NOT NULL
);
CREATE INDEX reviews_by_service ON reviews (service_id, created_at DESC, id DESC);
CREATE INDEX reviews_by_seller ON reviews (seller_id);

-- microgigs schema 8 (PostgreSQL): what an order bought and its price (the service snapshot
-- and the quote) in a column of their own, written once when the order is placed; the
-- document keeps the rest, so every later change rewrites a third of what it did.

ALTER TABLE orders ADD COLUMN terms text;

UPDATE orders
SET terms = json_build_object('service', doc::json -> 'service', 'quote', doc::json -> 'quote')::text,
    doc = (doc::jsonb - 'service' - 'quote')::text;

ALTER TABLE orders ALTER COLUMN terms SET NOT NULL;

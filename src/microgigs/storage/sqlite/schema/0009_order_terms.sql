-- microgigs schema 9 (SQLite): what an order bought and its price (the service snapshot
-- and the quote) in a column of their own, written once when the order is placed; the
-- document keeps the rest, so every later change rewrites a third of what it did.

ALTER TABLE orders ADD COLUMN terms TEXT NOT NULL DEFAULT '{}';

UPDATE orders
SET terms = json_object('service', doc -> '$.service', 'quote', doc -> '$.quote'),
    doc = json_remove(doc, '$.service', '$.quote');

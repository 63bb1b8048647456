-- Carts and favourites are written at the version they were read (one checkout per cart).
ALTER TABLE carts ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
UPDATE carts SET version = json_extract(doc, '$.version');
ALTER TABLE favourites ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
UPDATE favourites SET version = json_extract(doc, '$.version');

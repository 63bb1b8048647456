-- Carts and favourites are written at the version they were read (one checkout per cart).
ALTER TABLE carts ADD COLUMN version integer NOT NULL DEFAULT 0;
UPDATE carts SET version = (doc::jsonb ->> 'version')::integer;
ALTER TABLE favourites ADD COLUMN version integer NOT NULL DEFAULT 0;
UPDATE favourites SET version = (doc::jsonb ->> 'version')::integer;

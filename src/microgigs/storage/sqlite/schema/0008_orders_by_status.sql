-- microgigs schema 8 (SQLite): orders in one status, longest waiting first (the admin's
-- queue of disputes), without walking every member's orders.

CREATE INDEX orders_by_status ON orders (status, placed_at, id);

-- microgigs schema 7 (PostgreSQL): orders in one status, longest waiting first (the admin's
-- queue of disputes), without walking every member's orders.

CREATE INDEX orders_by_status ON orders (status, placed_at, id);

-- microgigs schema 7 (PostgreSQL): orders in one status, longest waiting first (the admin's
-- queue of disputes), and a buyer's own requests, newest first, whatever their status.

CREATE INDEX orders_by_status ON orders (status, placed_at, id);
CREATE INDEX requests_by_buyer ON requests (buyer_id, created_at DESC, id DESC);

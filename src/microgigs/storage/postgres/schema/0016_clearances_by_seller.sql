-- microgigs schema 16 (PostgreSQL): a seller's earnings not yet cleared, read by their
-- dashboard (LedgerRepository.uncleared), soonest to clear first; and their services by status.

CREATE INDEX ledger_clearances_by_seller ON ledger_clearances (seller_id, clears_at, order_id);

-- a seller's services on sale, read by their public page (ServiceRepository.by_seller with a
-- status), without walking the rest
CREATE INDEX services_by_seller_status ON services (seller_id, status, created_at DESC, id DESC);

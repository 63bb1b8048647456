-- microgigs schema 17 (SQLite): a seller's earnings not yet cleared, read by their dashboard
-- (LedgerRepository.uncleared), soonest to clear first.

CREATE INDEX ledger_clearances_by_seller ON ledger_clearances (seller_id, clears_at, order_id);

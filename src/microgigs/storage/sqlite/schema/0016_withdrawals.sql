-- microgigs schema 16 (SQLite): sellers' withdrawals, each to one of their payout methods and
-- settled once by the payout provider's answer. Each row is the withdrawal's document and the
-- columns its queries read (microgigs.storage._tables).

CREATE TABLE withdrawals (
    id TEXT PRIMARY KEY, seller_id TEXT NOT NULL, status TEXT NOT NULL,
    requested_at TEXT NOT NULL, version INTEGER NOT NULL, doc TEXT NOT NULL
);
-- a seller's withdrawals, newest first; the payout queue, oldest first
CREATE INDEX withdrawals_by_seller ON withdrawals (seller_id, requested_at DESC, id DESC);
CREATE INDEX withdrawals_by_status ON withdrawals (status, requested_at, id);

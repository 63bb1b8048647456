-- microgigs schema 15 (PostgreSQL): sellers' withdrawals, each to one of their payout methods and
-- settled once by the payout provider's answer. Each row is the withdrawal's document and the
-- columns its queries read (microgigs.storage._tables).

CREATE TABLE withdrawals (
    id text PRIMARY KEY, seller_id text NOT NULL, status text NOT NULL,
    requested_at timestamptz NOT NULL, version integer NOT NULL, doc text NOT NULL
);
-- a seller's withdrawals, newest first; the payout queue, oldest first
CREATE INDEX withdrawals_by_seller ON withdrawals (seller_id, requested_at DESC, id DESC);
CREATE INDEX withdrawals_by_status ON withdrawals (status, requested_at, id);

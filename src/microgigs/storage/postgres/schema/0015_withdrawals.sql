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

-- Before this schema a withdrawal was a ledger posting only: what each seller has being paid
-- out becomes one withdrawal awaiting its payout, its method not recorded (the admin pays it
-- to the seller's payout methods), so the payout queue shows it and settle_withdrawal ends it.
INSERT INTO withdrawals (id, seller_id, status, requested_at, version, doc)
SELECT 'before-15-' || substr(b.account, 13), substr(b.account, 13), 'requested', t.at, 0,
       json_build_object(
           'id', 'before-15-' || substr(b.account, 13), 'seller_id', substr(b.account, 13),
           'amount', json_build_object('minor', b.minor, 'currency', b.currency),
           'method', NULL, 'requested_at', t.iso, 'status', 'requested',
           'settled_at', NULL, 'version', 0
       )::text
FROM ledger_balances b,
     (SELECT date_trunc('second', now()) AS at,
             to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"') AS iso) t
WHERE b.account LIKE 'withdrawing:%' AND b.minor > 0;

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

-- Before this schema a withdrawal was a ledger posting only: what each seller has being paid
-- out becomes one withdrawal awaiting its payout, its method not recorded (the admin pays it
-- to the seller's payout methods), so the payout queue shows it and settle_withdrawal ends it.
INSERT INTO withdrawals (id, seller_id, status, requested_at, version, doc)
SELECT 'before-16-' || substr(b.account, 13), substr(b.account, 13), 'requested', t.at, 0,
       json_object(
           'id', 'before-16-' || substr(b.account, 13), 'seller_id', substr(b.account, 13),
           'amount', json_object('minor', b.minor, 'currency', b.currency),
           'method', json('null'), 'requested_at', t.iso, 'status', 'requested',
           'settled_at', json('null'), 'version', 0
       )
FROM ledger_balances b,
     (SELECT strftime('%Y-%m-%dT%H:%M:%S.000000Z', 'now') AS at,
             strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now') AS iso) t
WHERE b.account LIKE 'withdrawing:%' AND b.minor > 0;

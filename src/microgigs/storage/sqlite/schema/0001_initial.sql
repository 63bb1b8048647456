-- microgigs schema 1 (SQLite): aggregates as JSON documents with indexed columns, and a
-- ledger whose rules the database itself enforces.

CREATE TABLE members (
    id        TEXT PRIMARY KEY,
    username  TEXT NOT NULL UNIQUE,
    email     TEXT NOT NULL UNIQUE,
    version   INTEGER NOT NULL,
    doc       TEXT NOT NULL
);

CREATE TABLE services (
    id          TEXT PRIMARY KEY,
    seller_id   TEXT NOT NULL,
    category_id TEXT NOT NULL,
    status      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    version     INTEGER NOT NULL,
    doc         TEXT NOT NULL
);
CREATE INDEX services_by_seller ON services (seller_id, created_at DESC, id DESC);
CREATE INDEX services_by_status ON services (status, updated_at, id);
CREATE INDEX services_by_category ON services (category_id, status, created_at DESC, id DESC);

CREATE TABLE favourites (owner_id TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE carts (owner_id TEXT PRIMARY KEY, doc TEXT NOT NULL);

CREATE TABLE orders (
    id          TEXT PRIMARY KEY,
    buyer_id    TEXT NOT NULL,
    seller_id   TEXT NOT NULL,
    status      TEXT NOT NULL,
    placed_at   TEXT NOT NULL,
    next_due_at TEXT,
    version     INTEGER NOT NULL,
    doc         TEXT NOT NULL
);
CREATE INDEX orders_by_buyer ON orders (buyer_id, placed_at DESC, id DESC);
CREATE INDEX orders_by_seller ON orders (seller_id, placed_at DESC, id DESC);
CREATE INDEX orders_due ON orders (next_due_at) WHERE next_due_at IS NOT NULL;

CREATE TABLE messages (
    seq      INTEGER PRIMARY KEY,
    id       TEXT NOT NULL UNIQUE,
    order_id TEXT NOT NULL,
    doc      TEXT NOT NULL
);
CREATE INDEX messages_by_order ON messages (order_id, seq);

CREATE TABLE outbox (
    seq       INTEGER PRIMARY KEY,
    id        TEXT NOT NULL UNIQUE,
    name      TEXT NOT NULL,
    payload   TEXT NOT NULL,
    at        TEXT NOT NULL,
    delivered INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_pending ON outbox (seq) WHERE delivered = 0;

CREATE TABLE commands (
    key         TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    result      TEXT NOT NULL
);

-- The ledger ---------------------------------------------------------------------------
-- A transaction is one row carrying its entries as JSON: [{"account", "currency", "minor"}].
-- Triggers refuse it unless it balances, then expand the entries, move the cached balances
-- and keep the index of releases awaiting clearance. Entries are never updated or deleted.

CREATE TABLE ledger_transactions (
    seq       INTEGER PRIMARY KEY,
    id        TEXT NOT NULL UNIQUE,
    key       TEXT NOT NULL UNIQUE,
    kind      TEXT NOT NULL,
    at        TEXT NOT NULL,
    order_id  TEXT,
    member_id TEXT,
    reverses  TEXT,
    clears_at TEXT,
    entries   TEXT NOT NULL
);

CREATE TABLE ledger_entries (
    seq            INTEGER PRIMARY KEY,
    transaction_id TEXT NOT NULL REFERENCES ledger_transactions (id),
    account        TEXT NOT NULL,
    currency       TEXT NOT NULL,
    minor          INTEGER NOT NULL,
    balance        INTEGER NOT NULL
);
CREATE INDEX ledger_entries_by_account ON ledger_entries (account, seq);
CREATE INDEX ledger_entries_by_transaction ON ledger_entries (transaction_id);

CREATE TABLE ledger_balances (
    account  TEXT PRIMARY KEY,
    currency TEXT NOT NULL,
    minor    INTEGER NOT NULL,
    CHECK (minor >= 0 OR account LIKE 'gateway:%' OR account = 'payouts:sent')
);

CREATE TABLE ledger_clearances (
    order_id    TEXT PRIMARY KEY,
    seller_id   TEXT NOT NULL,
    currency    TEXT NOT NULL,
    minor       INTEGER NOT NULL,
    released_at TEXT NOT NULL,
    clears_at   TEXT NOT NULL
);
CREATE INDEX ledger_clearances_due ON ledger_clearances (clears_at, order_id);

CREATE TRIGGER ledger_transactions_balance BEFORE INSERT ON ledger_transactions
WHEN json_array_length(NEW.entries) < 2
  OR EXISTS (
    SELECT 1 FROM json_each(NEW.entries)
    GROUP BY json_extract(value, '$.currency')
    HAVING sum(json_extract(value, '$.minor')) != 0
  )
BEGIN
    SELECT RAISE(ABORT, 'unbalanced ledger transaction');
END;

CREATE TRIGGER ledger_transactions_post AFTER INSERT ON ledger_transactions
BEGIN
    -- New accounts start at zero; then one conditional update moves every balance, and
    -- the CHECK on ledger_balances refuses the whole posting if one goes wrongly negative.
    INSERT INTO ledger_balances (account, currency, minor)
    SELECT DISTINCT json_extract(value, '$.account'), json_extract(value, '$.currency'), 0
    FROM json_each(NEW.entries) WHERE true
    ON CONFLICT (account) DO NOTHING;

    UPDATE ledger_balances
    SET minor = minor + (
        SELECT sum(json_extract(value, '$.minor')) FROM json_each(NEW.entries)
        WHERE json_extract(value, '$.account') = ledger_balances.account
    )
    WHERE account IN (SELECT json_extract(value, '$.account') FROM json_each(NEW.entries));

    INSERT INTO ledger_entries (transaction_id, account, currency, minor, balance)
    SELECT NEW.id, json_extract(e.value, '$.account'), json_extract(e.value, '$.currency'),
           json_extract(e.value, '$.minor'), b.minor
    FROM json_each(NEW.entries) AS e
    JOIN ledger_balances AS b ON b.account = json_extract(e.value, '$.account')
    ORDER BY e.key;

    INSERT INTO ledger_clearances (order_id, seller_id, currency, minor, released_at, clears_at)
    SELECT NEW.order_id, NEW.member_id, json_extract(value, '$.currency'),
           json_extract(value, '$.minor'), NEW.at, NEW.clears_at
    FROM json_each(NEW.entries)
    WHERE NEW.kind IN ('release', 'partial_refund') AND NEW.clears_at IS NOT NULL
      AND json_extract(value, '$.account') = 'pending:' || NEW.member_id
      AND json_extract(value, '$.minor') > 0
    ON CONFLICT (order_id) DO NOTHING;

    DELETE FROM ledger_clearances WHERE NEW.kind = 'clearance' AND order_id = NEW.order_id;
END;

-- Entries come only from the expansion above: the k-th entry of a transaction must be the
-- k-th element of its JSON, so no entry can be added to a posted transaction.
CREATE TRIGGER ledger_entries_only_from_transactions BEFORE INSERT ON ledger_entries
WHEN NOT EXISTS (
    SELECT 1 FROM ledger_transactions AS t
    WHERE t.id = NEW.transaction_id
      AND json_extract(t.entries, '$[' || (
            SELECT count(*) FROM ledger_entries WHERE transaction_id = NEW.transaction_id
          ) || '].account') = NEW.account
      AND json_extract(t.entries, '$[' || (
            SELECT count(*) FROM ledger_entries WHERE transaction_id = NEW.transaction_id
          ) || '].minor') = NEW.minor
)
BEGIN
    SELECT RAISE(ABORT, 'ledger entries are written only by posting a transaction');
END;

CREATE TRIGGER ledger_entries_immutable_update BEFORE UPDATE ON ledger_entries
BEGIN
    SELECT RAISE(ABORT, 'ledger entries are immutable');
END;
CREATE TRIGGER ledger_entries_immutable_delete BEFORE DELETE ON ledger_entries
BEGIN
    SELECT RAISE(ABORT, 'ledger entries are immutable');
END;
CREATE TRIGGER ledger_transactions_immutable_update BEFORE UPDATE ON ledger_transactions
BEGIN
    SELECT RAISE(ABORT, 'ledger transactions are immutable');
END;
CREATE TRIGGER ledger_transactions_immutable_delete BEFORE DELETE ON ledger_transactions
BEGIN
    SELECT RAISE(ABORT, 'ledger transactions are immutable');
END;

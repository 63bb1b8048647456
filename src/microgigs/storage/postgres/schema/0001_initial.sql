-- microgigs schema 1 (PostgreSQL): aggregates as JSON documents with indexed columns, and
-- a ledger whose rules the database itself enforces.

CREATE TABLE members (
    id        text PRIMARY KEY,
    username  text NOT NULL UNIQUE,
    email     text NOT NULL UNIQUE,
    version   integer NOT NULL,
    doc       text NOT NULL
);

CREATE TABLE services (
    id          text PRIMARY KEY,
    seller_id   text NOT NULL,
    category_id text NOT NULL,
    status      text NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    version     integer NOT NULL,
    doc         text NOT NULL
);
CREATE INDEX services_by_seller ON services (seller_id, created_at DESC, id DESC);
CREATE INDEX services_by_status ON services (status, updated_at, id);
CREATE INDEX services_by_category ON services (category_id, status, created_at DESC, id DESC);

CREATE TABLE favourites (owner_id text PRIMARY KEY, doc text NOT NULL);
CREATE TABLE carts (owner_id text PRIMARY KEY, doc text NOT NULL);

CREATE TABLE orders (
    id          text PRIMARY KEY,
    buyer_id    text NOT NULL,
    seller_id   text NOT NULL,
    status      text NOT NULL,
    placed_at   timestamptz NOT NULL,
    next_due_at timestamptz,
    version     integer NOT NULL,
    doc         text NOT NULL
);
CREATE INDEX orders_by_buyer ON orders (buyer_id, placed_at DESC, id DESC);
CREATE INDEX orders_by_seller ON orders (seller_id, placed_at DESC, id DESC);
CREATE INDEX orders_due ON orders (next_due_at) WHERE next_due_at IS NOT NULL;

CREATE TABLE messages (
    seq      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id       text NOT NULL UNIQUE,
    order_id text NOT NULL,
    doc      text NOT NULL
);
CREATE INDEX messages_by_order ON messages (order_id, seq);

CREATE TABLE outbox (
    seq       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id        text NOT NULL UNIQUE,
    name      text NOT NULL,
    payload   text NOT NULL,
    at        timestamptz NOT NULL,
    delivered integer NOT NULL DEFAULT 0
);
CREATE INDEX outbox_pending ON outbox (seq) WHERE delivered = 0;

CREATE TABLE commands (
    key         text PRIMARY KEY,
    fingerprint text NOT NULL,
    result      text NOT NULL
);

-- The ledger ---------------------------------------------------------------------------

CREATE TABLE ledger_transactions (
    seq       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id        text NOT NULL UNIQUE,
    key       text NOT NULL UNIQUE,
    kind      text NOT NULL,
    at        timestamptz NOT NULL,
    order_id  text,
    member_id text,
    reverses  text,
    clears_at timestamptz,
    entries   jsonb NOT NULL
);

CREATE TABLE ledger_entries (
    seq            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    transaction_id text NOT NULL REFERENCES ledger_transactions (id),
    account        text NOT NULL,
    currency       text NOT NULL,
    minor          bigint NOT NULL,
    balance        bigint NOT NULL
);
CREATE INDEX ledger_entries_by_account ON ledger_entries (account, seq);
CREATE INDEX ledger_entries_by_transaction ON ledger_entries (transaction_id);

CREATE TABLE ledger_balances (
    account  text PRIMARY KEY,
    currency text NOT NULL,
    minor    bigint NOT NULL,
    CONSTRAINT ledger_balances_not_negative
        CHECK (minor >= 0 OR account LIKE 'gateway:%' OR account = 'payouts:sent')
);

CREATE TABLE ledger_clearances (
    order_id    text PRIMARY KEY,
    seller_id   text NOT NULL,
    currency    text NOT NULL,
    minor       bigint NOT NULL,
    released_at timestamptz NOT NULL,
    clears_at   timestamptz NOT NULL
);
CREATE INDEX ledger_clearances_due ON ledger_clearances (clears_at, order_id);

CREATE FUNCTION ledger_refuse_unbalanced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF jsonb_array_length(NEW.entries) < 2 OR EXISTS (
        SELECT 1 FROM jsonb_array_elements(NEW.entries) AS e
        GROUP BY e ->> 'currency' HAVING sum((e ->> 'minor')::bigint) <> 0
    ) THEN
        RAISE EXCEPTION 'unbalanced ledger transaction' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER ledger_transactions_balance BEFORE INSERT ON ledger_transactions
FOR EACH ROW EXECUTE FUNCTION ledger_refuse_unbalanced();

CREATE FUNCTION ledger_post() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    entry jsonb;
    after bigint;
BEGIN
    -- One keyed update per entry, in the order of the entries; the CHECK on
    -- ledger_balances refuses the whole posting if a balance goes wrongly negative.
    FOR entry IN SELECT e FROM jsonb_array_elements(NEW.entries) AS e LOOP
        UPDATE ledger_balances SET minor = minor + (entry ->> 'minor')::bigint
        WHERE account = entry ->> 'account'
        RETURNING minor INTO after;
        IF NOT FOUND THEN
            INSERT INTO ledger_balances (account, currency, minor)
            VALUES (entry ->> 'account', entry ->> 'currency', (entry ->> 'minor')::bigint)
            RETURNING minor INTO after;
        END IF;
        INSERT INTO ledger_entries (transaction_id, account, currency, minor, balance)
        VALUES (NEW.id, entry ->> 'account', entry ->> 'currency', (entry ->> 'minor')::bigint, after);
        IF NEW.kind IN ('release', 'partial_refund') AND NEW.clears_at IS NOT NULL
           AND entry ->> 'account' = 'pending:' || NEW.member_id
           AND (entry ->> 'minor')::bigint > 0 THEN
            INSERT INTO ledger_clearances (order_id, seller_id, currency, minor, released_at, clears_at)
            VALUES (NEW.order_id, NEW.member_id, entry ->> 'currency', (entry ->> 'minor')::bigint,
                    NEW.at, NEW.clears_at)
            ON CONFLICT (order_id) DO NOTHING;
        END IF;
    END LOOP;
    IF NEW.kind = 'clearance' THEN
        DELETE FROM ledger_clearances WHERE order_id = NEW.order_id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER ledger_transactions_post AFTER INSERT ON ledger_transactions
FOR EACH ROW EXECUTE FUNCTION ledger_post();

-- Entries come only from the expansion above: the k-th entry of a transaction must be the
-- k-th element of its JSON, so no entry can be added to a posted transaction.
CREATE FUNCTION ledger_entries_only_from_transactions() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    expected jsonb;
BEGIN
    SELECT t.entries -> (
        SELECT count(*)::integer FROM ledger_entries WHERE transaction_id = NEW.transaction_id
    ) INTO expected
    FROM ledger_transactions AS t WHERE t.id = NEW.transaction_id;
    IF expected IS NULL OR expected ->> 'account' <> NEW.account
       OR (expected ->> 'minor')::bigint <> NEW.minor OR expected ->> 'currency' <> NEW.currency THEN
        RAISE EXCEPTION 'ledger entries are written only by posting a transaction'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER ledger_entries_only_from_transactions BEFORE INSERT ON ledger_entries
FOR EACH ROW EXECUTE FUNCTION ledger_entries_only_from_transactions();

-- A second line, at commit: every transaction that received entries balances.
CREATE FUNCTION ledger_entries_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM ledger_entries WHERE transaction_id = NEW.transaction_id
        GROUP BY currency HAVING sum(minor) <> 0
    ) THEN
        RAISE EXCEPTION 'unbalanced ledger transaction %', NEW.transaction_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER ledger_entries_balanced AFTER INSERT ON ledger_entries
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_entries_balanced();

CREATE FUNCTION ledger_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger rows are immutable' USING ERRCODE = 'check_violation';
END $$;

CREATE TRIGGER ledger_entries_immutable BEFORE UPDATE OR DELETE ON ledger_entries
FOR EACH ROW EXECUTE FUNCTION ledger_immutable();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
FOR EACH STATEMENT EXECUTE FUNCTION ledger_immutable();
CREATE TRIGGER ledger_transactions_immutable BEFORE UPDATE OR DELETE ON ledger_transactions
FOR EACH ROW EXECUTE FUNCTION ledger_immutable();
CREATE TRIGGER ledger_transactions_no_truncate BEFORE TRUNCATE ON ledger_transactions
FOR EACH STATEMENT EXECUTE FUNCTION ledger_immutable();

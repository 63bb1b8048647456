-- microgigs schema 14 (SQLite): the contracts with a disputed milestone, for the admins'
-- queue (issue 19), the longest waiting first.
--
-- disputed_at is when a contract's oldest open dispute began (Contract.disputed_since);
-- empty when none of its milestones is disputed. Documents written before this schema
-- record no time for a dispute: they read as disputed when their contract was offered.

ALTER TABLE contracts ADD COLUMN disputed_at TEXT;
UPDATE contracts SET disputed_at = offered_at
WHERE EXISTS (
    SELECT 1 FROM json_each(doc, '$.milestones') m
    WHERE json_extract(m.value, '$.status') = 'disputed'
);
CREATE INDEX contracts_disputed ON contracts (disputed_at, id) WHERE disputed_at IS NOT NULL;

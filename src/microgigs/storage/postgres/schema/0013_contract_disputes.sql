-- microgigs schema 13 (PostgreSQL): the contracts with a disputed milestone, for the
-- admins' queue (issue 19), the longest waiting first.
--
-- disputed_at is when a contract's oldest open dispute began (Contract.disputed_since);
-- empty when none of its milestones is disputed. Documents written before this schema
-- record no time for a dispute: they read as disputed when their contract was offered.

ALTER TABLE contracts ADD COLUMN disputed_at timestamptz;
UPDATE contracts SET disputed_at = offered_at
WHERE doc::jsonb -> 'milestones' @> '[{"status": "disputed"}]';
CREATE INDEX contracts_disputed ON contracts (disputed_at, id) WHERE disputed_at IS NOT NULL;

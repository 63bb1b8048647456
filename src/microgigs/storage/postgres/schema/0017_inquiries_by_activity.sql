-- microgigs schema 17 (PostgreSQL): a seller's inquiries, the latest written in first
-- (InquiryRepository.received): a buyer's follow-up on an old inquiry comes back to the top.
-- An inquiry stored before is dated by the latest message its document holds.

ALTER TABLE inquiries ADD COLUMN last_at timestamptz;
UPDATE inquiries
SET last_at = coalesce((doc::jsonb -> 'messages' -> -1 ->> 'sent_at')::timestamptz, opened_at);
ALTER TABLE inquiries ALTER COLUMN last_at SET NOT NULL;
CREATE INDEX inquiries_by_activity ON inquiries (seller_id, last_at, id);

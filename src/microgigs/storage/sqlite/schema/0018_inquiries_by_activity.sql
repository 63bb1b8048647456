-- microgigs schema 18 (SQLite): a seller's inquiries, the latest written in first
-- (InquiryRepository.received): a buyer's follow-up on an old inquiry comes back to the top.
-- An inquiry stored before reads as last moved when it opened until its next message.

ALTER TABLE inquiries ADD COLUMN last_at TEXT;
UPDATE inquiries SET last_at = opened_at;
CREATE INDEX inquiries_by_activity ON inquiries (seller_id, last_at, id);

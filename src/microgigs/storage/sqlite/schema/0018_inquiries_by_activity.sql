-- microgigs schema 18 (SQLite): a seller's inquiries, the latest written in first
-- (InquiryRepository.received): a buyer's follow-up on an old inquiry comes back to the top.
-- An inquiry stored before is dated by the latest message its document holds (sent_at,
-- ISO 8601 with its +00:00 offset and, unless zero, six digits of a second), in the
-- column's fixed-width text: 2026-11-02T09:00:00.000000Z.

ALTER TABLE inquiries ADD COLUMN last_at TEXT;
UPDATE inquiries SET last_at = coalesce(
    (
        SELECT CASE length(sent)
            WHEN 25 THEN substr(sent, 1, 19) || '.000000Z'
            WHEN 32 THEN substr(sent, 1, 26) || 'Z'
        END
        FROM (SELECT json_extract(doc, '$.messages[#-1].sent_at') AS sent)
    ),
    opened_at
);
CREATE INDEX inquiries_by_activity ON inquiries (seller_id, last_at, id);

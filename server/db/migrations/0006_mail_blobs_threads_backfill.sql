-- Attachments logged before blobs had rows: one row each, bytes left where they are (the blob folder).
INSERT INTO "blobs" ("sha256", "size")
SELECT "sha256", max("size") FROM "attachments" GROUP BY "sha256"
ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- Emails logged before thread keys: the Message-IDs each one names, so later mail finds its conversation.
UPDATE "activities" SET "thread_keys" = ARRAY(
  SELECT DISTINCT k FROM (
    SELECT "message_id" AS k
    UNION ALL SELECT "in_reply_to"
    UNION ALL SELECT jsonb_array_elements_text(coalesce("references", '[]'::jsonb))
  ) named WHERE k IS NOT NULL
)
WHERE "message_id" IS NOT NULL;

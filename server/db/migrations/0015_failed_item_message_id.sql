ALTER TABLE "sync_failed_items" ADD COLUMN "message_id" text;--> statement-breakpoint
CREATE INDEX "sync_failed_items_message" ON "sync_failed_items" USING btree ("message_id");
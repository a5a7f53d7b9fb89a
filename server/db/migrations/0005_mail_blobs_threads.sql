CREATE TABLE "blobs" (
	"sha256" text PRIMARY KEY NOT NULL,
	"size" integer NOT NULL,
	"bytes" "bytea",
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "activities" ADD COLUMN "thread_keys" text[];--> statement-breakpoint
CREATE INDEX "activities_thread_keys" ON "activities" USING gin ("thread_keys");
CREATE TABLE "oauth_states" (
	"state_hash" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"provider" text NOT NULL,
	"syncs" text NOT NULL,
	"connection_id" text,
	"code_verifier" text NOT NULL,
	"opener" text NOT NULL,
	"locale" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "connections" ADD COLUMN "syncs" text DEFAULT 'both' NOT NULL;--> statement-breakpoint
ALTER TABLE "connections" ADD COLUMN "calendars" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "connections" ADD COLUMN "target_calendar_id" text;--> statement-breakpoint
ALTER TABLE "connections" ADD COLUMN "backfill_days" integer DEFAULT 30 NOT NULL;--> statement-breakpoint
ALTER TABLE "connections" ADD COLUMN "imap_server" jsonb;--> statement-breakpoint
ALTER TABLE "connections" ADD COLUMN "granted_scopes" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "oauth_states" ADD CONSTRAINT "oauth_states_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oauth_states" ADD CONSTRAINT "oauth_states_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "oauth_states_expiry" ON "oauth_states" USING btree ("expires_at");
CREATE TABLE "sync_cursors" (
	"connection_id" text NOT NULL,
	"scope_key" text NOT NULL,
	"cursor" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_cursors_connection_id_scope_key_pk" PRIMARY KEY("connection_id","scope_key")
);
--> statement-breakpoint
CREATE TABLE "sync_failed_items" (
	"connection_id" text NOT NULL,
	"item_key" text NOT NULL,
	"scope_key" text NOT NULL,
	"item_ref" jsonb NOT NULL,
	"error_kind" text NOT NULL,
	"reason" text NOT NULL,
	"attempts" integer NOT NULL,
	"first_failed_at" timestamp with time zone NOT NULL,
	"last_failed_at" timestamp with time zone NOT NULL,
	"parked_at" timestamp with time zone,
	CONSTRAINT "sync_failed_items_connection_id_item_key_pk" PRIMARY KEY("connection_id","item_key")
);
--> statement-breakpoint
CREATE TABLE "sync_states" (
	"connection_id" text PRIMARY KEY NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"status" text NOT NULL,
	"stage" text NOT NULL,
	"stage_started_at" timestamp with time zone NOT NULL,
	"step_started_at" timestamp with time zone,
	"next_run_at" timestamp with time zone NOT NULL,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"last_error_kind" text,
	"last_error_reason" text,
	"progress_done" integer,
	"progress_found" integer,
	"last_synced_at" timestamp with time zone,
	"auth_failed_secret_version" integer,
	"skip_counts" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_states_error_pair" CHECK (("sync_states"."last_error_kind" is null) = ("sync_states"."last_error_reason" is null)),
	CONSTRAINT "sync_states_progress_pair" CHECK (("sync_states"."progress_done" is null) = ("sync_states"."progress_found" is null))
);
--> statement-breakpoint
ALTER TABLE "sync_cursors" ADD CONSTRAINT "sync_cursors_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_failed_items" ADD CONSTRAINT "sync_failed_items_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_states" ADD CONSTRAINT "sync_states_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sync_states_due" ON "sync_states" USING btree ("next_run_at");
CREATE TABLE "event_exceptions" (
	"event_id" text NOT NULL,
	"original_start" text NOT NULL,
	"status" text DEFAULT 'confirmed' NOT NULL,
	"start_at" timestamp with time zone,
	"end_at" timestamp with time zone,
	"time_zone" text,
	"end_time_zone" text,
	"start_date" date,
	"end_date" date,
	"title" text,
	"description" text,
	"location" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "event_exceptions_event_id_original_start_pk" PRIMARY KEY("event_id","original_start")
);
--> statement-breakpoint
CREATE TABLE "event_links" (
	"id" text PRIMARY KEY NOT NULL,
	"event_id" text,
	"activity_id" text,
	"original_start" text DEFAULT '' NOT NULL,
	"connection_id" text NOT NULL,
	"calendar_id" text NOT NULL,
	"provider_id" text NOT NULL,
	"ical_uid" text,
	"etag" text,
	"sequence" integer DEFAULT 0 NOT NULL,
	"last_synced" jsonb,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "event_links_one_item" CHECK (("event_links"."event_id" is null) <> ("event_links"."activity_id" is null))
);
--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "end_time_zone" text DEFAULT 'UTC' NOT NULL;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "start_date" date;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "end_date" date;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "guest" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "organizer_name" text;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "rdates" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "exdates" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "event_exceptions" ADD CONSTRAINT "event_exceptions_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_links" ADD CONSTRAINT "event_links_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_links" ADD CONSTRAINT "event_links_activity_id_activities_id_fk" FOREIGN KEY ("activity_id") REFERENCES "public"."activities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_links" ADD CONSTRAINT "event_links_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "event_links_provider" ON "event_links" USING btree ("connection_id","calendar_id","provider_id");--> statement-breakpoint
CREATE UNIQUE INDEX "event_links_item" ON "event_links" USING btree ("connection_id","calendar_id","event_id","original_start") WHERE event_id is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "event_links_activity" ON "event_links" USING btree ("connection_id","calendar_id","activity_id") WHERE activity_id is not null;--> statement-breakpoint
CREATE INDEX "event_links_event" ON "event_links" USING btree ("event_id");
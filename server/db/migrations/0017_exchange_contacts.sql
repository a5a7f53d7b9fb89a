CREATE TABLE "contact_links" (
	"id" text PRIMARY KEY NOT NULL,
	"connection_id" text NOT NULL,
	"folder_id" text NOT NULL,
	"provider_id" text NOT NULL,
	"person_id" text,
	"state" text DEFAULT 'linked' NOT NULL,
	"ignored_reason" text,
	"change_key" text,
	"last_synced" jsonb,
	"push_pending" boolean DEFAULT false NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "exchange_integrations" (
	"connection_id" text PRIMARY KEY NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"categories" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"language" text NOT NULL,
	"folder_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"target_folder_id" text,
	"category_ids" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"pushed_through" timestamp with time zone,
	"activated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "overwritten_values" (
	"id" text PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"field" text NOT NULL,
	"old_value" jsonb,
	"source" text NOT NULL,
	"overwritten_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "persons" ADD COLUMN "mobile_phone" text;--> statement-breakpoint
ALTER TABLE "persons" ADD COLUMN "business_address" jsonb;--> statement-breakpoint
ALTER TABLE "persons" ADD COLUMN "home_address" jsonb;--> statement-breakpoint
ALTER TABLE "persons" ADD COLUMN "field_changed_at" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "contact_links" ADD CONSTRAINT "contact_links_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_links" ADD CONSTRAINT "contact_links_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exchange_integrations" ADD CONSTRAINT "exchange_integrations_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "overwritten_values" ADD CONSTRAINT "overwritten_values_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "contact_links_provider" ON "contact_links" USING btree ("connection_id","provider_id");--> statement-breakpoint
CREATE UNIQUE INDEX "contact_links_person" ON "contact_links" USING btree ("connection_id","person_id") WHERE state = 'linked';--> statement-breakpoint
CREATE INDEX "contact_links_person_any" ON "contact_links" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "overwritten_values_person" ON "overwritten_values" USING btree ("person_id","overwritten_at");
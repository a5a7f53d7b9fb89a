CREATE TABLE "contact_pending_creates" (
	"connection_id" text NOT NULL,
	"record_type" text NOT NULL,
	"record_id" text NOT NULL,
	"folder_id" text NOT NULL,
	"attempted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "contact_pending_creates_connection_id_record_type_record_id_pk" PRIMARY KEY("connection_id","record_type","record_id")
);
--> statement-breakpoint
ALTER TABLE "companies" ADD COLUMN "business_address" jsonb;--> statement-breakpoint
ALTER TABLE "contact_links" ADD COLUMN "record_type" text DEFAULT 'person' NOT NULL;--> statement-breakpoint
ALTER TABLE "contact_links" ADD COLUMN "company_id" text;--> statement-breakpoint
ALTER TABLE "contact_links" ADD COLUMN "lead_id" text;--> statement-breakpoint
ALTER TABLE "contact_pending_creates" ADD CONSTRAINT "contact_pending_creates_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_links" ADD CONSTRAINT "contact_links_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_links" ADD CONSTRAINT "contact_links_lead_id_leads_id_fk" FOREIGN KEY ("lead_id") REFERENCES "public"."leads"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "contact_links_company" ON "contact_links" USING btree ("connection_id","company_id") WHERE state = 'linked';--> statement-breakpoint
CREATE UNIQUE INDEX "contact_links_lead" ON "contact_links" USING btree ("connection_id","lead_id") WHERE state = 'linked';--> statement-breakpoint
CREATE INDEX "contact_links_company_any" ON "contact_links" USING btree ("company_id");--> statement-breakpoint
CREATE INDEX "contact_links_lead_any" ON "contact_links" USING btree ("lead_id");
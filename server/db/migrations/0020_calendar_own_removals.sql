CREATE TABLE "calendar_own_removals" (
	"connection_id" text NOT NULL,
	"provider_id" text NOT NULL,
	"kept_until" timestamp with time zone NOT NULL,
	CONSTRAINT "calendar_own_removals_connection_id_provider_id_pk" PRIMARY KEY("connection_id","provider_id")
);
--> statement-breakpoint
ALTER TABLE "calendar_own_removals" ADD CONSTRAINT "calendar_own_removals_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "calendar_own_removals_kept_until" ON "calendar_own_removals" USING btree ("kept_until");
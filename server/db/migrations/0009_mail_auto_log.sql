CREATE TABLE "mail_skips" (
	"user_id" text NOT NULL,
	"message_id" text NOT NULL,
	"reason" text NOT NULL,
	"detail" text,
	"source" text NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mail_skips_user_id_message_id_pk" PRIMARY KEY("user_id","message_id")
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "never_log" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "mail_skips" ADD CONSTRAINT "mail_skips_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "mail_skips_user_seen" ON "mail_skips" USING btree ("user_id","first_seen_at");
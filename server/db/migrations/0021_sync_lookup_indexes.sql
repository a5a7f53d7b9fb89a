DROP INDEX "activities_thread_keys";--> statement-breakpoint
CREATE INDEX "event_links_ical_uid" ON "event_links" USING btree ("ical_uid");--> statement-breakpoint
CREATE INDEX "activities_thread_keys" ON "activities" USING gin ("thread_keys") WITH (fastupdate=false);
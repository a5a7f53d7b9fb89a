-- A zone the database does not know (stored before zones were checked) becomes UTC: the instants stay.
UPDATE "events" SET "time_zone" = 'UTC'
WHERE NOT EXISTS (SELECT 1 FROM pg_timezone_names z WHERE lower(z.name) = lower("events"."time_zone"));
--> statement-breakpoint
-- Events from before end zones: the end was planned in the start's zone.
UPDATE "events" SET "end_time_zone" = "time_zone";
--> statement-breakpoint
-- All-day events stored as instants become the dates their zone's clock showed (end exclusive, at least
-- one day), and their instants the UTC midnights of those dates, as new all-day events keep them.
UPDATE "events" SET
  "start_date" = d."start_date",
  "end_date" = d."end_date",
  "start_at" = d."start_date"::timestamp AT TIME ZONE 'UTC',
  "end_at" = d."end_date"::timestamp AT TIME ZONE 'UTC'
FROM (
  SELECT "id", s::date AS "start_date",
    greatest(s::date + 1, CASE WHEN e::time = '00:00' THEN e::date ELSE e::date + 1 END) AS "end_date"
  FROM (SELECT "id", "start_at" AT TIME ZONE "time_zone" AS s, "end_at" AT TIME ZONE "time_zone" AS e
        FROM "events" WHERE "all_day" AND "start_date" IS NULL) local
) d
WHERE "events"."id" = d."id";

// The sidebar context as ONE statement (R-SB-8) for a batch of opened messages: address matching with
// visibility, the cards of the matched records (company, owner, addresses, deals, next 3 single events
// and the recurring series, whose next occurrences context.ts expands after the statement, last 5 done
// activities, the first 5 planned ones by due date), whether each message is logged and, if not,
// what automatic logging decided or would decide (R-MAIL-8: its skip, whether the user has a mail
// connection, the never-log lists and internal domains), and companies by domain for suggestions. Static text, so
// PostgreSQL prepares it once per connection; one round trip for the whole batch, because on this hot
// path the round trip and the executor's start-up cost more than the look-ups themselves.
//
// Parameters, one entry per request of the batch: $1 user ids, $2 admin flags, $3 Message-IDs (or null).
// Then per address: $4 lower-cased addresses and $5 the request each belongs to (1-based); per domain:
// $6 domains and $7 their request. One row comes back per request, in order.
//
// Who may see a record, a deal, an event or an activity is access.ts's rule, spliced in as text with the
// request's user.

import { ownedInStatement as owned, visibleInStatement as visible } from "./access.js";
import { precedenceSql } from "./precedence.js";

const ms = (col: string) => `date_trunc('milliseconds', ${col})`;
/** All-day events end at their last date's end in the latest zone, UTC−12 (see calendar/occurrences.ts). */
const allDayLate = `case when e.all_day then interval '12 hours' else interval '0' end`;

/** The related rows of record `r` of `type`, as JSON columns, for the user of ref `x`. */
const related = (type: "person" | "company" | "lead") => `
  (select coalesce(json_agg(re.email order by re.position), '[]') from record_emails re
    where re.record_type = '${type}' and re.record_id = r.id) as emails,
  ${
    type === "lead"
      ? `'[]'::json`
      : `(select coalesce(json_agg(json_build_object('id', d.id, 'name', d.name, 'status', d.status, 'value', d.value,
           'currency', d.currency, 'visible', ${visible("deal", "d", "x")}) order by d.id desc), '[]')
         from deals d where d.${type === "person" ? "person_id" : "company_id"} = r.id)`
  } as deals,
  (select coalesce(json_agg(json_build_object('id', e.id, 'title', e.title, 'startAt', ${ms("e.start_at")},
      'endAt', ${ms("e.end_at")}, 'timeZone', e.time_zone, 'status', e.status, 'allDay', e.all_day,
      'startDate', e.start_date, 'endDate', e.end_date) order by e.start_at), '[]')
     from (select e.id, e.title, e.start_at, e.end_at, e.time_zone, e.status, e.all_day, e.start_date, e.end_date
           from event_attendees ea join events e on e.id = ea.event_id
           where ea.record_type = '${type}' and ea.record_id = r.id and e.recurrence is null
             and e.end_at + ${allDayLate} >= now() and e.status <> 'cancelled' and ${owned("e", "x")}
           order by e.start_at limit 3) e) as events,
  (select coalesce(json_agg(json_build_object('id', e.id, 'title', e.title, 'startAt', ${ms("e.start_at")},
      'endAt', ${ms("e.end_at")}, 'timeZone', e.time_zone, 'endTimeZone', e.end_time_zone, 'status', e.status,
      'allDay', e.all_day, 'startDate', e.start_date, 'endDate', e.end_date, 'recurrence', e.recurrence,
      'rdates', e.rdates, 'exdates', e.exdates,
      'exceptions', (select coalesce(json_agg(json_build_object('originalStart', ex.original_start,
          'status', ex.status, 'startAt', ${ms("ex.start_at")}, 'endAt', ${ms("ex.end_at")},
          'timeZone', ex.time_zone, 'endTimeZone', ex.end_time_zone, 'startDate', ex.start_date,
          'endDate', ex.end_date, 'title', ex.title)), '[]')
        from event_exceptions ex where ex.event_id = e.id))), '[]')
     from (select e.* from event_attendees ea join events e on e.id = ea.event_id
           where ea.record_type = '${type}' and ea.record_id = r.id and e.recurrence is not null
             and e.start_at <= now() + interval '1 year' and e.status <> 'cancelled' and ${owned("e", "x")}
           order by e.start_at limit 20) e) as series,
  (select coalesce(json_agg(json_build_object('id', a.id, 'type', a.type, 'typeName', a.type_name,
      'subject', a.subject, 'state', a.state,
      'at', ${ms("a.at")}, 'direction', a.direction) order by a.at desc, a.id desc), '[]')
     from (select a.id, a.type, t.name as type_name, a.subject, a.state, a.direction,
                  coalesce(a.start_at, a.created_at) as at
           from activity_links al join activities a on a.id = al.activity_id
           join activity_types t on t.key = a.type
           where al.record_type = '${type}' and al.record_id = r.id and ${owned("a", "x")}
             and a.state = 'done'
           order by coalesce(a.start_at, a.created_at) desc, a.id desc limit 5) a) as activities,
  (select coalesce(json_agg(json_build_object('id', a.id, 'type', a.type, 'typeName', a.type_name,
      'subject', a.subject, 'dueAt', ${ms("a.start_at")}) order by a.start_at nulls last, a.id), '[]')
     from (select a.id, a.type, t.name as type_name, a.subject, a.start_at
           from activity_links al join activities a on a.id = al.activity_id
           join activity_types t on t.key = a.type
           where al.record_type = '${type}' and al.record_id = r.id and ${owned("a", "x")}
             and a.state = 'planned'
           order by a.start_at nulls last, a.id limit 5) a) as planned`;

export const CONTEXT_SQL = `
with q as (
  select * from unnest($1::text[], $2::boolean[], $3::text[]) with ordinality as q(user_id, is_admin, message_id, n)
),
wanted as (
  select a.email, a.n, q.user_id, q.is_admin
  from unnest($4::text[], $5::int[]) as a(email, n) join q on q.n = a.n
),
matched as (
  -- One record per address, by precedence (precedence.ts).
  select distinct on (w.n, re.email) w.n, w.user_id, w.is_admin, re.email, re.record_type, re.record_id
  from wanted w join record_emails re on re.email = w.email
  where (re.record_type = 'person' and exists (select 1 from persons p where p.id = re.record_id
            and p.merged_into is null and ${visible("person", "p", "w")}))
     or (re.record_type = 'lead' and exists (select 1 from leads l where l.id = re.record_id
            and ${visible("lead", "l", "w")}))
     or (re.record_type = 'company' and exists (select 1 from companies c where c.id = re.record_id
            and ${visible("company", "c", "w")}))
  order by w.n, re.email, ${precedenceSql("re.record_type")}, re.record_id
),
refs as (select distinct n, user_id, is_admin, record_type, record_id from matched),
cards as (
  select x.n, 'person' as type, r.id, r.first_name, r.last_name, r.title, r.company_id, c.name as company_name,
         r.phones, r.owner_id, u.name as owner_name, u.email as owner_email, r.customer_status, ${related("person")}
  from refs x join persons r on x.record_type = 'person' and r.id = x.record_id
  left join companies c on c.id = r.company_id left join users u on u.id = r.owner_id
  union all
  select x.n, 'company', r.id, r.name, null, null, null, null, r.phones, r.owner_id, u.name, u.email,
         r.customer_status, ${related("company")}
  from refs x join companies r on x.record_type = 'company' and r.id = x.record_id
  left join users u on u.id = r.owner_id
  union all
  select x.n, 'lead', r.id, r.first_name, r.last_name, r.title, null, r.company_name, r.phones, r.owner_id, u.name,
         u.email, null, ${related("lead")}
  from refs x join leads r on x.record_type = 'lead' and r.id = x.record_id
  left join users u on u.id = r.owner_id
)
select
  (select coalesce(json_agg(json_build_object('email', m.email, 'type', m.record_type, 'id', m.record_id)), '[]')
     from matched m where m.n = q.n) as matches,
  (select coalesce(json_agg(c), '[]') from cards c where c.n = q.n) as cards,
  (select json_build_object('id', a.id, 'createdAt', ${ms("a.created_at")}, 'source', a.source) from activities a
     where q.message_id is not null and a.owner_id = q.user_id and a.message_id = q.message_id limit 1) as logged,
  (select json_build_object('reason', s.reason, 'detail', s.detail) from mail_skips s
     where q.message_id is not null and s.user_id = q.user_id and s.message_id = q.message_id) as skip,
  -- The engine's dead-letter list: a message of one of the user's accounts that sync could not log.
  (select f.reason from sync_failed_items f join connections c on c.id = f.connection_id
     where q.message_id is not null and f.message_id = q.message_id and c.user_id = q.user_id
       and f.parked_at is not null limit 1) as failed,
  exists (select 1 from connections c where c.user_id = q.user_id) as connected,
  coalesce((select u.never_log from users u where u.id = q.user_id), '[]'::jsonb)
    || coalesce((select st.value from settings st where st.key = 'mail.never-log'), '[]'::jsonb) as never_log,
  -- Until an admin sets them, the domains of the users' addresses (never-log.ts drops free-mail ones).
  coalesce((select st.value from settings st where st.key = 'mail.internal-domains'),
    (select coalesce(jsonb_agg(distinct lower(split_part(e.address, '@', 2))), '[]'::jsonb)
       from users u2, lateral (select u2.email union all select jsonb_array_elements_text(u2.aliases)) e(address)))
    as internal_domains,
  not exists (select 1 from settings st where st.key = 'mail.internal-domains') as internal_default,
  (select coalesce(json_agg(json_build_object('domain', c.domain, 'name', c.name)), '[]')
     from unnest($6::text[], $7::int[]) as d(domain, n) join companies c on c.domain = d.domain
     where d.n = q.n and ${visible("company", "c", "q")}) as domains
from q order by q.n`;

import { decodeCursor, encodeCursor, json } from "../shared/http.js";
import type { Route } from "../shared/router.js";
import type { EventView, GraphCalendarStore } from "./calendar-store.js";
import { graphError } from "./errors.js";
import { eventJson, occurrenceStub } from "./event-json.js";
import {
  type CalendarStoreOf,
  calendarAccess,
  calendarIn,
  overlaps,
  windowOf,
} from "./graph-calendar-access.js";
import { type GraphCaller, type GraphCtx, graphBase, preferences } from "./graph-caller.js";

/**
 * calendarView delta (§1.5–1.6). A round starts with the window; pages follow `@odata.nextLink`
 * until one carries `@odata.deltaLink`. Tokens freeze the calendar, the window and the store's
 * generation; an invalidated generation answers 410 `SyncStateNotFound` with a `Location` that
 * restarts the round. Rows are single instances, occurrences and exceptions (never the series
 * master; occurrences and exceptions as stubs, quirk 6); a later round returns every instance id changed since, in full if it is still there
 * and inside the window, otherwise as `@removed` (also for changes outside the window).
 */
type Token = {
  c: string;
  g: number;
  ws: number;
  we: number;
  /** This round covers log entries after `from` up to `to`; `after` is the keyset position (id). */
  from: number;
  to: number;
  after: string;
  initial: boolean;
  /** Whether the path named the calendar (links keep the caller's path shape). */
  named: boolean;
  /** The empty first page was served (`quirks.emptyFirstDeltaPage`). */
  primed?: boolean;
};

const DEFAULT_PAGE = 10;

function link(ctx: GraphCtx, token: Token, kind: "$skiptoken" | "$deltatoken" | null): string {
  const path = token.named ? `/me/calendars('${token.c}')/calendarView/delta` : "/me/calendarView/delta";
  if (kind === null) {
    const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
    return `${graphBase(ctx.url)}${path}?startDateTime=${iso(token.ws)}&endDateTime=${iso(token.we)}&$deltatoken=`;
  }
  return `${graphBase(ctx.url)}${path}?${kind}=${encodeCursor(token)}`;
}

type Row = { id: string; view: EventView | null };

function rows(store: GraphCalendarStore, token: Token): Row[] {
  const window = { start: token.ws, end: token.we };
  if (token.initial) {
    return [...store.events.values()]
      .filter((e) => e.calendarId === token.c)
      .flatMap((e) => store.views(e))
      .filter((v) => overlaps(v, window))
      .map((view) => ({ id: view.id, view }));
  }
  const touched = new Set<string>();
  for (const entry of store.log) {
    if (entry.seq > token.from && entry.seq <= token.to && entry.calendarId === token.c)
      touched.add(entry.id);
  }
  return [...touched].map((id) => {
    const view = store.find(id);
    return { id, view: view && view.type !== "seriesMaster" && overlaps(view, window) ? view : null };
  });
}

function delta(ctx: GraphCtx, storeOf: CalendarStoreOf): Response {
  const store = storeOf(ctx.account!.email);
  const q = ctx.url.searchParams;
  const carried = q.get("$skiptoken") || q.get("$deltatoken");
  let token: Token;
  if (carried) {
    const decoded = decodeCursor<Token>(carried);
    if (!decoded || typeof decoded.c !== "string")
      return graphError(400, "BadRequest", "Invalid delta token.");
    if (decoded.g !== store.generation) {
      const code = ctx.account!.mailbox.quirks.cursorRejection ?? "SyncStateNotFound";
      return graphError(
        410,
        code,
        `The sync state generation is not found; generation=${store.generation};`,
        {
          location: link(ctx, decoded, null),
        },
      );
    }
    token = q.get("$skiptoken")
      ? decoded
      : { ...decoded, from: decoded.to, to: store.seq, after: "", initial: false };
  } else {
    for (const unsupported of ["$select", "$expand", "$filter", "$orderby", "$search"]) {
      if (q.has(unsupported))
        return graphError(
          400,
          "ErrorInvalidUrlQuery",
          `The query parameter '${unsupported}' is not supported with delta.`,
        );
    }
    const calendar = calendarIn(store, ctx.params[0] ?? ctx.params[1]);
    if (calendar instanceof Response) return calendar;
    const window = windowOf(ctx.url);
    if (window instanceof Response) return window;
    token = {
      c: calendar.id,
      g: store.generation,
      ws: window.start,
      we: window.end,
      from: 0,
      to: store.seq,
      after: "",
      initial: true,
      named: Boolean(ctx.params[0] ?? ctx.params[1]),
    };
  }
  if (token.initial && store.quirks.emptyFirstDeltaPage && !token.primed) {
    return json({
      "@odata.context": `${graphBase(ctx.url)}/$metadata#Collection(event)`,
      "@odata.nextLink": link(ctx, { ...token, primed: true }, "$skiptoken"),
      value: [],
    });
  }
  const asked = Number(preferences(ctx.request).get("odata.maxpagesize"));
  const size = Number.isFinite(asked) && asked > 0 ? Math.min(asked, 999) : DEFAULT_PAGE;
  const all = rows(store, token)
    .filter((r) => r.id > token.after)
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  const page = all.slice(0, size);
  const more = all.length > size;
  const body: Record<string, unknown> = {
    "@odata.context": `${graphBase(ctx.url)}/$metadata#Collection(event)`,
  };
  if (more) body["@odata.nextLink"] = link(ctx, { ...token, after: page[page.length - 1].id }, "$skiptoken");
  else body["@odata.deltaLink"] = link(ctx, token, "$deltatoken");
  body.value = page.map((r) =>
    r.view
      ? {
          "@odata.type": "#microsoft.graph.event",
          ...(r.view.type === "singleInstance"
            ? eventJson(r.view, ctx.request, ctx.url)
            : occurrenceStub(eventJson(r.view, ctx.request, ctx.url))),
        }
      : { "@odata.type": "#microsoft.graph.event", id: r.id, "@removed": { reason: "deleted" } },
  );
  const applied = [
    "odata.track-changes",
    ...(Number.isFinite(asked) && asked > 0 ? [`odata.maxpagesize=${size}`] : []),
  ];
  if (preferences(ctx.request).has("outlook.timezone"))
    applied.push(`outlook.timezone="${preferences(ctx.request).get("outlook.timezone")}"`);
  return json(body, 200, { "preference-applied": applied.join(",") });
}

export function graphCalendarDeltaRoutes(storeOf: CalendarStoreOf): Route<GraphCaller>[] {
  return [
    {
      method: "GET",
      path: /^\/v1\.0\/me(?:\/calendars(?:\/([^/()]+)|\('([^']+)'\))|\/calendar)?\/calendarView\/delta$/i,
      endpoint: "graph.calendarView.delta",
      auth: true,
      handle: (ctx) => calendarAccess(ctx, false) ?? delta(ctx, storeOf),
    },
  ];
}

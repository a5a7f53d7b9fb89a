// The playground's "Try sync" panel (dev mode, with the emulators): connect the demo Google or
// Microsoft account through the real OAuth flow (the emulator consents at once), watch the connection's
// status and first-sync progress, the activities the sync logged with their records, and send a new
// demo message to the emulated mailboxes.
import { useEffect, useState } from "preact/hooks";
import type { Activity } from "../../../shared/api/activities.js";
import type { Connection } from "../../../shared/api/connections.js";
import type { ConnectionSyncStatus } from "../../../shared/api/sync-status.js";

type Provider = "google" | "microsoft";
const PROVIDERS: { id: Provider; label: string }[] = [
  { id: "google", label: "Google (Gmail)" },
  { id: "microsoft", label: "Microsoft 365" },
];
const STATUS_TEXT: Record<ConnectionSyncStatus["status"], string> = {
  syncing: "syncing",
  up_to_date: "up to date",
  reconnect_needed: "reconnect needed",
  paused: "paused",
  failed: "failed",
};
const RECORD_PATHS = { person: "persons", company: "companies", lead: "leads" } as const;

async function call<T>(token: string, method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body ? { "content-type": "application/json" } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.detail ?? data.title ?? `HTTP ${res.status}`);
  return data as T;
}

interface Linked {
  name: string;
  href: string;
}

function recordName(r: Record<string, unknown>): string {
  if (typeof r.name === "string" && r.name) return r.name;
  return [r.firstName, r.lastName].filter((s) => typeof s === "string" && s).join(" ") || String(r.id);
}

export function TrySync({ token }: { token: string }) {
  const [connections, setConnections] = useState<Connection[]>([]);
  const [statuses, setStatuses] = useState<Record<string, ConnectionSyncStatus>>({});
  const [activities, setActivities] = useState<Activity[]>([]);
  const [records, setRecords] = useState<Record<string, Linked>>({});
  const [note, setNote] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const [open, setOpen] = useState<{
    name: string;
    record: Record<string, unknown>;
    emails: Activity[];
  } | null>(null);

  /** A record and the emails logged on it, shown in the panel (the playground has no CRM web app). */
  const openRecord = async (type: Activity["links"][number]["type"], id: string) => {
    const record = await call<Record<string, unknown>>(token, "GET", `/api/v1/${RECORD_PATHS[type]}/${id}`);
    const emails = await call<{ items: Activity[] }>(
      token,
      "GET",
      `/api/v1/activities?type=email&recordType=${type}&recordId=${encodeURIComponent(id)}&limit=20`,
    );
    setOpen({ name: recordName(record), record, emails: emails.items });
  };

  useEffect(() => {
    const t = setInterval(() => setTick((n) => n + 1), 2000);
    const onMessage = (e: MessageEvent) => {
      if (e.origin === location.origin && e.data?.type === "concilia:connection") {
        setNote(e.data.ok ? `Connected ${e.data.accountAddress}` : `Not connected: ${e.data.error}`);
        setTick((n) => n + 1);
      }
    };
    window.addEventListener("message", onMessage);
    return () => {
      clearInterval(t);
      window.removeEventListener("message", onMessage);
    };
  }, []);

  useEffect(() => {
    let live = true;
    (async () => {
      const list = (await call<{ items: Connection[] }>(token, "GET", "/api/v1/connections")).items.filter(
        (c) => c.provider === "google" || c.provider === "microsoft",
      );
      const found: Record<string, ConnectionSyncStatus> = {};
      for (const c of list)
        found[c.id] = await call<ConnectionSyncStatus>(token, "GET", `/api/v1/connections/${c.id}/status`);
      const acts = (await call<{ items: Activity[] }>(token, "GET", "/api/v1/activities?type=email&limit=15"))
        .items;
      const named = { ...records };
      for (const a of acts)
        for (const l of a.links) {
          const key = `${l.type}:${l.id}`;
          if (named[key]) continue;
          const href = `/api/v1/${RECORD_PATHS[l.type]}/${l.id}`;
          const r = await call<Record<string, unknown>>(token, "GET", href).catch(() => null);
          if (r) named[key] = { name: recordName(r), href };
        }
      if (!live) return;
      setConnections(list);
      setStatuses(found);
      setActivities(acts);
      setRecords(named);
    })().catch((err) => live && setNote(String(err.message ?? err)));
    return () => {
      live = false;
    };
  }, [tick]);

  const connect = async (provider: Provider) => {
    // The popup is opened at once (a click's user activation) and sent to the provider when known.
    const popup = window.open("about:blank", "concilia-connect", "width=520,height=640");
    try {
      const { authorizationUrl } = await call<{ authorizationUrl: string }>(
        token,
        "POST",
        "/api/v1/connections/oauth/start",
        { provider, syncs: "email", opener: "web" },
      );
      if (popup) popup.location.href = authorizationUrl;
      else location.href = authorizationUrl;
    } catch (err) {
      popup?.close();
      setNote((err as Error).message);
    }
  };

  const sendDemoMail = async () => {
    try {
      const sent = await call<{ subject: string; from: { name: string } | null }>(
        token,
        "POST",
        "/playground/demo-mail",
      );
      setNote(`Sent “${sent.subject}”${sent.from ? ` from ${sent.from.name}` : ""}`);
      setTick((n) => n + 1);
    } catch (err) {
      setNote((err as Error).message);
    }
  };

  return (
    <aside class="try-sync" aria-label="Try sync">
      <h2>Try sync</h2>
      <p class="muted">
        The demo mailboxes of sara@concilia.demo live in the Google and Microsoft emulators: no account
        needed.
      </p>
      <div class="actions">
        {PROVIDERS.map((p) => (
          <button key={p.id} type="button" data-connect={p.id} onClick={() => connect(p.id)}>
            Connect demo {p.label}
          </button>
        ))}
        <button type="button" data-send-demo-mail onClick={sendDemoMail}>
          Send a demo message
        </button>
      </div>
      {note && (
        <p class="note" role="status">
          {note}
        </p>
      )}
      <h3>Connections</h3>
      {connections.length === 0 && <p class="muted">None yet.</p>}
      <ul class="connections">
        {connections.map((c) => {
          const s = statuses[c.id];
          const skipped = s ? Object.entries(s.skipped) : [];
          return (
            <li key={c.id} data-connection={c.provider}>
              <strong>{c.provider === "google" ? "Google" : "Microsoft"}</strong> {c.accountAddress}
              <br />
              <span class="sync-status" data-status={s?.status ?? ""}>
                {s ? STATUS_TEXT[s.status] : "…"}
              </span>
              {s?.progress && (
                <span class="muted">
                  {" "}
                  · first sync {s.progress.done}/{s.progress.found}
                </span>
              )}
              {s?.lastError && <span class="muted"> · {s.lastError.reason}</span>}
              {skipped.length > 0 && (
                <span class="muted"> · skipped: {skipped.map(([why, n]) => `${n} ${why}`).join(", ")}</span>
              )}
            </li>
          );
        })}
      </ul>
      <h3>Logged emails</h3>
      {activities.length === 0 && <p class="muted">Nothing logged yet.</p>}
      <ul class="logged">
        {activities.map((a) => (
          <li key={a.id} data-activity={a.id}>
            <span>{a.subject}</span>
            {a.source === "auto" && <span class="muted"> (sync)</span>}
            <br />
            {a.links.map((l) => {
              const r = records[`${l.type}:${l.id}`];
              return r ? (
                <a
                  key={l.id}
                  href={r.href}
                  class="record"
                  data-record={l.type}
                  onClick={(e) => {
                    e.preventDefault();
                    openRecord(l.type, l.id).catch((err) => setNote(err.message));
                  }}
                >
                  {r.name}
                </a>
              ) : null;
            })}
          </li>
        ))}
      </ul>
      {open && (
        <section class="record-card" aria-label={open.name}>
          <h3>
            {open.name}{" "}
            <button type="button" onClick={() => setOpen(null)} aria-label="Close">
              ×
            </button>
          </h3>
          {Array.isArray(open.record.emails) && <p class="muted">{open.record.emails.join(", ")}</p>}
          <ul>
            {open.emails.map((a) => (
              <li key={a.id}>
                {a.subject} <span class="muted">{a.email?.from?.address}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </aside>
  );
}

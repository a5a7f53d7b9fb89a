// Bad input for the fuzz properties (R-P-4): real fixtures mutated the ways mail and calendar files
// break in the wild, and random structures built to be almost right. Fast to generate: strings and
// buffers only, no I/O after the fixtures are read once.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";

const here = path.dirname(fileURLToPath(import.meta.url));
const readAll = (dir: string, ext: string) =>
  fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(ext))
    .sort()
    .map((f) => fs.readFileSync(path.join(dir, f)));

export const mailFixtures = readAll(path.join(here, "../fixtures/mail"), ".eml");
export const icsFixtures = readAll(path.join(here, "../fixtures/ical"), ".ics").map((b) =>
  b.toString("utf8"),
);

// ---------------------------------------------------------------- text pieces

const charsets = fc.constantFrom(
  "utf-8",
  "UTF-8",
  "iso-8859-1",
  "windows-1252",
  "koi8-r",
  "shift_jis",
  "gb2312",
  "x-unknown-charset",
  "utf-7",
  "utf-16",
  "",
  '"',
  "ks_c_5601-1987",
  "x-mac-cyrillic",
  "../../etc/passwd",
);
const encodings = fc.constantFrom(
  "7bit",
  "8bit",
  "base64",
  "quoted-printable",
  "binary",
  "x-uuencode",
  "bogus",
  "",
);
const mediaTypes = fc.constantFrom(
  "text/plain",
  "text/html",
  "text/calendar",
  "application/pdf",
  "application/octet-stream",
  "image/png",
  "message/rfc822",
  "application/ms-tnef",
  "multipart/alternative",
  "text/",
  "/",
  "",
);
/** Short text with the characters that break parsers: quotes, semicolons, NUL, CR alone, non-ASCII. */
export const nastyText = fc.string({
  unit: fc.constantFrom(
    "a",
    "Z",
    "0",
    " ",
    "\t",
    ";",
    ":",
    '"',
    "=",
    "?",
    "\\",
    "\r",
    "\n",
    "\r\n",
    "\0",
    "é",
    "€",
    "😀",
    "\u202e",
    "<",
    ">",
    "-",
    "--",
    "=?",
    "?=",
    "%",
    "\uFFFD",
  ),
  maxLength: 40,
});
const encodedWord = fc
  .tuple(charsets, fc.constantFrom("B", "Q", "X", "b", "q"), nastyText)
  .map(([cs, enc, text]) => `=?${cs}?${enc}?${enc === "B" ? Buffer.from(text).toString("base64") : text}?=`);
const headerValue = fc.oneof(
  { weight: 4, arbitrary: nastyText },
  { weight: 2, arbitrary: encodedWord },
  // Huge folded headers, and one enormous unfolded one.
  {
    weight: 1,
    arbitrary: fc
      .nat({ max: 2000 })
      .map((n) => Array.from({ length: n }, (_, i) => `x${i}@a.example`).join(",\r\n ")),
  },
  { weight: 1, arbitrary: fc.nat({ max: 20_000 }).map((n) => "A".repeat(n)) },
);
const addressHeader = fc.oneof(
  fc.constant("Marta <marta@acme-iberia.example>"),
  fc.constant("ana@acme.test"),
  fc.constant("undisclosed-recipients:;"),
  fc.constant("<>"),
  headerValue,
);

// ---------------------------------------------------------------- MIME

type Part = { headers: string[]; body: string | Buffer };

function bodyText(): fc.Arbitrary<string | Buffer> {
  return fc.oneof(
    nastyText,
    fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
    fc.string({ maxLength: 200 }).map((s) => Buffer.from(s).toString("base64")),
    fc.constant("=ZZ=\r\n=0=\r\n=3D=C3=A9=\r\n=="),
    fc.constant(
      "<html><body onload=alert(1)><script>alert(2)</script><img src=http://evil.example/x></body></html>",
    ),
    fc.constant("!!!not base64!!!===="),
  );
}

const mimeTree: fc.Arbitrary<Part> = fc.letrec<{ part: Part }>((tie) => ({
  part: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc
      .tuple(mediaTypes, charsets, encodings, bodyText(), fc.option(headerValue))
      .map(([type, cs, enc, body, name]) => ({
        headers: [
          `Content-Type: ${type}; charset=${cs}${name === null ? "" : `; name="${name}"`}`,
          `Content-Transfer-Encoding: ${enc}`,
          ...(name === null
            ? []
            : [`Content-Disposition: attachment; filename*=${cs}''${encodeURIComponent(name)}`]),
        ],
        body,
      })),
    fc
      .tuple(
        fc.constantFrom("mixed", "alternative", "related", "signed", "report"),
        fc.oneof(fc.constant("b"), fc.constant(""), nastyText, fc.constant("=_x=")),
        fc.array(tie("part"), { maxLength: 4 }),
        fc.constantFrom("close", "no-close", "wrong-close", "quoted", "unquoted", "missing"),
      )
      .map(([sub, boundary0, children, style]) => {
        const boundary = boundary0 || "b";
        const declared =
          style === "missing"
            ? ""
            : style === "quoted"
              ? `; boundary="${boundary}"`
              : `; boundary=${boundary}`;
        const used = style === "wrong-close" ? `${boundary}x` : boundary;
        const body = [
          "preamble",
          ...children.map((c) => `--${used}\r\n${c.headers.join("\r\n")}\r\n\r\n${c.body.toString()}`),
          style === "no-close" ? "" : `--${used}--`,
          "epilogue",
        ].join("\r\n");
        return { headers: [`Content-Type: multipart/${sub}${declared}`], body };
      }),
  ),
})).part;

/** A message from random parts and headers: the structure a parser must survive. */
export const randomMessage: fc.Arbitrary<Buffer> = fc
  .tuple(
    addressHeader,
    addressHeader,
    headerValue,
    fc.option(
      fc.oneof(
        fc.constant("<fuzz@x.example>"),
        nastyText.map((t) => `<${t}>`),
        nastyText,
      ),
    ),
    fc.oneof(fc.constant("Fri, 20 Nov 2026 09:00:00 +0100"), nastyText),
    fc.array(fc.tuple(nastyText, headerValue), { maxLength: 5 }),
    mimeTree,
    fc.constantFrom("\r\n", "\n", "\r"),
  )
  .map(([from, to, subject, id, date, extra, tree, eol]) => {
    const headers = [
      `From: ${from}`,
      `To: ${to}`,
      `Subject: ${subject}`,
      ...(id === null ? [] : [`Message-ID: ${id}`]),
      `Date: ${date}`,
      "MIME-Version: 1.0",
      ...extra.map(([k, v]) => `${k.replace(/[:\r\n]/g, "") || "X"}: ${v}`),
      ...tree.headers,
    ];
    return Buffer.concat([Buffer.from(`${headers.join(eol)}${eol}${eol}`), Buffer.from(tree.body)]);
  });

/** Byte-level mutations of a real message: cut, spliced, duplicated, garbled, boundaries and charsets renamed. */
function mutate(base: Buffer): fc.Arbitrary<Buffer> {
  const at = fc.nat({ max: Math.max(0, base.length) });
  return fc.oneof(
    at.map((n) => base.subarray(0, n)),
    fc
      .tuple(at, fc.uint8Array({ minLength: 1, maxLength: 64 }))
      .map(([n, bytes]) => Buffer.concat([base.subarray(0, n), Buffer.from(bytes), base.subarray(n)])),
    fc.tuple(at, at).map(([a, b]) => Buffer.concat([base, base.subarray(Math.min(a, b), Math.max(a, b))])),
    fc
      .tuple(at, at)
      .map(([a, b]) => Buffer.concat([base.subarray(0, Math.min(a, b)), base.subarray(Math.max(a, b))])),
    fc.array(fc.tuple(at, fc.nat({ max: 255 })), { minLength: 1, maxLength: 20 }).map((flips) => {
      const copy = Buffer.from(base);
      for (const [i, v] of flips) if (i < copy.length) copy[i] = v;
      return copy;
    }),
    fc
      .tuple(
        charsets,
        fc.constantFrom("boundary=", "charset=", "Content-Transfer-Encoding: ", "Content-Type: "),
      )
      .map(([cs, key]) => Buffer.from(base.toString("latin1").split(key).join(`${key}${cs}`), "latin1")),
    fc.constant(Buffer.from(base.toString("latin1").replace(/\r?\n/g, "\r"), "latin1")),
    headerValue.map((v) => Buffer.concat([Buffer.from(`X-Huge: ${v}\r\n`), base])),
  );
}

export const mutatedMessage: fc.Arbitrary<Buffer> = fc
  .constantFrom(...mailFixtures)
  .chain((base) => mutate(base));

export const badMessage = fc.oneof(mutatedMessage, randomMessage);

// ---------------------------------------------------------------- iCalendar

const icsLines = (text: string) => text.split(/\r?\n/);

/** Lines of a real file dropped, duplicated, cut, or replaced by broken VTIMEZONE/RRULE/RECURRENCE-ID ones. */
const brokenIcsLine = fc.oneof(
  fc.constantFrom(
    "RRULE:FREQ=WEEKLY;BYDAY=XX;COUNT=-1",
    "RRULE:FREQ=SECONDLY;INTERVAL=0",
    "RRULE:FREQ=YEARLY;BYMONTH=13;BYMONTHDAY=32;UNTIL=99999999T999999Z",
    "RRULE:",
    "RRULE:FREQ=DAILY;UNTIL=20260101;COUNT=5",
    "RECURRENCE-ID;TZID=Nowhere/Land:20260406T090000",
    "RECURRENCE-ID:garbage",
    "RECURRENCE-ID;VALUE=DATE:20261340",
    "DTSTART;TZID=Europe/Madrid:2026-03-16 09:00",
    "DTSTART:",
    "DTSTART;VALUE=DATE:20260230",
    "DTEND;TZID=Customized Time Zone:20260316T100000",
    "EXDATE;TZID=Europe/Madrid:notadate,20260323T090000",
    "RDATE;VALUE=PERIOD:20260101T000000Z/garbage",
    "BEGIN:VTIMEZONE",
    "END:VTIMEZONE",
    "TZOFFSETFROM:+9999",
    "TZOFFSETTO:abc",
    "BEGIN:STANDARD",
    "END:DAYLIGHT",
    "BEGIN:VEVENT",
    "END:VEVENT",
    "END:VCALENDAR",
    "BEGIN:VALARM",
    "DURATION:P-1Z",
    'ATTENDEE;PARTSTAT="unclosed:mailto:x@y',
    "ORGANIZER:mailto:",
    "SEQUENCE:-99999999999999999999",
    " continuation without a line",
    "UID:",
  ),
  nastyText.map((t) => `X-FUZZ;${t}:${t}`),
  nastyText,
);

function mutateIcs(base: string): fc.Arbitrary<string> {
  const lines = icsLines(base);
  const at = fc.nat({ max: lines.length });
  return fc
    .array(
      fc.oneof(
        fc.tuple(fc.constant("insert" as const), at, brokenIcsLine),
        fc.tuple(fc.constant("drop" as const), at, fc.constant("")),
        fc.tuple(fc.constant("cut" as const), at, fc.nat({ max: 80 }).map(String)),
        fc.tuple(fc.constant("dup" as const), at, fc.constant("")),
      ),
      { minLength: 1, maxLength: 8 },
    )
    .chain((edits) =>
      fc.tuple(
        fc.constant(edits),
        fc.nat({ max: base.length }),
        fc.boolean(),
        fc.constantFrom("\r\n", "\n", "\r"),
      ),
    )
    .map(([edits, truncateAt, truncate, eol]) => {
      const out = [...lines];
      for (const [kind, i, arg] of edits) {
        if (kind === "insert") out.splice(i, 0, arg);
        else if (kind === "drop") out.splice(i, 1);
        else if (kind === "dup") out.splice(i, 0, out[i] ?? "");
        else if (out[i] !== undefined) out[i] = out[i].slice(0, Number(arg));
      }
      const text = out.join(eol);
      return truncate ? text.slice(0, truncateAt) : text;
    });
}

export const badIcs: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...icsFixtures).chain(mutateIcs) },
  {
    weight: 1,
    arbitrary: fc
      .array(brokenIcsLine, { maxLength: 40 })
      .map((lines) => ["BEGIN:VCALENDAR", "BEGIN:VEVENT", ...lines, "END:VCALENDAR"].join("\r\n")),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 300 }) },
);

// ---------------------------------------------------------------- JSON

/** JSON values, including the shapes close to what an endpoint expects with one field of the wrong type. */
export const anyJson: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 4 });

/** `shape` with one field removed, retyped, or made huge: what a provider or client gets subtly wrong. */
export function nearly(shape: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(shape);
  if (!keys.length) return anyJson;
  return fc.oneof(
    fc.constant(shape),
    fc.tuple(fc.constantFrom(...keys), anyJson).map(([k, v]) => ({ ...shape, [k]: v })),
    fc.constantFrom(...keys).map((k) => {
      const { [k]: _gone, ...rest } = shape;
      return rest;
    }),
    fc
      .tuple(fc.constantFrom(...keys), fc.nat({ max: 100_000 }))
      .map(([k, n]) => ({ ...shape, [k]: "x".repeat(n) })),
    anyJson,
  );
}

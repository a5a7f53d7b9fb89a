// Reading iCalendar files (RFC 5545) as CalDAV servers and exports send them, component by component:
// each VEVENT and VTIMEZONE is cut out of the text and parsed by ical.js on its own, so a broken
// component is reported with its line and the others are still read (R-P-4). Every VEVENT ends up in
// one VCALENDAR with all the file's VTIMEZONEs, which is where ical.js looks up a TZID: Windows names
// and "Customized Time Zone" definitions are read from their rules. Bytes that are not UTF-8 are read
// as Windows-1252 (exports from old Outlook and Thunderbird are Latin-1).
import ICAL from "ical.js";
import { decodeText } from "../mail/charset.js";
import { dropUnboundedZoneRules } from "./ics-zone-rules.js";

export interface IcsProblem {
  /** 1-based line of the file where the problem is. */
  line: number;
  message: string;
}

export interface IcsEvent {
  component: ICAL.Component;
  /** Line of its BEGIN:VEVENT. */
  line: number;
}

export interface ParsedIcs {
  /** Holds every VTIMEZONE and every VEVENT that parsed; TZIDs resolve through it. */
  calendar: ICAL.Component;
  events: IcsEvent[];
  problems: IcsProblem[];
}

interface LogicalLine {
  text: string;
  line: number;
}

interface Block {
  kind: "VEVENT" | "VTIMEZONE";
  line: number;
  lines: LogicalLine[];
}

const MAX_PROBLEMS = 200;

export function parseIcs(input: string | Uint8Array): ParsedIcs {
  const text = typeof input === "string" ? input : decodeText(input).text;
  const problems: IcsProblem[] = [];
  const report = (line: number, message: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push({ line, message });
  };
  const blocks = cutBlocks(unfold(text.replace(/^\uFEFF/, "")), report);
  const calendar = new ICAL.Component("vcalendar");
  const events: IcsEvent[] = [];
  // Zones first: ical.js looks a TZID up when it first reads a time, in the VCALENDAR's zones.
  for (const block of blocks.filter((b) => b.kind === "VTIMEZONE")) {
    const component = parseBlock(block, report);
    if (!component) continue;
    if (!component.getFirstPropertyValue("tzid")) {
      report(block.line, "VTIMEZONE without TZID: ignored");
      continue;
    }
    const rruleLines = block.lines.filter((l) => /^RRULE[:;]/i.test(l.text)).map((l) => l.line);
    dropUnboundedZoneRules(component, rruleLines, report);
    calendar.addSubcomponent(component);
  }
  for (const block of blocks.filter((b) => b.kind === "VEVENT")) {
    const component = parseBlock(block, report);
    if (!component) continue;
    repairDates(component, block, report);
    calendar.addSubcomponent(component);
    events.push({ component, line: block.line });
  }
  return { calendar, events, problems };
}

/** Content lines with their continuation lines joined, each with the line it starts on. */
function unfold(text: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  text.split(/\r\n|\n|\r/).forEach((raw, i) => {
    const last = out[out.length - 1];
    if (last && (raw.startsWith(" ") || raw.startsWith("\t"))) last.text += raw.slice(1);
    else if (raw.trim() !== "") out.push({ text: raw, line: i + 1 });
  });
  return out;
}

const boundary = (l: LogicalLine) => /^(BEGIN|END):([A-Za-z0-9-]+)\s*$/.exec(l.text);

/** The VEVENTs and VTIMEZONEs of the text, wherever they are (several VCALENDARs, or none). */
function cutBlocks(lines: LogicalLine[], report: (line: number, message: string) => void): Block[] {
  const blocks: Block[] = [];
  let open: Block | null = null;
  let depth = 0;
  for (const l of lines) {
    const m = boundary(l);
    const verb = m?.[1]?.toUpperCase();
    const name = m?.[2]?.toUpperCase();
    if (open) {
      if (verb === "BEGIN" && name === open.kind) {
        report(
          open.line,
          `${open.kind} has no END:${open.kind} before the next one at line ${l.line}: skipped`,
        );
        open = { kind: open.kind, line: l.line, lines: [l] };
        depth = 0;
        continue;
      }
      if (verb === "END" && name === "VCALENDAR") {
        report(
          open.line,
          `${open.kind} has no END:${open.kind} before END:VCALENDAR at line ${l.line}: skipped`,
        );
        open = null;
        continue;
      }
      open.lines.push(l);
      if (verb === "BEGIN") depth++;
      else if (verb === "END" && depth > 0) depth--;
      else if (verb === "END" && name === open.kind) {
        blocks.push(open);
        open = null;
      }
      continue;
    }
    if (verb === "BEGIN" && (name === "VEVENT" || name === "VTIMEZONE")) {
      open = { kind: name, line: l.line, lines: [l] };
      depth = 0;
    }
  }
  if (open) report(open.line, `${open.kind} has no END:${open.kind} before the end of the file: skipped`);
  return blocks;
}

function parseBlock(block: Block, report: (line: number, message: string) => void): ICAL.Component | null {
  try {
    return new ICAL.Component(ICAL.parse(block.lines.map((l) => l.text).join("\r\n")) as any);
  } catch (err) {
    // ical.js does not say where: the first content line it refuses on its own is the culprit.
    const culprit = block.lines.find((l) => !boundary(l) && !parsesAlone(l.text));
    const reason = err instanceof Error ? err.message : String(err);
    const repaired = culprit ? repairLine(culprit.text) : null;
    if (culprit && repaired) {
      const lines = block.lines.map((l) => (l === culprit ? { ...l, text: repaired } : l));
      const component = parseBlock({ ...block, lines }, () => {});
      if (component) {
        report(culprit.line, `${reason}; read as ${repaired}`);
        return component;
      }
    }
    report(culprit?.line ?? block.line, `${block.kind} at line ${block.line} skipped: ${reason}`);
    return null;
  }
}

function parsesAlone(text: string): boolean {
  try {
    ICAL.parse(`BEGIN:VEVENT\r\n${text}\r\nEND:VEVENT`);
    return true;
  } catch {
    return false;
  }
}

/**
 * Outlook writes `DTSTART;TZID="W. Europe Standard Time:20200609T090000"`: the closing quote after
 * the value instead of before the colon. The value is what follows the last colon inside the quotes.
 */
function repairLine(text: string): string | null {
  const m = /^(.*="[^"]*):([^":]*)"\s*$/.exec(text);
  if (!m) return null;
  const fixed = `${m[1]}":${m[2]}`;
  return parsesAlone(fixed) ? fixed : null;
}

const DATE_PROPS = new Set(["dtstart", "dtend", "due", "recurrence-id", "exdate", "rdate"]);

/**
 * A date written without VALUE=DATE (`DTSTART:20021028`, `EXDATE:20200116` beside date-times) is
 * read by ical.js as a broken date-time (`2002-10-28T::`) that throws when used: it is a date.
 */
function repairDates(
  component: ICAL.Component,
  block: Block,
  report: (line: number, message: string) => void,
) {
  for (const prop of component.jCal[1] as any[][]) {
    const [name, , type, ...values] = prop;
    if (!DATE_PROPS.has(name) || type !== "date-time") continue;
    const broken = values.map((v) => typeof v === "string" && /^\d{4}-\d{2}-\d{2}T::$/.test(v));
    if (!broken.some(Boolean)) continue;
    const line = block.lines.find((l) => l.text.toLowerCase().startsWith(name))?.line ?? block.line;
    if (broken.every(Boolean)) {
      prop[2] = "date";
      prop.splice(3, values.length, ...values.map((v: string) => v.slice(0, 10)));
      report(line, `${name.toUpperCase()} is a date without VALUE=DATE: read as a date`);
    } else {
      prop.splice(3, values.length, ...values.filter((_, i) => !broken[i]));
      report(line, `${name.toUpperCase()} mixes dates with date-times: the dates are ignored`);
    }
  }
}

// The three-way merge of one event: each field, and each exception by its original start, is taken
// from the side that changed it since the last sync. When both sides changed a field to different
// values, the most recent change wins (the provider on a tie: the calendar is what attendees see) and
// the loser's field is reported, so that its version is kept. An exception is never lost: one side's
// removal never beats the other side's change or addition.
import type { SyncedEventState } from "../calendar/synced-state.js";
import {
  exceptionKey,
  exceptionMap,
  type ScalarField,
  sameException,
  sameField,
  scalarFields,
} from "./compare.js";

export interface Versioned {
  state: SyncedEventState;
  changedAt: string;
}

export interface Merged {
  state: SyncedEventState;
  /** Fields of the CRM's version the merge overwrote in a conflict. */
  crmLost: string[];
  /** Fields of the provider's version the merge overwrote in a conflict. */
  providerLost: string[];
}

const later = (a: string, b: string) => Date.parse(a) > Date.parse(b);

export function mergeEvent(crm: Versioned, provider: Versioned, last: SyncedEventState | null): Merged {
  const crmWins = later(crm.changedAt, provider.changedAt);
  const crmLost: string[] = [];
  const providerLost: string[] = [];
  const c = crm.state;
  const p = provider.state;
  const merged: SyncedEventState = { ...p };
  const take = <F extends ScalarField>(field: F, from: SyncedEventState) => {
    (merged as any)[field] = from[field];
  };
  for (const field of scalarFields) {
    if (sameField(c, p, field)) take(field, p);
    else if (last && sameField(c, last, field)) take(field, p);
    else if (last && sameField(p, last, field)) take(field, c);
    else if (crmWins) {
      take(field, c);
      providerLost.push(field);
    } else {
      take(field, p);
      crmLost.push(field);
    }
  }
  const cx = exceptionMap(c);
  const px = exceptionMap(p);
  const lx = last ? exceptionMap(last) : new Map();
  const keys = [...new Set([...cx.keys(), ...px.keys()])].sort();
  merged.exceptions = [];
  for (const key of keys) {
    const a = cx.get(key);
    const b = px.get(key);
    const l = lx.get(key);
    let pick = b;
    if (sameException(a, b)) pick = b;
    else if (last && sameException(a, l)) pick = b;
    else if (last && sameException(b, l)) pick = a;
    else if (!a || !b) pick = a ?? b;
    else if (crmWins) {
      pick = a;
      providerLost.push(`exception ${key}`);
    } else {
      pick = b;
      crmLost.push(`exception ${key}`);
    }
    if (pick) merged.exceptions.push(pick);
  }
  merged.exceptions.sort((x, y) =>
    exceptionKey(x.originalStart).localeCompare(exceptionKey(y.originalStart)),
  );
  return { state: merged, crmLost, providerLost };
}

/** The fields in which `a` differs from `b` (the overwritten part of `a` when `b` replaces it). */
export function differingFields(a: SyncedEventState, b: SyncedEventState): string[] {
  const out: string[] = scalarFields.filter((f) => !sameField(a, b, f));
  const ax = exceptionMap(a);
  const bx = exceptionMap(b);
  for (const key of [...new Set([...ax.keys(), ...bx.keys()])].sort())
    if (!sameException(ax.get(key), bx.get(key))) out.push(`exception ${key}`);
  return out;
}

// What the kinds that sync both ways (calendars, Exchange contacts) share: the mix of changes made
// while the run goes on, and the count of each item on the other side that their audits take.
import { type Audit, expectStatus, type FleetConnection, type FleetWorld } from "./kinds.js";

export interface TwoWayStep {
  /** What the step did, for the run's log. */
  says: string;
  run(w: FleetWorld, c: FleetConnection): unknown;
}

/** The four ways a two-way kind changes a connection's items: new or edited, at the provider or in the CRM. */
export interface TwoWaySteps {
  putExternal: TwoWayStep;
  createCrm: TwoWayStep;
  editExternal: TwoWayStep;
  editCrm: TwoWayStep;
}

/** A new connection's items: `items` put at the provider by another client, then `crm` made in the CRM. */
export async function seedBothSides(
  w: FleetWorld,
  c: FleetConnection,
  steps: TwoWaySteps,
  items: number,
  crm = 2,
) {
  for (let i = 0; i < items; i++) await steps.putExternal.run(w, c);
  for (let i = 0; i < crm; i++) await steps.createCrm.run(w, c);
}

/**
 * One change of a two-way kind: a new item at the provider or in the CRM (35 % each), or an edit of
 * one already there (15 % each). Only the step taken runs.
 */
export async function twoWayChange(w: FleetWorld, c: FleetConnection, steps: TwoWaySteps): Promise<string> {
  const r = Math.random();
  const step =
    r < 0.35 ? steps.putExternal : r < 0.7 ? steps.createCrm : r < 0.85 ? steps.editExternal : steps.editCrm;
  await step.run(w, c);
  return step.says;
}

/** A CRM record edited by its owner through the API (PATCH `path`), as a step of a change. */
export async function editInCrm(
  w: FleetWorld,
  c: FleetConnection,
  path: string,
  body: object,
  failure: string,
) {
  expectStatus(await w.api(c.token, "PATCH", path, body), 200, failure);
}

export const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)];

/** An audit's count of the items that must be on the other side exactly once. */
export class ExactlyOnce {
  missing = 0;
  doubled = 0;
  /** Offending items, most telling first. */
  examples: string[] = [];

  /** `n` copies of `what` were found. */
  count(n: number, what: string) {
    if (n === 0) this.missing++;
    if (n > 1) this.doubled++;
    if (n !== 1) this.examples.push(`${what}: ${n}`);
  }

  audit(expected: number, extra: number): Audit {
    return {
      expected,
      missing: this.missing,
      doubled: this.doubled,
      extra,
      examples: this.examples.slice(0, 3),
    };
  }
}

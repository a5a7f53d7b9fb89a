// What happens to a link when a contact appears, disappears or is merged away (R-X-2, R-X-7, R-X-9).
// Deletions never propagate: a contact removed in Exchange only ends its link (its person stays, and
// is never created in Exchange again); a person deleted in the CRM only ends its link (the contact
// stays, and is never imported again). Pure: the sync shell reads links and carries the decision out.

export type LinkState =
  | { kind: "none" }
  | { kind: "linked"; personId: string; personVisible: boolean }
  /** The person was deleted in the CRM (the link's person is gone). */
  | { kind: "person-deleted" }
  | { kind: "ignored" };

export type ExchangeChange = { kind: "changed"; categories: string[] } | { kind: "removed" };

export type LifecycleDecision =
  | { kind: "skip"; reason: string }
  | { kind: "ignore"; reason: "deleted-in-exchange" | "deleted-in-crm" }
  /** A new contact in a chosen category: matched to a person (R-X-10) or imported as a new one. */
  | { kind: "import" }
  | { kind: "reconcile"; personId: string };

export const SKIPS = {
  ignored: "deleted on one side or merged away: not synced again",
  notChosen: "not in a category chosen for sync",
  notVisible: "the CRM contact is no longer visible to you",
  removedUnknown: "removed in Exchange before it was synced",
} as const;

export function decideChange(
  link: LinkState,
  change: ExchangeChange,
  chosenCategories: readonly string[],
): LifecycleDecision {
  if (link.kind === "ignored") return { kind: "skip", reason: SKIPS.ignored };
  if (change.kind === "removed") {
    if (link.kind === "none") return { kind: "skip", reason: SKIPS.removedUnknown };
    if (link.kind === "person-deleted") return { kind: "ignore", reason: "deleted-in-crm" };
    return { kind: "ignore", reason: "deleted-in-exchange" };
  }
  if (link.kind === "person-deleted") return { kind: "ignore", reason: "deleted-in-crm" };
  if (link.kind === "linked")
    return link.personVisible
      ? { kind: "reconcile", personId: link.personId }
      : { kind: "skip", reason: SKIPS.notVisible };
  const chosen = new Set(chosenCategories);
  if (!change.categories.some((c) => chosen.has(c))) return { kind: "skip", reason: SKIPS.notChosen };
  return { kind: "import" };
}

export interface MergeLink {
  linkId: string;
  /** The person the link points at. */
  personId: string;
  /** Where that person ended after merges: itself when not merged. */
  survivorId: string;
}

export interface MergeResolution {
  /** Links moved to the survivor. */
  relink: { linkId: string; personId: string }[];
  /** Links given up for good: the survivor keeps exactly one contact (R-X-9). */
  ignore: string[];
}

/**
 * After persons were merged in the CRM: per survivor, the survivor's own link stays; else the
 * earliest-made link of a merged-away person (the smallest id: ids grow with time) moves to it. Every
 * other link is ignored for good, so the duplicate in Exchange is never imported again. Exchange is
 * not told (the merge is not pushed).
 */
export function resolveMerges(links: readonly MergeLink[]): MergeResolution {
  const bySurvivor = new Map<string, MergeLink[]>();
  for (const l of links) bySurvivor.set(l.survivorId, [...(bySurvivor.get(l.survivorId) ?? []), l]);
  const out: MergeResolution = { relink: [], ignore: [] };
  for (const [survivor, group] of bySurvivor) {
    const own = group.find((l) => l.personId === survivor);
    const keep = own ?? [...group].sort((a, b) => a.linkId.localeCompare(b.linkId))[0];
    if (keep.personId !== survivor) out.relink.push({ linkId: keep.linkId, personId: survivor });
    for (const l of group) if (l !== keep) out.ignore.push(l.linkId);
  }
  return out;
}

/** Follows `mergedInto` to the person that survived (a merged person may be merged again). */
export function survivorOf(personId: string, mergedInto: ReadonlyMap<string, string | null>): string {
  let id = personId;
  const seen = new Set<string>();
  for (;;) {
    const next = mergedInto.get(id);
    if (!next || seen.has(id)) return id;
    seen.add(id);
    id = next;
  }
}

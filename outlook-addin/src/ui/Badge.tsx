import type { BadgeDto } from "../../../shared/api/context.js";

/** R-CAT-2: the short label, the full localized category name on hover and for screen readers. */
export function Badge({ badge }: { badge: BadgeDto }) {
  return (
    <span class={`badge badge-${badge.key}`} title={badge.name}>
      {badge.label}
    </span>
  );
}

import type { AttachmentSummary } from "../host/types.js";
import { useI18n } from "../i18n/index.js";

interface Props {
  attachments: AttachmentSummary[];
  /** Ids of the attachments the user unticked. */
  skipped: ReadonlySet<string>;
  disabled: boolean;
  onChange(skipped: ReadonlySet<string>): void;
}

/** R-SB-3: which attachments Log email stores; all are ticked until the user says otherwise. */
export function AttachmentChoice({ attachments, skipped, disabled, onChange }: Props) {
  const { t } = useI18n();
  const toggle = (id: string, keep: boolean) => {
    const next = new Set(skipped);
    if (keep) next.delete(id);
    else next.add(id);
    onChange(next);
  };
  return (
    <fieldset class="attachments" disabled={disabled}>
      <legend>{t("attachmentsToLog")}</legend>
      {attachments.map((a) => (
        <label key={a.id} class="check">
          <input
            type="checkbox"
            checked={!skipped.has(a.id)}
            onChange={(e) => toggle(a.id, e.currentTarget.checked)}
          />
          <span class="name">{a.name}</span>
          {a.isInline && <span class="muted small">{t("inlineImage")}</span>}
        </label>
      ))}
    </fieldset>
  );
}

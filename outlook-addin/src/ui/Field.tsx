import { useId } from "preact/hooks";

interface FieldProps {
  label: string;
  value: string;
  onInput(value: string): void;
  type?: "text" | "email" | "date" | "time";
  required?: boolean;
  name?: string;
  readOnly?: boolean;
  /** Id of a hint that describes the field. */
  describedBy?: string;
  autoComplete?: string;
  /** Id of a <datalist> of suggestions. */
  list?: string;
}

/** A labelled input: every control of the pane has a visible label bound to it. */
export function Field({
  label,
  value,
  onInput,
  type = "text",
  required,
  name,
  readOnly,
  describedBy,
  autoComplete,
  list,
}: FieldProps) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        name={name}
        type={type as "text"}
        value={value}
        required={required}
        readOnly={readOnly}
        aria-describedby={describedBy}
        autoComplete={autoComplete}
        list={list}
        onInput={(e) => onInput((e.currentTarget as HTMLInputElement).value)}
      />
    </div>
  );
}

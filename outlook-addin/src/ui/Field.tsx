import { useId } from "preact/hooks";

interface FieldProps {
  label: string;
  value: string;
  onInput(value: string): void;
  type?: "text" | "email" | "date" | "time" | "url" | "password" | "number";
  required?: boolean;
  name?: string;
  readOnly?: boolean;
  placeholder?: string;
  /** A problem with the value, shown under the field and announced with it. */
  error?: string;
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
  placeholder,
  error,
  describedBy,
  autoComplete,
  list,
}: FieldProps) {
  const id = useId();
  const errorId = useId();
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
        placeholder={placeholder}
        aria-invalid={error ? true : undefined}
        aria-describedby={[error ? errorId : "", describedBy ?? ""].join(" ").trim() || undefined}
        autoComplete={autoComplete}
        list={list}
        onInput={(e) => onInput((e.currentTarget as HTMLInputElement).value)}
      />
      {error && (
        <p id={errorId} class="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

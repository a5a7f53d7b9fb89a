import { useId } from "preact/hooks";

interface FieldProps {
  label: string;
  value: string;
  onInput(value: string): void;
  type?: "text" | "email" | "date" | "time";
  required?: boolean;
  name?: string;
  readOnly?: boolean;
}

/** A labelled input: every control of the pane has a visible label bound to it. */
export function Field({ label, value, onInput, type = "text", required, name, readOnly }: FieldProps) {
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
        onInput={(e) => onInput((e.currentTarget as HTMLInputElement).value)}
      />
    </div>
  );
}

/** A labelled group of radio buttons: one fieldset, its legend read with every option. */
export function Choice<T extends string>({
  legend,
  name,
  value,
  options,
  onChange,
}: {
  legend: string;
  name: string;
  value: T | null;
  options: { value: T; label: string }[];
  onChange(value: T): void;
}) {
  return (
    <fieldset class="choice">
      <legend>{legend}</legend>
      {options.map((o) => (
        <label key={o.value} class="check">
          <input
            type="radio"
            name={name}
            value={o.value}
            checked={value === o.value}
            onChange={() => onChange(o.value)}
          />
          <span>{o.label}</span>
        </label>
      ))}
    </fieldset>
  );
}

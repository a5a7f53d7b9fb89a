/** A checkbox per item, ticked when its id is in `chosen`; ticking or unticking one gives the new set. */
export function Checks<T>({
  items,
  idOf,
  labelOf,
  chosen,
  onChange,
}: {
  items: T[];
  idOf(item: T): string;
  labelOf(item: T): string;
  chosen: Set<string>;
  onChange(next: Set<string>): void;
}) {
  const toggle = (id: string, on: boolean) => {
    const next = new Set(chosen);
    if (on) next.add(id);
    else next.delete(id);
    onChange(next);
  };
  return (
    <>
      {items.map((item) => (
        <label key={idOf(item)} class="check">
          <input
            type="checkbox"
            checked={chosen.has(idOf(item))}
            onChange={(e) => toggle(idOf(item), e.currentTarget.checked)}
          />
          <span>{labelOf(item)}</span>
        </label>
      ))}
    </>
  );
}

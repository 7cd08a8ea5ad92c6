// A table header row whose column titles sort the table; the sorted column carries aria-sort.
import type { KeyboardEvent } from 'react';

export interface SortColumn<K extends string> {
  key: K;
  label: string;
  numeric?: boolean;
}

export function SortableHeader<K extends string>({
  columns,
  sort,
  onSort,
}: {
  columns: ReadonlyArray<SortColumn<K>>;
  sort: { key: K; desc: boolean };
  onSort: (key: K) => void;
}) {
  return (
    <tr>
      {columns.map((c) => (
        <th
          key={c.key}
          className={c.numeric ? 'num' : undefined}
          aria-sort={sort.key === c.key ? (sort.desc ? 'descending' : 'ascending') : 'none'}
        >
          <button type="button" onClick={() => onSort(c.key)}>
            {c.label}
            {sort.key === c.key ? (sort.desc ? ' ▼' : ' ▲') : ''}
          </button>
        </th>
      ))}
    </tr>
  );
}

/** Enter or Space on a focused row does what a click does. */
export function onActivateKey(action: () => void) {
  return (e: KeyboardEvent) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      action();
    }
  };
}

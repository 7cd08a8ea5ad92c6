// A table header row whose column titles sort the table; the sorted column carries aria-sort.
import type { KeyboardEvent } from 'react';
import { glossTitle, type GlossKey } from './glossary.ts';

export interface SortColumn<K extends string> {
  key: K;
  label: string;
  numeric?: boolean;
  /** A glossary entry for the column title, shown as its tooltip (a button holds no <Term>). */
  gloss?: GlossKey;
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
          <button
            type="button"
            className={c.gloss ? 'term' : undefined}
            title={c.gloss && glossTitle(c.gloss)}
            onClick={() => onSort(c.key)}
          >
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

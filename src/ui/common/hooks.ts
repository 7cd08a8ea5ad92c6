// Selectors derived from the store.
import { useMemo } from 'react';
import { useStore } from '../../state/store.ts';
import type { TensorRow } from '../../engine/types.ts';

// One collator for every comparison: localeCompare with options builds a new one on each call,
// which made sorting a 20,000-tensor file freeze the page for seconds.
const byName = new Intl.Collator('en', { numeric: true });

export function useVisibleTensors(): TensorRow[] {
  const tensors = useStore((s) => s.model?.tensors);
  const filter = useStore((s) => s.filter);
  const sort = useStore((s) => s.sort);
  return useMemo(() => {
    if (!tensors) return [];
    const q = filter.trim().toLowerCase();
    const rows = q
      ? tensors.filter((t) => t.name.toLowerCase().includes(q) || t.dtype.toLowerCase() === q)
      : [...tensors];
    const dir = sort.desc ? -1 : 1;
    const key = sort.key;
    rows.sort((a, b) => {
      const c =
        key === 'name' || key === 'dtype'
          ? byName.compare(a[key], b[key])
          : key === 'rank'
            ? a.shape.length - b.shape.length
            : a[key] - b[key];
      return dir * c || byName.compare(a.name, b.name);
    });
    return rows;
  }, [tensors, filter, sort]);
}

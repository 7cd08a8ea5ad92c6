// Selectors derived from the store.
import { useMemo } from 'react';
import { useStore } from '../../state/store.ts';
import type { TensorRow } from '../../engine/types.ts';

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
          ? a[key].localeCompare(b[key], 'en', { numeric: true })
          : key === 'rank'
            ? a.shape.length - b.shape.length
            : a[key] - b[key];
      return dir * c || a.name.localeCompare(b.name, 'en', { numeric: true });
    });
    return rows;
  }, [tensors, filter, sort]);
}

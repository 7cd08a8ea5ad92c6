// A tensor's statistics, each value tagged for tests with data-stat.
import { statWhy, type MomentStat } from '../../core/stats/stats.ts';
import type { TensorStats } from '../../engine/types.ts';
import { formatCount, formatWhy } from '../common/format.ts';
import type { GlossKey } from '../common/glossary.ts';
import { Term } from '../common/Term.tsx';

/** A row: its label explained by a glossary entry, or by a plain `hint` title. */
const ROWS: Array<{
  key: keyof TensorStats;
  label: string;
  count?: boolean;
  hint?: string;
  gloss?: GlossKey;
}> = [
  { key: 'min', label: 'min' },
  { key: 'max', label: 'max' },
  { key: 'mean', label: 'mean' },
  { key: 'std', label: 'std', hint: 'population standard deviation (ddof = 0)' },
  { key: 'absmax', label: 'absmax', hint: 'largest |x|: the symmetric int8 scale is absmax / 127' },
  { key: 'kurtosis', label: 'kurtosis', gloss: 'kurtosis' },
  { key: 'count', label: 'elements', count: true },
  {
    key: 'finite',
    label: 'finite',
    count: true,
    hint: 'statistics above are over the finite values',
  },
  { key: 'zeros', label: 'zeros', count: true },
  { key: 'nans', label: 'NaN', count: true },
  { key: 'posInf', label: '+Inf', count: true },
  { key: 'negInf', label: '−Inf', count: true },
];

export function StatsTable({ stats }: { stats: TensorStats }) {
  return (
    <table className="stats" data-testid="stats">
      <tbody>
        {ROWS.map((r) => (
          <tr key={r.key} title={r.hint}>
            <th scope="row">{r.gloss ? <Term k={r.gloss}>{r.label}</Term> : r.label}</th>
            <td data-stat={r.key} data-value={String(stats[r.key])}>
              {r.count
                ? formatCount(stats[r.key])
                : formatWhy(stats[r.key], statWhy(stats, r.key as MomentStat))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

// The error against the bit width, and the clipping / rounding trade-off as the clipping threshold
// tightens (the U-shaped curve: less clipping error, more rounding error, and back).
import { ChartExport } from '../ExportButtons.tsx';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { CompareRow } from '../../state/store.ts';
import { formatTick, formatValue } from '../format.ts';

export function BitsCurve({ rows }: { rows: CompareRow[] }) {
  const data = rows.map((r) => ({
    label: r.label,
    bpw: Number(r.bitsPerWeight.toFixed(3)),
    sqnr: Number.isFinite(r.error.sqnrDb) ? r.error.sqnrDb : null,
  }));
  return (
    <figure className="chart" data-testid="bits-curve" data-points={data.length}>
      <ResponsiveContainer width="100%" height={200}>
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="label" />
          <YAxis width={48} tickFormatter={formatTick} unit=" dB" />
          <Tooltip
            isAnimationActive={false}
            formatter={(v) => [`${formatValue(Number(v))} dB`, 'SQNR']}
          />
          <Line dataKey="sqnr" stroke="#3b6fd8" isAnimationActive={false} connectNulls />
        </LineChart>
      </ResponsiveContainer>
      <figcaption>
        SQNR against bit width (each extra bit buys about 6 dB while rounding dominates)
      </figcaption>
      <ChartExport />
    </figure>
  );
}

export function ClipRoundChart({ rows }: { rows: CompareRow[] }) {
  const data = rows.map((r) => ({
    label: r.label,
    clipping: r.error.clippingMse,
    rounding: r.error.roundingMse,
  }));
  return (
    <figure className="chart" data-testid="clip-round-chart" data-points={data.length}>
      <ResponsiveContainer width="100%" height={220}>
        <BarChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" fontSize={11} />
          <YAxis width={64} tickFormatter={formatTick} />
          <Tooltip isAnimationActive={false} formatter={(v) => formatValue(Number(v))} />
          <Legend />
          <Bar dataKey="clipping" stackId="e" fill="#c2410c" isAnimationActive={false} />
          <Bar dataKey="rounding" stackId="e" fill="#3b6fd8" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
      <figcaption>
        Mean squared error when the range is clipped at a percentile of |x|: clipping error falls,
        rounding error rises
      </figcaption>
      <ChartExport />
    </figure>
  );
}

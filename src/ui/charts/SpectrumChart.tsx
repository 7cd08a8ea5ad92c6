// The singular values of each weight, largest first, on a log axis: how fast a layer's spectrum
// falls says how much rank a low-rank factorization can drop.
import { ChartExport } from '../export/ExportButtons.tsx';
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartFrame } from './ChartFrame.tsx';
import { formatTick, formatValue } from '../common/format.ts';

const COLORS = ['#3b6fd8', '#c2410c', '#0f766e'];

export function SpectrumChart({
  layers,
}: {
  layers: ReadonlyArray<{ name: string; spectrum: readonly number[] }>;
}) {
  // One row per rank i, a column per layer (a layer with fewer singular values leaves it out).
  const points = Array.from(
    { length: Math.max(...layers.map((l) => l.spectrum.length)) },
    (_, i) => {
      const row: Record<string, number> = { i: i + 1 };
      for (const l of layers) if (i < l.spectrum.length) row[l.name] = l.spectrum[i]!;
      return row;
    },
  );
  return (
    <figure className="chart">
      <ChartFrame height={200}>
        <LineChart data={points} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="i" type="number" domain={[1, 'dataMax']} />
          <YAxis scale="log" domain={['auto', 'auto']} width={56} tickFormatter={formatTick} />
          <Tooltip isAnimationActive={false} formatter={(v) => formatValue(Number(v))} />
          <Legend />
          {layers.map((l, k) => (
            <Line
              key={l.name}
              dataKey={l.name}
              dot={false}
              stroke={COLORS[k % COLORS.length]!}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ChartFrame>
      <figcaption>Singular values of each weight (log scale), largest first</figcaption>
      <ChartExport />
    </figure>
  );
}

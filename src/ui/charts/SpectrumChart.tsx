// The singular values of each weight, largest first, on a log axis: how fast a layer's spectrum
// falls says how much rank a low-rank factorization can drop.
import { ChartExport } from '../export/ExportButtons.tsx';
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartFrame } from './ChartFrame.tsx';
import { formatTick, formatValue } from '../common/format.ts';

const COLORS = ['#3b6fd8', '#c2410c', '#0f766e'];

/**
 * Below this fraction of a layer's largest singular value a singular value is float32 rounding
 * noise (machine epsilon 1.2e-7 times a small factor), not structure; zeros cannot sit on a log axis.
 */
const NOISE = 1e-6;

/**
 * One row per rank i, a column per layer (a layer with fewer singular values, or one whose value
 * is at rounding level, leaves it out), and a log axis from the decade below the smallest value
 * kept to the decade above the largest, so no line runs off the bottom.
 */
export function spectrumPoints(
  layers: ReadonlyArray<{ name: string; spectrum: readonly number[] }>,
): { points: Array<Record<string, number>>; domain: [number, number]; dropped: number } {
  let lo = Infinity;
  let hi = 0;
  let dropped = 0;
  const length = Math.max(0, ...layers.map((l) => l.spectrum.length));
  const points = Array.from({ length }, (_, i) => ({ i: i + 1 }) as Record<string, number>);
  for (const l of layers) {
    const top = Math.max(0, ...l.spectrum.filter(Number.isFinite));
    l.spectrum.forEach((v, i) => {
      if (!(Number.isFinite(v) && v > top * NOISE && v > 0)) {
        dropped++;
        return;
      }
      points[i]![l.name] = v;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    });
  }
  const domain: [number, number] =
    hi > 0 ? [10 ** Math.floor(Math.log10(lo)), 10 ** Math.ceil(Math.log10(hi))] : [1, 10];
  if (domain[1] <= domain[0]) domain[1] = domain[0] * 10;
  return { points, domain, dropped };
}

export function SpectrumChart({
  layers,
}: {
  layers: ReadonlyArray<{ name: string; spectrum: readonly number[] }>;
}) {
  const { points, domain, dropped } = spectrumPoints(layers);
  return (
    <figure className="chart">
      <ChartFrame height={200}>
        <LineChart data={points} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="i" type="number" domain={[1, 'dataMax']} />
          <YAxis scale="log" domain={domain} width={56} tickFormatter={formatTick} />
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
      <figcaption>
        Singular values of each weight (log scale), largest first
        {dropped > 0 &&
          ` (${dropped} at float32 rounding level, under a millionth of the largest, left off the log axis)`}
      </figcaption>
      <ChartExport />
    </figure>
  );
}

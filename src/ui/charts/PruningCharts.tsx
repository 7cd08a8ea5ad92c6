// The pruning lab's charts: one weight's histogram before and after pruning, and test accuracy
// against sparsity for every method (with the fine-tuned points when the sweep trained them).
import { ChartExport } from '../export/ExportButtons.tsx';
import {
  Area,
  AreaChart,
  CartesianGrid,
  Legend,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { ChartFrame } from './ChartFrame.tsx';

/** Counts before and after on the same bins; `edges` has one more entry than the counts. */
export function WeightHistogram({
  name,
  edges,
  before,
  after,
}: {
  name: string;
  edges: readonly number[];
  before: readonly number[];
  after: readonly number[];
}) {
  const data = before.map((b, i) => ({
    w: (edges[i]! + edges[i + 1]!) / 2,
    before: b,
    after: after[i]!,
  }));
  return (
    <figure className="chart">
      <ChartFrame height={180}>
        <AreaChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="w" tickFormatter={(v: number) => v.toFixed(2)} />
          <YAxis width={56} />
          <Tooltip />
          <Legend />
          <Area dataKey="before" stroke="#9ca3af" fill="#e5e7eb" isAnimationActive={false} />
          <Area dataKey="after" stroke="#2563eb" fill="#93c5fd" isAnimationActive={false} />
        </AreaChart>
      </ChartFrame>
      <figcaption>{name}: weights before and after pruning (counts)</figcaption>
      <ChartExport />
    </figure>
  );
}

/** One point of the sweep: a method at one sparsity; `tuned` is null when not fine-tuned. */
export interface SweepChartPoint {
  method: string;
  sparsity: number;
  accuracy: number;
  tuned: number | null;
}

const COLORS = ['#2563eb', '#7c3aed', '#0891b2', '#dc2626', '#ea580c', '#16a34a'];
// Families swept over several sparsities are joined by a line; N:M patterns are single points.
const swept = (f: string) => f.includes('magnitude') || f === 'L1 channels';

export function SweepChart({ sweep }: { sweep: readonly SweepChartPoint[] }) {
  const families = [...new Set(sweep.map((p) => p.method))];
  const tuned = sweep.some((p) => p.tuned !== null);
  return (
    <figure className="chart" data-testid="prune-sweep" data-points={sweep.length}>
      <ChartFrame height={240}>
        <ScatterChart margin={{ top: 8, right: 16, bottom: 16, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            type="number"
            dataKey="sparsity"
            domain={[0.2, 1]}
            tickFormatter={(v: number) => `${Math.round(v * 100)}%`}
            label={{ value: 'sparsity', position: 'insideBottom', offset: -8 }}
          />
          <YAxis
            type="number"
            dataKey="accuracy"
            domain={[0, 1]}
            width={56}
            tickFormatter={(v: number) => `${Math.round(v * 100)}%`}
          />
          <Tooltip formatter={(v) => `${(Number(v) * 100).toFixed(1)}%`} />
          <Legend verticalAlign="top" />
          {families.map((f, i) => (
            <Scatter
              key={f}
              name={f}
              data={sweep.filter((p) => p.method === f)}
              fill={COLORS[i % COLORS.length]}
              line={swept(f)}
              isAnimationActive={false}
            />
          ))}
          {tuned &&
            families.map((f, i) => (
              <Scatter
                key={`${f} tuned`}
                name={`${f}, fine-tuned`}
                data={sweep
                  .filter((p) => p.method === f)
                  .map((p) => ({ sparsity: p.sparsity, accuracy: p.tuned }))}
                fill={COLORS[i % COLORS.length]}
                shape="diamond"
                line={swept(f) ? { strokeDasharray: '4 3' } : false}
                isAnimationActive={false}
              />
            ))}
        </ScatterChart>
      </ChartFrame>
      <figcaption>
        Test accuracy against the share of weights removed (N:M at its own sparsity)
      </figcaption>
      <ChartExport />
    </figure>
  );
}

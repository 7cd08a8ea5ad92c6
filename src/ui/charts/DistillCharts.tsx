// Distillation as it trains: the loss terms per epoch (distilled run and the labels-only baseline)
// and the student's test accuracy after each epoch. Rows are pre-joined, one per epoch.
import { ChartExport } from '../export/ExportButtons.tsx';
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartFrame } from './ChartFrame.tsx';

/** One epoch (counted from 1); a field is undefined until that run has finished the epoch. */
export interface DistillRow {
  epoch: number;
  /** Mean KL soft term and CE hard term of the distilled run. */
  soft: number | undefined;
  hard: number | undefined;
  /** Mean CE of the run on the labels alone. */
  labelsHard: number | undefined;
  /** Test accuracies, in percent. */
  distilled: number | undefined;
  labels: number | undefined;
}

/** Both charts side by side; `points` is how many epoch results came in (for the tests). */
export function DistillCharts({ rows, points }: { rows: DistillRow[]; points: number }) {
  return (
    <div className="chart-pair" data-testid="distill-charts" data-points={points}>
      <figure className="chart">
        <ChartFrame height={200}>
          <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 20, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis
              dataKey="epoch"
              label={{ value: 'epoch', position: 'insideBottom', offset: -12 }}
            />
            <YAxis width={56} />
            <Tooltip />
            <Legend verticalAlign="top" />
            <Line
              dataKey="soft"
              name="soft term KL (distilled)"
              stroke="#7c3aed"
              isAnimationActive={false}
            />
            <Line
              dataKey="hard"
              name="hard term CE (distilled)"
              stroke="#2563eb"
              isAnimationActive={false}
            />
            <Line
              dataKey="labelsHard"
              name="CE (labels only)"
              stroke="#9ca3af"
              strokeDasharray="4 3"
              isAnimationActive={false}
            />
          </LineChart>
        </ChartFrame>
        <figcaption>Training loss terms, mean per epoch</figcaption>
        <ChartExport />
      </figure>
      <figure className="chart">
        <ChartFrame height={200}>
          <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 20, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis
              dataKey="epoch"
              label={{ value: 'epoch', position: 'insideBottom', offset: -12 }}
            />
            <YAxis
              width={64}
              domain={['auto', 'auto']}
              tickFormatter={(v: number) => `${v.toFixed(1)}%`}
            />
            <Tooltip formatter={(v) => `${Number(v).toFixed(2)}%`} />
            <Legend verticalAlign="top" />
            <Line dataKey="distilled" name="distilled" stroke="#7c3aed" isAnimationActive={false} />
            <Line
              dataKey="labels"
              name="labels only"
              stroke="#9ca3af"
              strokeDasharray="4 3"
              isAnimationActive={false}
            />
          </LineChart>
        </ChartFrame>
        <figcaption>Test accuracy of the student after each epoch</figcaption>
        <ChartExport />
      </figure>
    </div>
  );
}

// The calibration lab's charts for one layer: the |x| histogram with each method's threshold, the
// KL / MSE curves behind those picks, the clipping / rounding trade-off, and how each threshold
// settles as the calibration sample grows. Fed with the lab's pre-binned arrays.
import { ChartExport } from '../export/ExportButtons.tsx';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { ChartFrame } from './ChartFrame.tsx';
import { formatCount, formatTick, formatValue } from '../common/format.ts';
import { pickColor } from './pick-colors.ts';

/** A method's threshold, drawn as a dashed vertical line in the method's colour. */
export interface ThresholdPick {
  id: string;
  label: string;
  threshold: number;
}

// A function returning the lines rather than a component, so that they stay direct children of
// the chart as they were when written inline.
function pickLines({ picks, at }: { picks: readonly ThresholdPick[]; at?: (t: number) => number }) {
  return picks.map((p) => (
    <ReferenceLine
      key={p.id}
      x={at ? at(p.threshold) : p.threshold}
      stroke={pickColor(p.id)}
      strokeDasharray="4 3"
    />
  ));
}

/** |x| counts in 256 bars over [0, max]; each pick marked at the bar its threshold falls in. */
export function ActivationHistogram({
  counts,
  max,
  values,
  picks,
}: {
  counts: readonly number[];
  max: number;
  /** How many activations were binned. */
  values: number;
  picks: readonly ThresholdPick[];
}) {
  const bars = counts.map((c, i) => ({ x: ((i + 0.5) * max) / 256, c }));
  const binOf = (t: number) => Math.min(255, Math.floor((t / (max || 1)) * 256));
  return (
    <figure className="chart">
      <ChartFrame height={220}>
        <BarChart data={bars} barCategoryGap={0} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <XAxis dataKey="x" tickFormatter={formatTick} interval={63} />
          <YAxis scale="symlog" width={72} tickFormatter={formatTick} />
          <Tooltip
            isAnimationActive={false}
            labelFormatter={(x) =>
              `|x| ≈ ${formatValue(Number(x))} (bin of width ${formatValue(max / 256)})`
            }
            formatter={(v) => formatCount(Number(v))}
          />
          <Bar dataKey="c" name="activations" fill="#3b6fd8" isAnimationActive={false} />
          {pickLines({ picks, at: (t) => bars[binOf(t)]!.x })}
        </BarChart>
      </ChartFrame>
      <figcaption>
        |x| of {formatCount(values)} activations (2,048 bins drawn as 256, symmetric-log counts),
        each method&apos;s threshold marked
      </figcaption>
      <ChartExport />
    </figure>
  );
}

/** A criterion (KL divergence, MSE) against the candidate threshold, with the pick it led to. */
export function ThresholdCurve({
  data,
  name,
  picks,
}: {
  /** [threshold, value] pairs. */
  data: ReadonlyArray<readonly [number, number]>;
  name: string;
  picks: readonly ThresholdPick[];
}) {
  const rows = data.map(([t, v]) => ({ t, v }));
  return (
    <figure className="chart">
      <ChartFrame height={180}>
        <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            dataKey="t"
            type="number"
            domain={['dataMin', 'dataMax']}
            tickFormatter={formatTick}
          />
          <YAxis width={64} tickFormatter={formatTick} domain={['auto', 'auto']} />
          <Tooltip isAnimationActive={false} formatter={(v) => formatValue(Number(v))} />
          <Line dataKey="v" name={name} stroke="#0f766e" dot={false} isAnimationActive={false} />
          {pickLines({ picks })}
        </LineChart>
      </ChartFrame>
      <figcaption>{name} against the threshold, the pick marked</figcaption>
      <ChartExport />
    </figure>
  );
}

/** Clipping and rounding MSE as the threshold moves, on a log axis. */
export function TradeoffChart({
  tradeoff,
  picks,
}: {
  tradeoff: ReadonlyArray<{ threshold: number; clip: number; round: number }>;
  picks: readonly ThresholdPick[];
}) {
  return (
    <figure className="chart" data-testid="tradeoff">
      <ChartFrame height={200}>
        <LineChart
          data={tradeoff.map((t) => ({
            threshold: t.threshold,
            // A log axis has no zero: zero errors are left out (the line stops there).
            clip: t.clip > 0 ? t.clip : null,
            round: t.round > 0 ? t.round : null,
          }))}
          margin={{ top: 8, right: 16, bottom: 8, left: 8 }}
        >
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            dataKey="threshold"
            type="number"
            domain={[0, 'dataMax']}
            tickFormatter={formatTick}
          />
          <YAxis
            scale="log"
            domain={['auto', 'auto']}
            allowDataOverflow
            width={64}
            tickFormatter={formatTick}
          />
          <Tooltip isAnimationActive={false} formatter={(v) => formatValue(Number(v))} />
          <Legend />
          <Line
            dataKey="clip"
            name="clipping MSE"
            stroke="#c2410c"
            dot={false}
            isAnimationActive={false}
          />
          <Line
            dataKey="round"
            name="rounding MSE"
            stroke="#3b6fd8"
            dot={false}
            isAnimationActive={false}
          />
          {pickLines({ picks })}
        </LineChart>
      </ChartFrame>
      <figcaption>
        Clipping and rounding error as the threshold moves (zeros fall off the log axis)
      </figcaption>
      <ChartExport />
    </figure>
  );
}

/** Each method's threshold on the first n digits of the sample, n = 32, 64, …, the whole set. */
export function ConvergenceChart({
  convergence,
  picks,
}: {
  convergence: ReadonlyArray<{ size: number; thresholds: Record<string, number> }>;
  picks: readonly ThresholdPick[];
}) {
  return (
    <figure className="chart" data-testid="convergence" data-points={convergence.length}>
      <ChartFrame height={200}>
        <LineChart
          data={convergence.map((c) => ({ size: c.size, ...c.thresholds }))}
          margin={{ top: 8, right: 16, bottom: 8, left: 8 }}
        >
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            dataKey="size"
            scale="log"
            type="number"
            domain={['dataMin', 'dataMax']}
            ticks={convergence.map((c) => c.size)}
          />
          <YAxis width={56} tickFormatter={formatTick} domain={['auto', 'auto']} />
          <Tooltip isAnimationActive={false} formatter={(v) => formatValue(Number(v))} />
          {picks.map((p) => (
            <Line
              key={p.id}
              dataKey={p.id}
              name={p.label}
              stroke={pickColor(p.id)}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ChartFrame>
      <figcaption>
        Each method&apos;s threshold on the first 32, 64, … digits of the calibration sample: does
        it settle?
      </figcaption>
      <ChartExport />
    </figure>
  );
}

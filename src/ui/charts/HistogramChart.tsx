// Histogram bars from pre-binned counts; the count axis is linear or symmetric-log (d3's symlog
// keeps empty bins at zero where a plain log axis cannot).
import { ChartExport } from '../ExportButtons.tsx';
import { scaleLinear, scaleSymlog } from 'd3-scale';
import { useMemo } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  ReferenceArea,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatTick, formatValue } from '../format.ts';

export interface HistogramChartProps {
  counts: ArrayLike<number>;
  lo: number;
  hi: number;
  logScale: boolean;
  /** Values to mark with a vertical line (clipping thresholds). */
  markers?: readonly number[];
  /** Quantization levels to draw over the bars (drawn when they are sparser than the bins). */
  levels?: readonly number[] | null;
  /** The representable range: values outside it are clipped, and their tails are shaded. */
  range?: readonly [number, number] | null;
}

interface Row {
  i: number;
  left: number;
  right: number;
  count: number;
}

export function HistogramChart({
  counts,
  lo,
  hi,
  logScale,
  markers = [],
  levels = null,
  range = null,
}: HistogramChartProps) {
  const bins = counts.length;
  const data = useMemo<Row[]>(() => {
    const w = (hi - lo) / bins;
    return Array.from({ length: bins }, (_, i) => ({
      i,
      left: lo + i * w,
      right: lo + (i + 1) * w,
      count: counts[i] ?? 0,
    }));
  }, [counts, lo, hi, bins]);
  const max = useMemo(() => data.reduce((m, r) => Math.max(m, r.count), 0), [data]);
  const yScale = logScale ? scaleSymlog().constant(1) : scaleLinear();
  const binOf = (v: number) =>
    Math.max(0, Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo || 1)) * bins)));
  const drawn = levels ? levels.filter((v) => v >= lo && v <= hi) : [];
  const drawLevels = drawn.length > 0 && drawn.length <= Math.max(8, bins / 2);
  const ticks = Array.from(
    new Set([0, Math.floor(bins / 4), Math.floor(bins / 2), Math.floor((3 * bins) / 4), bins - 1]),
  );
  return (
    <figure className="histogram" data-testid="histogram" data-bins={bins} data-log={logScale}>
      <ResponsiveContainer width="100%" height={280}>
        <BarChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 8 }} barCategoryGap={0}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis
            dataKey="i"
            ticks={ticks}
            tickFormatter={(i: number) => formatTick(i === bins - 1 ? hi : (data[i]?.left ?? lo))}
            interval={0}
          />
          <YAxis
            scale={yScale}
            domain={[0, Math.max(1, max)]}
            allowDataOverflow
            width={64}
            tickFormatter={(v: number) => (v >= 1e4 ? v.toExponential(0) : String(Math.round(v)))}
          />
          <Tooltip
            isAnimationActive={false}
            labelFormatter={(_, p) => {
              const r = p?.[0]?.payload as Row | undefined;
              return r
                ? `[${formatValue(r.left)}, ${formatValue(r.right)}${r.i === bins - 1 ? ']' : ')'}`
                : '';
            }}
          />
          {range && range[0] > lo && (
            <ReferenceArea
              x1={0}
              x2={binOf(range[0])}
              fill="#c2410c"
              fillOpacity={0.15}
              ifOverflow="hidden"
            />
          )}
          {range && range[1] < hi && (
            <ReferenceArea
              x1={binOf(range[1])}
              x2={bins - 1}
              fill="#c2410c"
              fillOpacity={0.15}
              ifOverflow="hidden"
            />
          )}
          <Bar dataKey="count" fill="#3b6fd8" isAnimationActive={false} />
          {drawLevels &&
            drawn.map((v, k) => (
              <ReferenceLine
                key={`l${k}`}
                className="level-line"
                x={binOf(v)}
                stroke="#0f766e"
                strokeOpacity={0.7}
              />
            ))}
          {markers
            .filter((m) => m >= lo && m <= hi)
            .map((m) => (
              <ReferenceLine
                key={m}
                className="clip-marker"
                x={Math.min(bins - 1, Math.floor(((m - lo) / (hi - lo)) * bins))}
                stroke="#c2410c"
                strokeDasharray="4 3"
                label={{
                  value: `clip ${formatTick(m)}`,
                  position: m < 0 ? 'insideTopRight' : 'insideTopLeft',
                  fontSize: 11,
                  fill: '#c2410c',
                }}
              />
            ))}
        </BarChart>
      </ResponsiveContainer>
      <figcaption
        data-levels={levels?.length ?? 0}
        data-levels-drawn={drawLevels ? drawn.length : 0}
      >
        {bins} bins over [{formatValue(lo)}, {formatValue(hi)}],{' '}
        {logScale ? 'symmetric-log' : 'linear'} count axis
        {levels &&
          (drawLevels
            ? `; green lines: the ${drawn.length} quantization levels in view`
            : `; ${levels.length} quantization levels (too dense to draw at ${bins} bins)`)}
        {range && (range[0] > lo || range[1] < hi) && '; shaded: clipped tails'}
      </figcaption>
      <ChartExport />
    </figure>
  );
}

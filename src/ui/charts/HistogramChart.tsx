// Histogram bars from pre-binned counts; the count axis is linear or symmetric-log (d3's symlog
// keeps empty bins at zero where a plain log axis cannot).
import { scaleLinear, scaleSymlog } from 'd3-scale';
import { useMemo } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
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
}

interface Row {
  i: number;
  left: number;
  right: number;
  count: number;
}

export function HistogramChart({ counts, lo, hi, logScale, markers = [] }: HistogramChartProps) {
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
          <Bar dataKey="count" fill="#3b6fd8" isAnimationActive={false} />
          {markers
            .filter((m) => m >= lo && m <= hi)
            .map((m) => (
              <ReferenceLine
                key={m}
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
      <figcaption>
        {bins} bins over [{formatValue(lo)}, {formatValue(hi)}],{' '}
        {logScale ? 'symmetric-log' : 'linear'} count axis
      </figcaption>
    </figure>
  );
}

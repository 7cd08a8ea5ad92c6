// The selected tensor's histogram from pre-binned counts, with what a quantization does drawn over
// it: the levels, the clipped tails and the clipping thresholds. Drawn as plain SVG from d3 scales
// rather than with recharts: this chart redraws on every change of a quantization setting, and
// recharts' component per bar and per line cost tens of milliseconds an update.
import { ChartExport } from '../export/ExportButtons.tsx';
import { memo, useMemo } from 'react';
import { formatCount, formatCountShort, formatTick, formatValue } from '../common/format.ts';
import { histogramLayout, levelsToDraw, type HistogramLayout } from './histogram-layout.ts';
import { PlotBox, ValueAxis, type PlotState } from './PlotBox.tsx';

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

const HEIGHT = 280;
const NO_MARKERS: readonly number[] = [];
const BAR = '#3b6fd8';
const CLIP = '#c2410c';
const LEVEL = '#0f766e';

function binText(i: number, bins: number, lo: number, hi: number, count: number): string {
  const w = (hi - lo) / bins;
  const close = i === bins - 1 ? ']' : ')';
  return `[${formatValue(lo + i * w)}, ${formatValue(lo + (i + 1) * w)}${close}: ${formatCount(count)} values`;
}

export const HistogramChart = memo(function HistogramChart({
  counts,
  lo,
  hi,
  logScale,
  markers = NO_MARKERS,
  levels = null,
  range = null,
}: HistogramChartProps) {
  const bins = counts.length;
  return (
    <figure className="histogram" data-testid="histogram" data-bins={bins} data-log={logScale}>
      <PlotBox
        count={bins}
        height={HEIGHT}
        label="Histogram: arrow keys step through the bins"
        readout={(i) => binText(i, bins, lo, hi, counts[i] ?? 0)}
      >
        {({ width, active, setActive }) => (
          <HistogramSvg
            {...{ counts, lo, hi, logScale, markers, levels, range, width, active, setActive }}
          />
        )}
      </PlotBox>
      <HistogramCaption {...{ counts, lo, hi, logScale, markers, levels, range }} />
      <ChartExport />
    </figure>
  );
});

type Drawn = Required<HistogramChartProps> & PlotState;

const HistogramSvg = memo(function HistogramSvg(p: Drawn) {
  const { counts, lo, hi, logScale, markers, levels, range, width, active, setActive } = p;
  const bins = counts.length;
  const l = useMemo(
    () =>
      histogramLayout({ counts, lo, hi, logScale, width, height: HEIGHT, markers, levels, range }),
    [counts, lo, hi, logScale, width, markers, levels, range],
  );
  const binW = (l.plot.right - l.plot.left) / Math.max(1, bins);
  return (
    <svg
      role="img"
      aria-label={`histogram of ${bins} bins over [${formatValue(lo)}, ${formatValue(hi)}], at most ${formatCount(l.maxCount)} values in a bin`}
      width={width}
      height={HEIGHT}
      onPointerMove={(e) =>
        setActive(l.binAt(e.clientX - e.currentTarget.getBoundingClientRect().left))
      }
      onPointerLeave={() => setActive(null)}
    >
      <ValueAxis plot={l.plot} ticks={l.yTicks} format={formatCountShort} />
      {l.tails.map(([x0, x1], k) => (
        <rect
          key={k}
          className="clipped-tail"
          x={x0}
          y={l.plot.top}
          width={Math.max(0, x1 - x0)}
          height={l.plot.bottom - l.plot.top}
          fill={CLIP}
          fillOpacity={0.15}
        />
      ))}
      <Bars bars={l.bars} />
      {active !== null && (
        <rect
          className="active-bin"
          x={l.plot.left + active * binW}
          y={l.plot.top}
          width={binW}
          height={l.plot.bottom - l.plot.top}
          fill="currentColor"
          fillOpacity={0.12}
        />
      )}
      {l.levels.map((v, k) => (
        <line
          key={k}
          className="level-line"
          x1={v.x}
          x2={v.x}
          y1={l.plot.top}
          y2={l.plot.bottom}
          stroke={LEVEL}
          strokeOpacity={0.7}
        />
      ))}
      {l.markers.map((m) => (
        <g key={m.value} className="clip-marker">
          <line
            x1={m.x}
            x2={m.x}
            y1={l.plot.top}
            y2={l.plot.bottom}
            stroke={CLIP}
            strokeDasharray="4 3"
          />
          <text
            x={m.value < 0 ? m.x - 4 : m.x + 4}
            y={l.plot.top + 12}
            textAnchor={m.value < 0 ? 'end' : 'start'}
            fontSize={11}
            fill={CLIP}
          >
            clip {formatTick(m.value)}
          </text>
        </g>
      ))}
      <g className="axis" fontSize={12} fill="#596070">
        {l.xTicks.map((t) => (
          <text key={t.value} x={t.x} y={l.plot.bottom + 16} textAnchor="middle">
            {formatTick(t.value)}
          </text>
        ))}
      </g>
    </svg>
  );
});

function HistogramCaption(p: Required<HistogramChartProps>) {
  const { counts, lo, hi, logScale, levels, range } = p;
  const bins = counts.length;
  const drawn = levelsToDraw(levels, lo, hi, bins).length;
  const clipped = range !== null && (range[0] > lo || range[1] < hi);
  return (
    <figcaption data-levels={levels?.length ?? 0} data-levels-drawn={drawn}>
      {bins} bins over [{formatValue(lo)}, {formatValue(hi)}],{' '}
      {logScale ? 'symmetric-log' : 'linear'} count axis
      {levels &&
        (drawn > 0
          ? `; green lines: the ${drawn} quantization levels in view`
          : `; ${levels.length} quantization levels (too dense to draw at ${bins} bins)`)}
      {clipped && '; shaded: clipped tails'}
    </figcaption>
  );
}

/** The bars alone, so that moving the pointer over up to 1,024 of them redraws none. */
const Bars = memo(function Bars({ bars }: { bars: HistogramLayout['bars'] }) {
  return (
    <g className="bars" fill={BAR}>
      {bars.map((b) => (
        <rect key={b.bin} className="bar" x={b.x} y={b.y} width={b.width} height={b.height} />
      ))}
    </g>
  );
});

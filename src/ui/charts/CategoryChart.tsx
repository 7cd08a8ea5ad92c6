// Bars (grouped or stacked) or lines over named categories, as plain SVG from d3 scales. The
// charts that redraw whenever a tensor or a model is analysed use it instead of recharts, whose
// first draw of one such chart took 60–120 ms on a two-core machine (bench:interaction).
import { memo, useMemo } from 'react';
import {
  ANGLE,
  angledLabelSpace,
  categoryLayout,
  labelEvery,
  legendLayout,
  textWidth,
  type ChartKind,
  type Series,
} from './category-layout.ts';
import { PlotBox, ValueAxis, type PlotState } from './PlotBox.tsx';

export type { Series } from './category-layout.ts';

/** Pass `categories`, `series` and `refs` memoized: the chart redraws when they change. */
export interface CategoryChartProps {
  categories: readonly string[];
  series: readonly Series[];
  kind: ChartKind;
  height: number;
  /** What the chart shows, for people who cannot see it. */
  label: string;
  log?: boolean;
  /** Fraction of each band between bars; 0 for bars that touch (one bar per column, say). */
  gap?: number;
  refs?: ReadonlyArray<{ value: number; color: string; label?: string }>;
  /** Category names under the axis: level, slanted (long names), or none (hundreds of columns). */
  xLabels?: 'flat' | 'angled' | 'none';
  yWidth?: number;
  formatTick: (v: number) => string;
  formatValue: (v: number) => string;
}

const LEGEND_ROW = 20;
const NO_REFS: NonNullable<CategoryChartProps['refs']> = [];

export const CategoryChart = memo(function CategoryChart(props: CategoryChartProps) {
  const { categories, series, formatValue } = props;
  const readout = (c: number) =>
    `${categories[c] ?? c}: ${series
      .map((s) => {
        const v = s.values[c];
        const text = v === null || v === undefined ? '–' : formatValue(v);
        return series.length > 1 ? `${s.name} ${text}` : text;
      })
      .join(' · ')}`;
  return (
    <PlotBox
      height={props.height}
      count={categories.length}
      label={`${props.label}: arrow keys step through it`}
      readout={readout}
    >
      {(state) => <CategorySvg {...props} {...state} />}
    </PlotBox>
  );
});

const CategorySvg = memo(function CategorySvg(p: CategoryChartProps & PlotState) {
  const { categories, series, kind, height, width, active, setActive } = p;
  const xLabels = p.xLabels ?? 'flat';
  const refs = p.refs ?? NO_REFS;
  // Angled names need room below the plot and, for the first one, to the left of it; the band
  // width is estimated from the width before margins (names are few where they are angled).
  const angled = useMemo(
    () =>
      xLabels === 'angled'
        ? angledLabelSpace(
            categories,
            (width - 80) / Math.max(1, categories.length),
            p.yWidth ?? 64,
          )
        : null,
    [xLabels, categories, width, p.yWidth],
  );
  const left = angled?.left ?? p.yWidth ?? 64;
  const legend = useMemo(
    () =>
      series.length > 1
        ? legendLayout(
            series.map((s) => s.name),
            left,
            width - 16,
          )
        : { at: [], rows: 0 },
    [series, left, width],
  );
  // Reference lines' names go in a key above the plot, not on the line, where bars would hide them.
  const labelled = useMemo(() => refs.filter((r) => r.label), [refs]);
  const l = useMemo(
    () =>
      categoryLayout({
        categories,
        series,
        kind,
        log: p.log ?? false,
        width,
        height,
        gap: p.gap ?? 0.2,
        refs: refs.map((r) => r.value),
        margin: {
          top: 8 + (legend.rows + (labelled.length ? 1 : 0)) * LEGEND_ROW,
          right: 16,
          bottom: angled ? angled.bottom : xLabels === 'flat' ? 24 : 4,
          left,
        },
      }),
    [
      categories,
      series,
      kind,
      p.log,
      width,
      height,
      p.gap,
      angled,
      xLabels,
      legend.rows,
      labelled.length,
      left,
      refs,
    ],
  );
  // Level names thinned out where they would overlap (a narrow window, many categories).
  const every = xLabels === 'flat' ? labelEvery(categories, l.band) : 1;
  return (
    <svg
      role="img"
      aria-label={p.label}
      width={width}
      height={height}
      onPointerMove={(e) =>
        setActive(l.categoryAt(e.clientX - e.currentTarget.getBoundingClientRect().left))
      }
      onPointerLeave={() => setActive(null)}
    >
      <ValueAxis plot={l.plot} ticks={l.yTicks} format={p.formatTick} />
      {active !== null && (
        <rect
          className="active-category"
          x={l.plot.left + active * l.band}
          y={l.plot.top}
          width={l.band}
          height={l.plot.bottom - l.plot.top}
          fill="currentColor"
          fillOpacity={0.08}
        />
      )}
      {series.map((s, k) => (
        <g key={s.name} className="series" data-series={s.name} fill={s.color} stroke={s.color}>
          {l.bars
            .filter((b) => b.series === k)
            .map((b) => (
              <rect
                key={b.category}
                className="bar"
                x={b.x}
                y={b.y}
                width={b.width}
                height={b.height}
                stroke="none"
              />
            ))}
          {l.lines
            .filter((ln) => ln.series === k && ln.points.length > 0)
            .map((ln) => (
              <g key="line" className="line">
                <polyline
                  points={ln.points.map(([x, y]) => `${x},${y}`).join(' ')}
                  fill="none"
                  strokeWidth={2}
                />
                {ln.points.map(([x, y]) => (
                  <circle key={x} className="point" cx={x} cy={y} r={3} />
                ))}
              </g>
            ))}
        </g>
      ))}
      {l.refs.map((r) => (
        <g key={r.index} className="ref-line">
          <line
            x1={l.plot.left}
            x2={l.plot.right}
            y1={r.y}
            y2={r.y}
            stroke={refs[r.index]!.color}
            strokeDasharray="4 3"
          />
        </g>
      ))}
      {labelled.length > 0 && (
        <g className="ref-key" fontSize={11}>
          {labelled.map((r, k) => {
            // Right-aligned, one after another leftwards: a 16 px dashed stroke, then the name.
            const x = l.plot.right - k * 160;
            const y = 8 + legend.rows * LEGEND_ROW + 10;
            return (
              <g key={r.label} fill={r.color} stroke={r.color}>
                <text x={x} y={y} textAnchor="end" stroke="none">
                  {r.label}
                </text>
                <line
                  x1={x - textWidth(r.label!, 11) - 22}
                  x2={x - textWidth(r.label!, 11) - 6}
                  y1={y - 4}
                  y2={y - 4}
                  strokeDasharray="4 3"
                />
              </g>
            );
          })}
        </g>
      )}
      {xLabels !== 'none' && (
        <g className="axis" fontSize={xLabels === 'angled' ? 11 : 12} fill="#596070">
          {categories.map((c, k) =>
            k % every !== 0 ? null : xLabels === 'angled' ? (
              <text
                key={k}
                textAnchor="end"
                transform={`translate(${l.centres[k]},${l.plot.bottom + 12}) rotate(-${ANGLE})`}
              >
                {c}
              </text>
            ) : (
              <text key={k} x={l.centres[k]} y={l.plot.bottom + 16} textAnchor="middle">
                {c}
              </text>
            ),
          )}
        </g>
      )}
      {legend.rows > 0 && (
        <g className="legend" fontSize={12} fill="#596070">
          {series.map((s, k) => {
            const [x, row] = legend.at[k]!;
            return (
              <g key={s.name} transform={`translate(${x},${8 + row * LEGEND_ROW})`}>
                <rect width={10} height={10} fill={s.color} />
                <text x={14} y={9}>
                  {s.name}
                </text>
              </g>
            );
          })}
        </g>
      )}
    </svg>
  );
});

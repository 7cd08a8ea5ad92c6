// The error against the bit width, and the clipping / rounding trade-off as the clipping threshold
// tightens (the U-shaped curve: less clipping error, more rounding error, and back).
import { ChartExport } from '../export/ExportButtons.tsx';
import { useMemo } from 'react';
import { formatTick, formatValue } from '../common/format.ts';
import { CategoryChart } from './CategoryChart.tsx';

/** One quantization compared: its label and its error against the original. */
export interface ComparedRow {
  label: string;
  error: { sqnrDb: number; clippingMse: number; roundingMse: number };
}

export function BitsCurve({ rows }: { rows: readonly ComparedRow[] }) {
  const { categories, series } = useMemo(
    () => ({
      categories: rows.map((r) => r.label),
      series: [
        {
          name: 'SQNR',
          color: '#3b6fd8',
          values: rows.map((r) => (Number.isFinite(r.error.sqnrDb) ? r.error.sqnrDb : null)),
        },
      ],
    }),
    [rows],
  );
  return (
    <figure className="chart" data-testid="bits-curve" data-points={rows.length}>
      <CategoryChart
        kind="line"
        height={200}
        categories={categories}
        series={series}
        label="SQNR in dB at each bit width"
        yWidth={56}
        formatTick={dbTick}
        formatValue={dbValue}
      />
      <figcaption>
        SQNR against bit width (each extra bit buys about 6 dB while rounding dominates)
      </figcaption>
      <ChartExport />
    </figure>
  );
}

export function ClipRoundChart({ rows }: { rows: readonly ComparedRow[] }) {
  const { categories, series } = useMemo(
    () => ({
      categories: rows.map((r) => r.label),
      series: [
        { name: 'clipping', color: '#c2410c', values: rows.map((r) => r.error.clippingMse) },
        { name: 'rounding', color: '#3b6fd8', values: rows.map((r) => r.error.roundingMse) },
      ],
    }),
    [rows],
  );
  return (
    <figure className="chart" data-testid="clip-round-chart" data-points={rows.length}>
      <CategoryChart
        kind="stacked"
        height={220}
        categories={categories}
        series={series}
        label="Mean squared error from clipping and from rounding, by the quantile the range is clipped at"
        formatTick={formatTick}
        formatValue={formatValue}
      />
      <figcaption>
        Mean squared error when the range is clipped at a percentile of |x|: clipping error falls,
        rounding error rises
      </figcaption>
      <ChartExport />
    </figure>
  );
}

// Module-level, so that the memoized chart sees the same functions on every render.
const dbTick = (v: number) => `${formatTick(v)} dB`;
const dbValue = (v: number) => `${formatValue(v)} dB`;

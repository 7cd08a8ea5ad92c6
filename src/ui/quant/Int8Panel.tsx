// LLM.int8(): columns with an outlier stay in float16, the rest go to int8 per row.
import { ChartExport } from '../export/ExportButtons.tsx';
import { useMemo, useState } from 'react';
import { CategoryChart } from '../charts/CategoryChart.tsx';
import { decomposeSelected } from '../../state/quant/actions.ts';
import { useStore } from '../../state/store.ts';
import { quantErrorWhy } from '../../core/quant/quant-error.ts';
import { formatCount, formatTick, formatValue, formatWhy } from '../common/format.ts';
import { Term } from '../common/Term.tsx';

export function Int8Panel() {
  const selected = useStore((s) => s.selected);
  const r = useStore((s) => s.int8);
  const threshold = useStore((s) => s.settings.int8Threshold);
  // What the person is typing, for the threshold it was typed against: when a lesson step or a
  // link changes the threshold, the field shows the new one.
  const [typed, setTyped] = useState({ at: threshold, text: String(threshold) });
  const draft = typed.at === threshold ? typed.text : String(threshold);
  const current = r && r.tensor === selected ? r : null;
  // An all-zero or value-less tensor has no SQNR (and the latter no MSE): one reason, in words.
  const sqnrWhy = current ? quantErrorWhy(current.error, 'sqnrDb') : null;
  const apply = () => {
    const t = Number(draft);
    if (Number.isFinite(t) && t > 0) void decomposeSelected(t);
  };
  return (
    <section className="int8" aria-label="LLM.int8 decomposition" data-testid="int8-panel">
      <h3>
        <Term k="llm-int8">LLM.int8()</Term>: keep outlier columns in fp16
      </h3>
      <div className="controls">
        <label>
          outlier threshold |x| ≥{' '}
          <input
            type="number"
            aria-label="Outlier threshold"
            min={0}
            step={0.5}
            value={draft}
            onChange={(e) => setTyped({ at: threshold, text: e.target.value })}
            onKeyDown={(e) => e.key === 'Enter' && apply()}
            onBlur={apply}
          />
        </label>
      </div>
      {current && (
        <>
          <p data-testid="int8-summary" data-kept={current.keptFraction}>
            {formatCount(current.outlierColumns.length)} of {formatCount(current.cols)} columns (
            {(current.keptFraction * 100).toFixed(2)}% of the values) stay in fp16;{' '}
            {current.bitsPerWeight.toFixed(2)} bits per weight.
          </p>
          <table className="stats">
            <tbody>
              <tr>
                <th scope="row">MSE, int8 per row</th>
                <td data-int8="plain" data-value={String(current.plainError.mse)}>
                  {formatWhy(current.plainError.mse, quantErrorWhy(current.plainError, 'mse'))}
                </td>
              </tr>
              <tr>
                <th scope="row">MSE, with fp16 outlier columns</th>
                <td data-int8="mixed" data-value={String(current.error.mse)}>
                  {formatWhy(current.error.mse, quantErrorWhy(current.error, 'mse'))}
                </td>
              </tr>
              <tr>
                <th scope="row">
                  <Term k="sqnr">SQNR</Term> dB, plain → mixed
                </th>
                <td data-testid="int8-sqnr">
                  {sqnrWhy
                    ? `undefined (${sqnrWhy})`
                    : `${formatValue(current.plainError.sqnrDb)} → ${formatValue(current.error.sqnrDb)}`}
                </td>
              </tr>
            </tbody>
          </table>
          <figure className="chart">
            <ColumnChart
              columns={current.columnAbsMax}
              cols={current.cols}
              step={current.columnStep}
              threshold={current.threshold}
            />
            <figcaption>Largest |x| of each column, with the threshold</figcaption>
            <ChartExport />
          </figure>
        </>
      )}
    </section>
  );
}

/** Largest |x| of each column as touching bars, and the threshold across them. */
function ColumnChart(p: { columns: number[]; cols: number; step: number; threshold: number }) {
  const { columns, cols, step, threshold } = p;
  const chart = useMemo(
    () => ({
      // Past 512 columns each bar is the largest of a run of them (see llmInt8Report).
      categories: columns.map((_, i) => {
        const last = Math.min(cols, (i + 1) * step) - 1;
        return step === 1 ? `column ${i}` : `columns ${i * step}–${last}`;
      }),
      series: [{ name: 'largest |x|', color: '#64748b', values: columns }],
      refs: [{ value: threshold, color: '#c2410c', label: `threshold ${formatTick(threshold)}` }],
    }),
    [columns, cols, step, threshold],
  );
  return (
    <CategoryChart
      kind="bars"
      height={140}
      gap={0}
      xLabels="none"
      yWidth={48}
      categories={chart.categories}
      series={chart.series}
      refs={chart.refs}
      label="Largest |x| of each column, and the line above which a column counts as an outlier"
      formatTick={formatTick}
      formatValue={formatValue}
    />
  );
}

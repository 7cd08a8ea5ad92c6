// LLM.int8(): columns with an outlier stay in float16, the rest go to int8 per row.
import { ChartExport } from './ExportButtons.tsx';
import { useState } from 'react';
import { Bar, BarChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { decomposeSelected } from '../state/actions.ts';
import { useStore } from '../state/store.ts';
import { formatCount, formatTick, formatValue } from './format.ts';

export function Int8Panel() {
  const selected = useStore((s) => s.selected);
  const r = useStore((s) => s.int8);
  const threshold = useStore((s) => s.int8Threshold);
  // What the person is typing, for the threshold it was typed against: when a lesson step or a
  // link changes the threshold, the field shows the new one.
  const [typed, setTyped] = useState({ at: threshold, text: String(threshold) });
  const draft = typed.at === threshold ? typed.text : String(threshold);
  const current = r && r.tensor === selected ? r : null;
  const apply = () => {
    const t = Number(draft);
    if (Number.isFinite(t) && t > 0) void decomposeSelected(t);
  };
  return (
    <section className="int8" aria-label="LLM.int8 decomposition" data-testid="int8-panel">
      <h3>LLM.int8(): keep outlier columns in fp16</h3>
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
                <td data-int8="plain" data-value={current.plainError.mse}>
                  {formatValue(current.plainError.mse)}
                </td>
              </tr>
              <tr>
                <th scope="row">MSE, with fp16 outlier columns</th>
                <td data-int8="mixed" data-value={current.error.mse}>
                  {formatValue(current.error.mse)}
                </td>
              </tr>
              <tr>
                <th scope="row">SQNR dB, plain → mixed</th>
                <td>
                  {formatValue(current.plainError.sqnrDb)} → {formatValue(current.error.sqnrDb)}
                </td>
              </tr>
            </tbody>
          </table>
          <figure className="chart">
            <ResponsiveContainer width="100%" height={140}>
              <BarChart
                data={current.columnAbsMax.map((v, i) => ({ i, v }))}
                margin={{ top: 8, right: 16, bottom: 0, left: 8 }}
                barCategoryGap={0}
              >
                <XAxis dataKey="i" hide />
                <YAxis width={48} tickFormatter={formatTick} />
                <Tooltip isAnimationActive={false} formatter={(v) => formatValue(Number(v))} />
                <Bar dataKey="v" fill="#64748b" isAnimationActive={false} />
                <ReferenceLine y={current.threshold} stroke="#c2410c" strokeDasharray="4 3" />
              </BarChart>
            </ResponsiveContainer>
            <figcaption>Largest |x| of each column, with the threshold</figcaption>
            <ChartExport />
          </figure>
        </>
      )}
    </section>
  );
}

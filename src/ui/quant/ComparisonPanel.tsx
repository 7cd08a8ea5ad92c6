// Every format side by side on the selected tensor, at the current granularity and clipping.
import { CsvExport } from '../export/ExportButtons.tsx';
import { useStore } from '../../state/store.ts';
import { BitsCurve, ClipRoundChart } from '../charts/ComparisonCharts.tsx';
import { formatCount, formatValue } from '../common/format.ts';

export function ComparisonPanel() {
  const selected = useStore((s) => s.selected);
  const c = useStore((s) => s.comparison);
  if (!c || c.tensor !== selected) return null;
  const best = c.formats.reduce(
    (b, r) => (r.bitsPerWeight <= 4.6 && r.error.mse < (b?.error.mse ?? Infinity) ? r : b),
    null as (typeof c.formats)[number] | null,
  );
  return (
    <section className="comparison" aria-label="Formats compared" data-testid="comparison">
      <h3>Formats side by side</h3>
      {c.sampled && (
        <p className="hint" data-testid="comparison-sampled">
          Estimated on {formatCount(c.sampled.values)} of {formatCount(c.sampled.of)} values (evenly
          spaced rows), to stay quick.
        </p>
      )}
      <CsvExport name="formats" />
      <div className="scroll">
        <table data-testid="format-table">
          <thead>
            <tr>
              <th scope="col">format</th>
              <th scope="col" className="num">
                bits / weight
              </th>
              <th scope="col" className="num">
                SQNR dB
              </th>
              <th scope="col" className="num">
                MSE
              </th>
              <th scope="col" className="num">
                clipping share
              </th>
              <th scope="col" className="num">
                cosine
              </th>
            </tr>
          </thead>
          <tbody>
            {c.formats.map((r) => (
              <tr key={r.label} data-format={r.label} className={r === best ? 'best' : undefined}>
                <th scope="row">{r.label}</th>
                <td className="num">{r.bitsPerWeight.toFixed(2)}</td>
                <td className="num" data-sqnr={r.error.sqnrDb}>
                  {formatValue(r.error.sqnrDb)}
                </td>
                <td className="num">{formatValue(r.error.mse)}</td>
                <td className="num">
                  {r.error.mse > 0
                    ? `${((r.error.clippingMse / r.error.mse) * 100).toFixed(1)}%`
                    : '–'}
                </td>
                <td className="num">{formatValue(r.error.cosine)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {best && (
        <p className="hint">
          Least error at about 4 bits per weight or fewer: <strong>{best.label}</strong>.
        </p>
      )}
      <BitsCurve rows={c.bits} />
      {c.clips.length > 0 && <ClipRoundChart rows={c.clips} />}
    </section>
  );
}

// Every format side by side on the selected tensor, at the current granularity and clipping.
import { CsvExport } from '../export/ExportButtons.tsx';
import { useStore } from '../../state/store.ts';
import { BitsCurve, ClipRoundChart } from '../charts/ComparisonCharts.tsx';
import { quantErrorWhy, type ErrorMeasure, type QuantError } from '../../core/quant/quant-error.ts';
import { formatCount, formatValue } from '../common/format.ts';
import { Term } from '../common/Term.tsx';

/** A table cell: the value, or "undefined"; the reason in its title and in the note under the table. */
function cell(e: QuantError, key: ErrorMeasure & keyof QuantError) {
  const v = e[key];
  return {
    text: Number.isNaN(v) ? 'undefined' : formatValue(v),
    why: quantErrorWhy(e, key) ?? undefined,
  };
}

/** Each reason once, with the formats it applies to. */
function undefinedNotes(rows: ReadonlyArray<{ label: string; error: QuantError }>): string[] {
  const byWhy = new Map<string, string[]>();
  for (const r of rows)
    for (const k of ['mse', 'sqnrDb', 'cosine'] as const) {
      const w = quantErrorWhy(r.error, k);
      if (w === null) continue;
      const labels = byWhy.get(w) ?? [];
      if (!labels.includes(r.label)) labels.push(r.label);
      byWhy.set(w, labels);
    }
  return [...byWhy].map(([w, labels]) =>
    labels.length === rows.length ? `every format: ${w}` : `${labels.join(', ')}: ${w}`,
  );
}

export function ComparisonPanel() {
  const selected = useStore((s) => s.selected);
  const c = useStore((s) => s.comparison);
  if (!c || c.tensor !== selected) return null;
  const notes = undefinedNotes(c.formats);
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
                <Term k="sqnr">SQNR</Term> dB
              </th>
              <th scope="col" className="num">
                <Term k="mse">MSE</Term>
              </th>
              <th scope="col" className="num">
                clipping share
              </th>
              <th scope="col" className="num">
                <Term k="cosine">cosine</Term>
              </th>
            </tr>
          </thead>
          <tbody>
            {c.formats.map((r) => {
              const [sqnr, mse, cosine] = (['sqnrDb', 'mse', 'cosine'] as const).map((k) =>
                cell(r.error, k),
              );
              return (
                <tr key={r.label} data-format={r.label} className={r === best ? 'best' : undefined}>
                  <th scope="row">{r.label}</th>
                  <td className="num">{r.bitsPerWeight.toFixed(2)}</td>
                  <td className="num" data-sqnr={String(r.error.sqnrDb)} title={sqnr!.why}>
                    {sqnr!.text}
                  </td>
                  <td className="num" title={mse!.why}>
                    {mse!.text}
                  </td>
                  <td className="num" title={quantErrorWhy(r.error, 'split') ?? undefined}>
                    {r.error.mse > 0
                      ? `${((r.error.clippingMse / r.error.mse) * 100).toFixed(1)}%`
                      : '–'}
                  </td>
                  <td className="num" title={cosine!.why}>
                    {cosine!.text}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {notes.length > 0 && (
        <p className="hint" data-testid="comparison-undefined">
          {notes.map((n) => (
            <span key={n}>{n}. </span>
          ))}
        </p>
      )}
      {best && (
        <p className="hint">
          Least error at about 4 bits per weight or fewer: <strong>{best.label}</strong>.
        </p>
      )}
      {c.bits.some((r) => Number.isFinite(r.error.sqnrDb)) ? (
        <BitsCurve rows={c.bits} />
      ) : (
        // Nothing to draw: say why instead of an empty chart.
        <p className="hint" data-testid="bits-curve-empty">
          No SQNR curve:{' '}
          {quantErrorWhy(c.bits[0]?.error ?? c.formats[0]!.error, 'sqnrDb') ??
            'every bit width reproduces the tensor exactly (no error to plot)'}
          .
        </p>
      )}
      {c.clips.length > 0 &&
        (c.clips.some((r) => Number.isFinite(r.error.clippingMse)) ? (
          <ClipRoundChart rows={c.clips} />
        ) : (
          <p className="hint" data-testid="clip-round-empty">
            No clipping / rounding curve: {quantErrorWhy(c.clips[0]!.error, 'mse') ?? 'no error'}.
          </p>
        ))}
    </section>
  );
}

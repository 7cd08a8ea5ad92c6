// What a quantization scheme does to the selected tensor: the error, split into the part from
// clipping (values beyond the range) and the part from rounding (values inside it).
import { setQuantScheme } from '../state/actions.ts';
import { useStore } from '../state/store.ts';
import { formatCount, formatValue } from './format.ts';

const CLIP_CHOICES = [
  { value: 1, label: 'none (absmax / min–max)' },
  { value: 0.9999, label: '99.99th percentile of |x|' },
  { value: 0.999, label: '99.9th percentile' },
  { value: 0.99, label: '99th percentile' },
];

export function QuantPanel() {
  const scheme = useStore((s) => s.quantScheme);
  const selected = useStore((s) => s.selected);
  const quant = useStore((s) => s.quant);
  const current = quant && quant.tensor === selected ? quant : null;
  const e = current?.error;
  const share = e && e.mse > 0 ? e.clippingMse / e.mse : 0;
  return (
    <section className="quant-panel" aria-label="Quantization" data-testid="quant-panel">
      <h3>Quantize this tensor</h3>
      <div className="controls">
        <label>
          bits{' '}
          <select
            aria-label="Quantization bits"
            value={scheme.bits}
            onChange={(ev) => void setQuantScheme({ bits: Number(ev.target.value) as 4 | 8 })}
          >
            <option value={8}>int8</option>
            <option value={4}>int4</option>
          </select>
        </label>
        <label>
          <select
            aria-label="Quantization range"
            value={scheme.symmetric ? 'sym' : 'asym'}
            onChange={(ev) => void setQuantScheme({ symmetric: ev.target.value === 'sym' })}
          >
            <option value="sym">symmetric (absmax)</option>
            <option value="asym">asymmetric (zero point)</option>
          </select>
        </label>
        <label>
          <select
            aria-label="Quantization granularity"
            value={scheme.granularity}
            onChange={(ev) =>
              void setQuantScheme({ granularity: ev.target.value as 'tensor' | 'channel' })
            }
          >
            <option value="channel">per channel (axis 0)</option>
            <option value="tensor">per tensor</option>
          </select>
        </label>
        <label>
          clip at{' '}
          <select
            aria-label="Clipping threshold"
            value={scheme.clipQuantile}
            onChange={(ev) => void setQuantScheme({ clipQuantile: Number(ev.target.value) })}
          >
            {CLIP_CHOICES.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {e && current && (
        <>
          <div
            className="error-split"
            role="img"
            aria-label={`clipping ${(share * 100).toFixed(1)}% of the error, rounding ${((1 - share) * 100).toFixed(1)}%`}
          >
            <span className="clip" style={{ width: `${share * 100}%` }} />
            <span className="round" style={{ width: `${(1 - share) * 100}%` }} />
          </div>
          <p className="legend">
            <span className="swatch clip" /> clipping {(share * 100).toFixed(1)}% ·{' '}
            <span className="swatch round" /> rounding {((1 - share) * 100).toFixed(1)}% of the mean
            squared error
          </p>
          <table className="stats" data-testid="quant-error">
            <tbody>
              {(
                [
                  ['mse', 'MSE', e.mse],
                  ['clippingMse', 'from clipping', e.clippingMse],
                  ['roundingMse', 'from rounding', e.roundingMse],
                  ['sqnrDb', 'SQNR (dB)', e.sqnrDb],
                  ['cosine', 'cosine similarity', e.cosine],
                  ['maxAbsError', 'max |error|', e.maxAbsError],
                ] as const
              ).map(([k, label, v]) => (
                <tr key={k}>
                  <th scope="row">{label}</th>
                  <td data-quant={k} data-value={v}>
                    {formatValue(v)}
                  </td>
                </tr>
              ))}
              <tr>
                <th scope="row">clipped values</th>
                <td data-quant="clipped" data-value={e.clipped}>
                  {formatCount(e.clipped)}
                </td>
              </tr>
              <tr>
                <th scope="row">scales</th>
                <td>{formatCount(current.channels)}</td>
              </tr>
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

// What a quantization spec does to the selected tensor: the controls, the error split into the part
// from clipping (values beyond the range) and the part from rounding (values inside it), its size,
// and where in the tensor the error sits.
import { setQuantSpec } from '../../state/quant/actions.ts';
import { useQuantSpec } from '../../state/settings/hooks.ts';
import { useStore, type SlimState } from '../../state/store.ts';
import type { QuantSpec } from '../../engine/types.ts';
import { ErrorHeatmap } from '../charts/ErrorHeatmap.tsx';
import { quantErrorWhy } from '../../core/quant/quant-error.ts';
import { formatBytes, formatCount, formatValue, formatWhy } from '../common/format.ts';
import { glossTitle, type GlossKey } from '../common/glossary.ts';
import { Term } from '../common/Term.tsx';

type Format = QuantSpec['format'];

const FORMATS: ReadonlyArray<{ value: Format; label: string; gloss?: GlossKey }> = [
  { value: 'int', label: 'integer' },
  { value: 'fp32', label: 'fp32 (reference)' },
  { value: 'tf32', label: 'tf32 (10-bit mantissa)', gloss: 'tf32' },
  { value: 'fp16', label: 'fp16', gloss: 'fp16' },
  { value: 'bf16', label: 'bf16', gloss: 'bf16' },
  { value: 'fp8e4m3fn', label: 'fp8 e4m3fn (scaled)', gloss: 'fp8' },
  { value: 'fp8e5m2', label: 'fp8 e5m2 (scaled)', gloss: 'fp8' },
  { value: 'fp4e2m1', label: 'fp4 e2m1 (scaled)', gloss: 'fp4' },
  { value: 'nf4', label: 'NF4 (normal quantiles)', gloss: 'nf4' },
  { value: 'quantile', label: 'quantiles of the data', gloss: 'quantile' },
  { value: 'log2', label: 'powers of two (log2)', gloss: 'log2' },
  { value: 'ternary', label: 'ternary (TWN)', gloss: 'twn' },
  { value: 'binary', label: 'binary (sign · mean|x|)', gloss: 'binary' },
];

const CLIP_CHOICES = [
  { value: 1, label: 'none (absmax / min–max)' },
  { value: 0.9999, label: '99.99th percentile of |x|' },
  { value: 0.999, label: '99.9th percentile' },
  { value: 0.99, label: '99th percentile' },
];

const CASTS: readonly Format[] = ['fp32', 'tf32', 'fp16', 'bf16'];
const hasBits = (f: Format) => f === 'int' || f === 'log2' || f === 'quantile';
const stochasticOk = (f: Format) => ['int', 'nf4', 'quantile', 'log2', 'binary'].includes(f);

function granularityValue(s: QuantSpec): string {
  const g = s.granularity;
  return g.kind === 'group' ? `group:${g.size}` : g.kind;
}

function setGranularity(v: string, s: QuantSpec, rank: number): void {
  const axis = s.granularity.kind === 'channel' ? s.granularity.axis : 0;
  if (v === 'tensor') void setQuantSpec({ granularity: { kind: 'tensor' } });
  else if (v === 'channel')
    void setQuantSpec({ granularity: { kind: 'channel', axis: Math.min(axis, rank - 1) } });
  else void setQuantSpec({ granularity: { kind: 'group', size: Number(v.split(':')[1]) } });
}

export function QuantControls({ rank }: { rank: number }) {
  const spec = useQuantSpec();
  const f = spec.format;
  const cast = CASTS.includes(f);
  return (
    <div className="controls quant-controls">
      <label>
        format{' '}
        <select
          aria-label="Number format"
          value={f}
          onChange={(ev) => {
            const format = ev.target.value as Format;
            const bits =
              format === 'int' ? 8 : format === 'log2' || format === 'quantile' ? 4 : spec.bits;
            // NF4 is defined on blocks of 64 (bitsandbytes).
            const g = format === 'nf4' ? { granularity: { kind: 'group' as const, size: 64 } } : {};
            void setQuantSpec({ format, bits, ...g });
          }}
        >
          {FORMATS.map((o) => (
            <option key={o.value} value={o.value} title={o.gloss && glossTitle(o.gloss)}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      {hasBits(f) && (
        <label>
          bits{' '}
          <select
            aria-label="Quantization bits"
            value={spec.bits}
            onChange={(ev) => void setQuantSpec({ bits: Number(ev.target.value) })}
          >
            {(f === 'int' ? [2, 3, 4, 5, 6, 7, 8, 16] : [2, 3, 4, 5, 6, 7, 8]).map((b) => (
              <option key={b} value={b}>
                {b}
              </option>
            ))}
          </select>
        </label>
      )}
      {f === 'int' && (
        <label>
          <Term k="symmetric">range</Term>{' '}
          <select
            aria-label="Quantization range"
            value={spec.symmetric ? (spec.restricted ? 'sym' : 'sym-full') : 'asym'}
            onChange={(ev) =>
              void setQuantSpec({
                symmetric: ev.target.value !== 'asym',
                restricted: ev.target.value === 'sym',
              })
            }
          >
            <option value="sym">symmetric, restricted (±(2^(b−1)−1))</option>
            <option value="sym-full">symmetric, full (−2^(b−1) … 2^(b−1)−1)</option>
            <option value="asym" title={glossTitle('zero-point')}>
              asymmetric (zero point, unsigned)
            </option>
          </select>
        </label>
      )}
      {!cast && (
        <>
          <label>
            <Term k="granularity">scales per</Term>{' '}
            <select
              aria-label="Quantization granularity"
              value={granularityValue(spec)}
              onChange={(ev) => setGranularity(ev.target.value, spec, rank)}
            >
              <option value="tensor">tensor</option>
              <option value="channel">channel</option>
              <option value="group:32">group of 32</option>
              <option value="group:64">group of 64</option>
              <option value="group:128">group of 128</option>
            </select>
          </label>
          {spec.granularity.kind === 'channel' && (
            <label>
              axis{' '}
              <input
                type="number"
                aria-label="Channel axis"
                min={0}
                max={Math.max(0, rank - 1)}
                value={spec.granularity.axis}
                onChange={(ev) => {
                  const axis = Math.max(0, Math.min(rank - 1, Math.trunc(Number(ev.target.value))));
                  if (Number.isFinite(axis))
                    void setQuantSpec({ granularity: { kind: 'channel', axis } });
                }}
              />
            </label>
          )}
          <label>
            scales in{' '}
            <select
              aria-label="Scale precision"
              value={spec.scaleBits}
              onChange={(ev) =>
                void setQuantSpec({ scaleBits: Number(ev.target.value) as 16 | 32 })
              }
            >
              <option value={32}>fp32</option>
              <option value={16}>fp16</option>
            </select>
          </label>
        </>
      )}
      {!cast && f !== 'binary' && f !== 'ternary' && (
        <label>
          <Term k="clip">clip at</Term>{' '}
          <select
            aria-label="Clipping threshold"
            value={spec.clipQuantile}
            onChange={(ev) => void setQuantSpec({ clipQuantile: Number(ev.target.value) })}
          >
            {CLIP_CHOICES.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
      )}
      {stochasticOk(f) && (
        <>
          <label>
            <Term k="rounding">rounding</Term>{' '}
            <select
              aria-label="Rounding mode"
              value={spec.rounding}
              onChange={(ev) =>
                void setQuantSpec({ rounding: ev.target.value as QuantSpec['rounding'] })
              }
            >
              <option value="nearest">to nearest (ties to even)</option>
              <option value="stochastic">stochastic (seeded)</option>
            </select>
          </label>
          {spec.rounding === 'stochastic' && (
            <label>
              seed{' '}
              <input
                type="number"
                aria-label="Random seed"
                min={0}
                value={spec.seed}
                onChange={(ev) => {
                  const seed = Math.trunc(Number(ev.target.value));
                  if (Number.isFinite(seed) && seed >= 0) void setQuantSpec({ seed: seed >>> 0 });
                }}
              />
            </label>
          )}
        </>
      )}
    </div>
  );
}

export function QuantPanel({ rank, bytes }: { rank: number; bytes: number }) {
  const selected = useStore((s) => s.selected);
  const quant = useStore((s) => s.quant);
  const current = quant && quant.tensor === selected ? quant : null;
  const e = current?.error;
  const share = e && e.mse > 0 ? e.clippingMse / e.mse : 0;
  const splitWhy = e ? quantErrorWhy(e, 'split') : null;
  return (
    <section className="quant-panel" aria-label="Quantization" data-testid="quant-panel">
      <h3>Quantize this tensor</h3>
      <QuantControls rank={rank} />
      {current?.note && <p className="hint">{current.note}</p>}
      {current?.preview && (
        <p className="hint" role="status" data-testid="quant-preview">
          Preview on {formatCount(current.preview.values)} of {formatCount(current.preview.of)}{' '}
          values (evenly spaced rows); the whole tensor follows.
        </p>
      )}
      {e && current && (
        <>
          <p className="size-line" data-testid="quant-size">
            <strong data-bpw={current.bitsPerWeight}>
              {current.bitsPerWeight.toFixed(current.bitsPerWeight % 1 ? 3 : 0)} bits per weight
            </strong>{' '}
            (codes plus {formatCount(current.blocks)} scale{current.blocks === 1 ? '' : 's'}) ·{' '}
            computed on{' '}
            <span data-testid="quant-on">{current.backend === 'webgpu' ? 'WebGPU' : 'CPU'}</span> ·{' '}
            {formatBytes(bytes)} →{' '}
            <span data-bytes-after={current.bytesAfter}>{formatBytes(current.bytesAfter)}</span>
          </p>
          {splitWhy === null ? (
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
                <span className="swatch round" /> rounding {((1 - share) * 100).toFixed(1)}% of the
                mean squared error
              </p>
            </>
          ) : (
            <p className="legend" data-testid="quant-split-why">
              No clipping / rounding split: {splitWhy}.
            </p>
          )}
          <table className="stats" data-testid="quant-error">
            <tbody>
              {(
                [
                  ['mse', <Term k="mse">MSE</Term>, e.mse],
                  ['clippingMse', 'from clipping', e.clippingMse],
                  ['roundingMse', 'from rounding', e.roundingMse],
                  ['sqnrDb', <Term k="sqnr">SQNR (dB)</Term>, e.sqnrDb],
                  ['cosine', <Term k="cosine">cosine similarity</Term>, e.cosine],
                  ['maxAbsError', 'max |error|', e.maxAbsError],
                ] as const
              ).map(([k, label, v]) => (
                <tr key={k}>
                  <th scope="row">{label}</th>
                  <td data-quant={k} data-value={v}>
                    {formatWhy(v, quantErrorWhy(e, k))}
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
                <th scope="row">blocks (scales)</th>
                <td data-quant="blocks" data-value={current.blocks}>
                  {formatCount(current.blocks)}
                </td>
              </tr>
            </tbody>
          </table>
          {current.blocks > 1 && <WorstBlocks report={current} />}
          {current.errorMap && (
            <ErrorHeatmap
              map={current.errorMap}
              caption={`Mean squared error over the tensor viewed as [${rank >= 2 ? 'dim 0' : '1'}, rest]`}
            />
          )}
        </>
      )}
    </section>
  );
}

/** The blocks (channels or groups) with the most error: where a scheme hurts. */
function WorstBlocks({ report }: { report: NonNullable<SlimState['quant']> }) {
  const g = report.granularity;
  const what = g.kind === 'channel' ? 'channel' : g.kind === 'group' ? 'group' : 'block';
  const whats =
    g.kind === 'channel' ? `channels (axis ${g.axis})` : g.kind === 'group' ? 'groups' : 'blocks';
  const worst = report.blockMse.slice(0, 8);
  return (
    <details className="worst-blocks">
      <summary>
        The {worst.length} {whats} with the most error, of {formatCount(report.blocks)}
      </summary>
      <table data-testid="worst-blocks">
        <thead>
          <tr>
            <th scope="col">{what}</th>
            <th scope="col" className="num">
              MSE
            </th>
            <th scope="col" className="num">
              <Term k="sqnr">SQNR</Term> dB
            </th>
            <th scope="col" className="num">
              clipped
            </th>
          </tr>
        </thead>
        <tbody>
          {worst.map((b) => (
            <tr key={b.block}>
              <td>{b.block}</td>
              <td className="num">{formatValue(b.mse)}</td>
              <td className="num">{formatValue(b.sqnrDb)}</td>
              <td className="num">{formatCount(b.clipped)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

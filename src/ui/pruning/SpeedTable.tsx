// Whether the pruned model would run any faster: one line saying where it would pay (from the
// latency model, over profiles, batches and precisions), then the estimate on each hardware profile
// at a batch the person picks, with the reasons the model gives said once per reason.
import { useMemo, useState } from 'react';
import { PROFILES } from '../../core/perf/hardware.ts';
import { atBatch, estimateLatency, type LayerWork } from '../../core/perf/latency.ts';
import { PAYS_ABOVE, speedVerdict, VERDICT_BATCHES } from '../../core/perf/verdict.ts';
import { Term } from '../common/Term.tsx';

export function SpeedTable({
  label,
  work,
  dense,
  sparsity,
  sparse24,
}: {
  label: string;
  work: LayerWork[];
  dense: LayerWork[];
  sparsity: number;
  sparse24: boolean;
}) {
  const [batch, setBatch] = useState(64);
  const verdict = useMemo(
    () => speedVerdict(label, work, dense, batch),
    [label, work, dense, batch],
  );
  const rows = useMemo(
    () =>
      PROFILES.map((p) => {
        const ratio = (mode: 'native' | 'webgpu', b: number) =>
          estimateLatency(atBatch(dense, b), p, mode).seconds /
          estimateLatency(atBatch(work, b), p, mode).seconds;
        const e = estimateLatency(atBatch(work, batch), p, 'native');
        return {
          p,
          n1: ratio('native', 1),
          nb: ratio('native', batch),
          wb: ratio('webgpu', batch),
          pays: verdict.points.find((x) => x.profile.id === p.id),
          notes: e.notes,
        };
      }),
    [work, dense, batch, verdict],
  );
  // The same reason for several profiles is said once, naming them all.
  const grouped = new Map<string, string[]>();
  for (const r of rows)
    for (const n of r.notes) {
      const key = n.split(r.p.name).join('{profile}');
      grouped.set(key, [...(grouped.get(key) ?? []), r.p.name]);
    }
  const notes = [...grouped].map(([k, names]) =>
    k
      .split('{profile}')
      .join(names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0]!),
  );
  const x = (v: number) => `${v.toFixed(2)}×`;
  return (
    <>
      <p className="verdict" data-testid="prune-verdict">
        <strong>Would it run faster?</strong> {verdict.line}
      </p>
      <div className="controls">
        <label>
          batch (samples or tokens at once){' '}
          <select
            aria-label="Speed table batch"
            value={batch}
            onChange={(e) => setBatch(Number(e.target.value))}
          >
            {VERDICT_BATCHES.map((b) => (
              <option key={b} value={b}>
                {b.toLocaleString('en-US')}
              </option>
            ))}
          </select>
        </label>
      </div>
      <table data-testid="prune-speed" data-batch={batch}>
        <caption>
          Estimated speed against the dense model at fp32 (
          <Term k="latency-model">latency model</Term>; above 1× is faster, above {PAYS_ABOVE}×
          counted as a speed-up)
        </caption>
        <thead>
          <tr>
            <th scope="col">hardware</th>
            <th scope="col" className="num">
              native, batch 1
            </th>
            <th scope="col" className="num">
              native, batch {batch.toLocaleString('en-US')}
            </th>
            <th scope="col" className="num">
              browser, batch {batch.toLocaleString('en-US')}
            </th>
            <th scope="col">first pays (any precision)</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.p.id} data-profile={r.p.id} data-speedup={r.nb}>
              <th scope="row">{r.p.name}</th>
              <td className="num">{x(r.n1)}</td>
              <td className="num">{x(r.nb)}</td>
              <td className="num">{x(r.wb)}</td>
              <td>
                {r.pays
                  ? `batch ≥ ${r.pays.batch.toLocaleString('en-US')} with ${r.pays.precision} (${x(r.pays.speedup)})`
                  : 'never: saves storage, not time'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <details className="latency-notes">
        <summary>Why, profile by profile</summary>
        <ul>
          {notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
          <li>
            Unstructured sparsity runs as dense here: a CSR kernel pays an index per non-zero and
            breaks even only at high sparsity (80–90% in published GPU measurements; npm run bench
            measures where on this adapter).
            {sparsity >= 0.8 && !sparse24 && (
              <>
                {' '}
                At {Math.round(sparsity * 100)}% this model is past that point: a sparse kernel
                could beat the dense one on memory-bound layers, which this estimate does not count.
              </>
            )}
          </li>
        </ul>
      </details>
    </>
  );
}

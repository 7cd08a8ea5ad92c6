// Whether the pruned model would run any faster: the latency model's estimate on each hardware
// profile, against the dense model, with the reasons it gives said once per reason.
import { useMemo } from 'react';
import { PROFILES } from '../../core/perf/hardware.ts';
import { atBatch, estimateLatency, type LayerWork } from '../../core/perf/latency.ts';

export function SpeedTable({
  work,
  dense,
  sparsity,
  sparse24,
}: {
  work: LayerWork[];
  dense: LayerWork[];
  sparsity: number;
  sparse24: boolean;
}) {
  const rows = useMemo(
    () =>
      PROFILES.map((p) => {
        const ratio = (mode: 'native' | 'webgpu', b: number) =>
          estimateLatency(atBatch(dense, b), p, mode).seconds /
          estimateLatency(atBatch(work, b), p, mode).seconds;
        const e = estimateLatency(atBatch(work, 64), p, 'native');
        return {
          p,
          n1: ratio('native', 1),
          n64: ratio('native', 64),
          w64: ratio('webgpu', 64),
          notes: e.notes,
        };
      }),
    [work, dense],
  );
  const verdict = (r: number) => (r > 1.05 ? 'faster' : r < 0.95 ? 'slower' : 'no faster');
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
  return (
    <>
      <table data-testid="prune-speed">
        <caption>
          Estimated speed against the dense model (latency model; above 1× is faster)
        </caption>
        <thead>
          <tr>
            <th scope="col">hardware</th>
            <th scope="col" className="num">
              native, batch 1
            </th>
            <th scope="col" className="num">
              native, batch 64
            </th>
            <th scope="col" className="num">
              browser, batch 64
            </th>
            <th scope="col">verdict (native, 64)</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.p.id} data-profile={r.p.id} data-speedup={r.n64}>
              <th scope="row">{r.p.name}</th>
              <td className="num">{r.n1.toFixed(2)}×</td>
              <td className="num">{r.n64.toFixed(2)}×</td>
              <td className="num">{r.w64.toFixed(2)}×</td>
              <td>
                {verdict(r.n64) === 'faster'
                  ? 'faster'
                  : `saves storage, not time (${verdict(r.n64)})`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ul className="latency-notes">
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
              At {Math.round(sparsity * 100)}% this model is past that point: a sparse kernel could
              beat the dense one on memory-bound layers, which this estimate does not count.
            </>
          )}
        </li>
      </ul>
    </>
  );
}

// Every variant of this session in one table (size, accuracy, agreement, KL), with the latency
// model's estimate on the chosen hardware, way of running and batch.
import { CsvExport } from '../export/ExportButtons.tsx';
import { clearVariants } from '../../state/accuracy/actions.ts';
import { useSetting } from '../../state/settings/hooks.ts';
import { useStore } from '../../state/store.ts';
import { useMemo } from 'react';
import { formatBytes, formatPercent, formatSeconds } from '../common/format.ts';
import { PROFILES, profileById } from '../../core/perf/hardware.ts';
import { atBatch, estimateLatency, type Mode } from '../../core/perf/latency.ts';
import { Term } from '../common/Term.tsx';
import { glossTitle } from '../common/glossary.ts';

export function VariantsSection() {
  const rows = useStore((s) => s.variants);
  const [profileId, setProfileId] = useSetting('varProfile');
  const [modeSetting, setMode] = useSetting('varMode');
  const [batch, setBatch] = useSetting('varBatch');
  const mode = modeSetting as Mode;
  const profile = profileById(profileId)!;
  const estimates = useMemo(
    () => rows.map((r) => estimateLatency(atBatch(r.work, batch), profile, mode)),
    [rows, profile, mode, batch],
  );
  if (!rows.length) return null;
  const notes = [...new Set(estimates.flatMap((e) => e.notes))];
  return (
    <div className="variants" data-testid="variants">
      <h3>Every variant so far</h3>
      <p className="hint">
        Each result of this session: the quantized weights of the accuracy panel, PTQ and QAT, low
        rank, pruning and distillation. Size is what the weights would take to store; agreement and
        KL are against the uncompressed model (the teacher, for distillation). Latency is the
        roofline estimate for the chosen hardware: per layer the longer of arithmetic and memory
        traffic, plus a fixed cost per kernel.
      </p>
      <div className="controls">
        <label>
          hardware{' '}
          <select
            aria-label="Hardware profile"
            value={profileId}
            onChange={(e) => setProfileId(e.target.value)}
          >
            {PROFILES.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          run{' '}
          <select aria-label="Execution" value={mode} onChange={(e) => setMode(e.target.value)}>
            <option value="native" title={glossTitle('latency-model')}>
              natively (TensorRT-class)
            </option>
            <option value="webgpu">in the browser (WebGPU)</option>
          </select>
        </label>
        <label>
          <Term k="batch">batch</Term>{' '}
          <select
            aria-label="Batch size"
            value={batch}
            onChange={(e) => setBatch(Number(e.target.value))}
          >
            {[1, 8, 64, 1024].map((b) => (
              <option key={b} value={b}>
                {b}
              </option>
            ))}
          </select>
        </label>
      </div>
      <CsvExport name="variants" />
      <table data-testid="variants-table">
        <thead>
          <tr>
            <th scope="col">model</th>
            <th scope="col">technique</th>
            <th scope="col">variant</th>
            <th scope="col" className="num">
              size
            </th>
            <th scope="col" className="num">
              accuracy
            </th>
            <th scope="col" className="num">
              <Term k="agreement">agreement</Term>
            </th>
            <th scope="col" className="num">
              <Term k="kl-divergence">KL</Term>
            </th>
            <th scope="col" className="num">
              est. latency
            </th>
            <th scope="col">
              <Term k="bound-by">bound by</Term> (layers)
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => {
            const e = estimates[i]!;
            const counts = { compute: 0, memory: 0, overhead: 0 };
            for (const l of e.layers) counts[l.bound]++;
            return (
              <tr key={r.key} data-technique={r.technique} data-latency={e.seconds}>
                <td>{r.model}</td>
                <td>{r.technique}</td>
                <td>{r.label}</td>
                <td className="num">{formatBytes(r.bytes)}</td>
                <td className="num">{formatPercent(r.accuracy)}</td>
                <td className="num">{r.agreement === null ? '—' : formatPercent(r.agreement)}</td>
                <td className="num">{r.kl === null ? '—' : r.kl.toPrecision(2)}</td>
                <td className="num">{formatSeconds(e.seconds)}</td>
                <td>
                  {Object.entries(counts)
                    .filter(([, n]) => n > 0)
                    .map(([k, n]) => `${k}: ${n} ${n === 1 ? 'layer' : 'layers'}`)
                    .join(', ')}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {notes.length > 0 && (
        <ul className="latency-notes" data-testid="latency-notes">
          {notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      <button type="button" onClick={clearVariants}>
        Clear the table
      </button>
    </div>
  );
}

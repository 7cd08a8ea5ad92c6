// The pruning lab: prune the open demo model by a method, see the masks, the weights before and
// after, what the sparse tensors take to store, whether it will be any faster on real hardware
// (the latency model), accuracy against sparsity for every method, and gradual pruning.
import { ChartExport } from '../export/ExportButtons.tsx';
import { JobButton } from '../common/JobButton.tsx';
import { useSetting } from '../../state/settings.ts';
import { useEffect, useMemo, useRef, useState } from 'react';
import {
  Area,
  AreaChart,
  CartesianGrid,
  Legend,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { ChartFrame } from '../charts/ChartFrame.tsx';
import { PROFILES } from '../../core/perf/hardware.ts';
import { atBatch, estimateLatency, type LayerWork } from '../../core/perf/latency.ts';
import { pruneGradually, studyPruning, sweepPruning } from '../../state/actions.ts';
import { useStore, type LabMethod, type LayerReport } from '../../state/store.ts';
import { formatCount, formatBytes, formatPercent } from '../common/format.ts';

const METHODS: Array<{ id: string; label: string; make: (s: number) => LabMethod }> = [
  {
    id: 'magnitude',
    label: 'magnitude, per layer',
    make: (s) => ({ kind: 'magnitude', sparsity: s }),
  },
  {
    id: 'global',
    label: 'magnitude, global threshold',
    make: (s) => ({ kind: 'global', sparsity: s }),
  },
  { id: 'nm24', label: '2:4 structured', make: () => ({ kind: 'nm', n: 2, m: 4 }) },
  { id: 'nm14', label: '1:4 structured', make: () => ({ kind: 'nm', n: 1, m: 4 }) },
  { id: 'nm48', label: '4:8 structured', make: () => ({ kind: 'nm', n: 4, m: 8 }) },
  {
    id: 'channel',
    label: 'L1 channels (shrinks layers)',
    make: (s) => ({ kind: 'channel', sparsity: s }),
  },
];

export function PruningPanel() {
  const model = useStore((s) => s.model);
  const lab = useStore((s) => s.pruneLab);
  const [methodId, setMethodId] = useSetting('pruneMethod');
  const [sparsity, setSparsity] = useSetting('pruneSparsity');
  const [fineTune, setFineTune] = useSetting('pruneFineTune');
  const [final, setFinal] = useSetting('pruneFinal');
  const [epochs, setEpochs] = useSetting('pruneEpochs');
  if (!model?.architecture) return null;
  const mine = lab && lab.modelId === model.id ? lab : null;
  const method = METHODS.find((m) => m.id === methodId)!;
  const fixed = methodId.startsWith('nm');
  return (
    <section className="pruning" aria-label="Pruning lab" data-testid="pruning-lab">
      <header>
        <h2>Pruning lab</h2>
        <p className="hint">
          Remove weights by magnitude (per layer or with one threshold for the whole model), in N:M
          groups along each row, or whole channels by L1 norm; then see what is left, what it takes
          to store, and whether any hardware would run it faster.
        </p>
      </header>
      <div className="controls">
        <label>
          method{' '}
          <select
            aria-label="Pruning lab method"
            value={methodId}
            onChange={(e) => setMethodId(e.target.value)}
          >
            {METHODS.map((m) => (
              <option key={m.id} value={m.id}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
        {!fixed && (
          <label>
            sparsity {formatPercent(sparsity)}{' '}
            <input
              type="range"
              aria-label="Sparsity"
              min={0.1}
              max={0.99}
              step={0.01}
              value={sparsity}
              onChange={(e) => setSparsity(Number(e.target.value))}
            />
          </label>
        )}
        <JobButton onClick={() => void studyPruning(method.make(sparsity))}>Prune</JobButton>
      </div>
      {mine?.study && <StudyView />}
      <h3>Accuracy against sparsity</h3>
      <div className="controls">
        <label>
          <input
            type="checkbox"
            checked={fineTune}
            onChange={(e) => setFineTune(e.target.checked)}
          />{' '}
          fine-tune one epoch at each point (masks fixed)
        </label>
        <JobButton onClick={() => void sweepPruning(fineTune)}>Sweep every method</JobButton>
      </div>
      {mine?.sweep && <SweepChart />}
      <h3>Gradual pruning (Zhu &amp; Gupta&apos;s cubic schedule)</h3>
      <div className="controls">
        <label>
          to{' '}
          <select
            aria-label="Final sparsity"
            value={final}
            onChange={(e) => setFinal(Number(e.target.value))}
          >
            {[0.8, 0.9, 0.95, 0.98].map((v) => (
              <option key={v} value={v}>
                {formatPercent(v)}
              </option>
            ))}
          </select>
        </label>
        <label>
          over{' '}
          <select
            aria-label="Gradual pruning epochs"
            value={epochs}
            onChange={(e) => setEpochs(Number(e.target.value))}
          >
            {[1, 2, 3, 5].map((v) => (
              <option key={v} value={v}>
                {v} epoch{v === 1 ? '' : 's'}
              </option>
            ))}
          </select>
        </label>
        <JobButton onClick={() => void pruneGradually(final, epochs)}>Prune gradually</JobButton>
      </div>
      {mine?.gradual && (
        <div data-testid="gradual">
          <table>
            <thead>
              <tr>
                <th scope="col">epoch</th>
                <th scope="col" className="num">
                  sparsity
                </th>
                <th scope="col" className="num">
                  accuracy
                </th>
              </tr>
            </thead>
            <tbody>
              {mine.gradual.curve.map((c) => (
                <tr key={c.epoch}>
                  <td>{c.epoch}</td>
                  <td className="num">{formatPercent(c.sparsity)}</td>
                  <td className="num">{formatPercent(c.accuracy)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p
            data-testid="gradual-summary"
            data-final={mine.gradual.final.accuracy}
            data-one-shot={mine.gradual.oneShot.accuracy}
          >
            Pruned gradually while training:{' '}
            <strong>{formatPercent(mine.gradual.final.accuracy)}</strong>; the same sparsity in one
            shot, without training: <strong>{formatPercent(mine.gradual.oneShot.accuracy)}</strong>.
          </p>
        </div>
      )}
    </section>
  );
}

function StudyView() {
  const s = useStore((st) => st.pruneLab!.study!);
  const [layer, setLayer] = useState(0);
  const l = s.layers[Math.min(layer, s.layers.length - 1)]!;
  return (
    <div data-testid="prune-study" data-sparsity={s.sparsity} data-accuracy={s.pruned.accuracy}>
      <p>
        {s.label}: {formatPercent(s.sparsity)} of the weights removed; accuracy{' '}
        {formatPercent(s.fp32.accuracy)} → <strong>{formatPercent(s.pruned.accuracy)}</strong>{' '}
        without fine-tuning (agreement {formatPercent(s.pruned.agreement)}).
        {s.shrunkParams !== null && (
          <>
            {' '}
            The layers really shrink: {formatCount(s.params)} →{' '}
            <strong data-testid="shrunk-params">{formatCount(s.shrunkParams)}</strong> parameters,
            dense.
          </>
        )}
      </p>
      <table data-testid="prune-layers">
        <thead>
          <tr>
            <th scope="col">weight</th>
            <th scope="col" className="num">
              parameters
            </th>
            <th scope="col" className="num">
              sparsity
            </th>
            <th scope="col">mask (kept in blue)</th>
          </tr>
        </thead>
        <tbody>
          {s.layers.map((x, i) => (
            <tr
              key={x.name}
              className={i === layer ? 'selected' : undefined}
              onClick={() => setLayer(i)}
            >
              <th scope="row">
                <button type="button" className="link" onClick={() => setLayer(i)}>
                  {x.name}
                </button>
              </th>
              <td className="num">{formatCount(x.params)}</td>
              <td className="num">{formatPercent(x.sparsity)}</td>
              <td>
                <MaskHeatmap layer={x} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <WeightHistogram layer={l} />
      <StorageTable />
      <SpeedTable
        work={s.work}
        dense={s.denseWork}
        sparsity={s.shrunkParams === null ? s.sparsity : 0}
        sparse24={s.work.some((w) => w.sparse24)}
      />
    </div>
  );
}

function MaskHeatmap({ layer }: { layer: LayerReport }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const { rows, cols, kept } = layer.heatmap;
  useEffect(() => {
    const c = ref.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    const img = ctx.createImageData(cols, rows);
    kept.forEach((k, i) => {
      img.data[i * 4] = Math.round(255 - 218 * k);
      img.data[i * 4 + 1] = Math.round(255 - 156 * k);
      img.data[i * 4 + 2] = Math.round(255 - 20 * k);
      img.data[i * 4 + 3] = 255;
    });
    ctx.putImageData(img, 0, 0);
  }, [rows, cols, kept]);
  return (
    <canvas
      ref={ref}
      width={cols}
      height={rows}
      className="mask-heatmap"
      role="img"
      aria-label={`${layer.name}: share of weights kept, in a ${rows} × ${cols} grid over the weight`}
    />
  );
}

function WeightHistogram({ layer }: { layer: LayerReport }) {
  const data = layer.histogram.before.map((b, i) => ({
    w: (layer.histogram.edges[i]! + layer.histogram.edges[i + 1]!) / 2,
    before: b,
    after: layer.histogram.after[i]!,
  }));
  return (
    <figure className="chart">
      <ChartFrame height={180}>
        <AreaChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="w" tickFormatter={(v: number) => v.toFixed(2)} />
          <YAxis width={56} />
          <Tooltip />
          <Legend />
          <Area dataKey="before" stroke="#9ca3af" fill="#e5e7eb" isAnimationActive={false} />
          <Area dataKey="after" stroke="#2563eb" fill="#93c5fd" isAnimationActive={false} />
        </AreaChart>
      </ChartFrame>
      <figcaption>{layer.name}: weights before and after pruning (counts)</figcaption>
      <ChartExport />
    </figure>
  );
}

function StorageTable() {
  const s = useStore((st) => st.pruneLab!.study!);
  const dense32 = s.storage.find((r) => r.layout === 'dense' && r.bits === 32)!.bytes;
  return (
    <table data-testid="prune-storage">
      <caption>Weights of the weight layers in each layout</caption>
      <thead>
        <tr>
          <th scope="col">layout</th>
          <th scope="col" className="num">
            fp32
          </th>
          <th scope="col" className="num">
            int8
          </th>
        </tr>
      </thead>
      <tbody>
        {['dense', 'bitmask', 'csr', '2:4'].map((layout) => {
          const at = (bits: number) =>
            s.storage.find((r) => r.layout === layout && r.bits === bits);
          if (!at(32)) return null;
          return (
            <tr key={layout} data-layout={layout} data-bytes={at(32)!.bytes}>
              <th scope="row">
                {layout === 'csr'
                  ? 'CSR (values + int32 indices)'
                  : layout === 'bitmask'
                    ? 'values + bitmask'
                    : layout === '2:4'
                      ? '2:4 (half the values + 2-bit positions)'
                      : 'dense'}
              </th>
              {[32, 8].map((b) => (
                <td key={b} className="num">
                  {formatBytes(at(b)!.bytes)} ({formatPercent(at(b)!.bytes / dense32)})
                </td>
              ))}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function SpeedTable({
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

function SweepChart() {
  const sweep = useStore((s) => s.pruneLab!.sweep!);
  const families = [...new Set(sweep.map((p) => p.method))];
  const colors = ['#2563eb', '#7c3aed', '#dc2626', '#ea580c', '#16a34a'];
  const tuned = sweep.some((p) => p.tuned !== null);
  return (
    <figure className="chart" data-testid="prune-sweep" data-points={sweep.length}>
      <ChartFrame height={240}>
        <ScatterChart margin={{ top: 8, right: 16, bottom: 16, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            type="number"
            dataKey="sparsity"
            domain={[0.2, 1]}
            tickFormatter={(v: number) => `${Math.round(v * 100)}%`}
            label={{ value: 'sparsity', position: 'insideBottom', offset: -8 }}
          />
          <YAxis
            type="number"
            dataKey="accuracy"
            domain={[0, 1]}
            width={56}
            tickFormatter={(v: number) => `${Math.round(v * 100)}%`}
          />
          <Tooltip formatter={(v) => `${(Number(v) * 100).toFixed(1)}%`} />
          <Legend verticalAlign="top" />
          {families.map((f, i) => (
            <Scatter
              key={f}
              name={f}
              data={sweep.filter((p) => p.method === f)}
              fill={colors[i % colors.length]}
              line={f.includes('magnitude')}
              isAnimationActive={false}
            />
          ))}
          {tuned &&
            families.map((f, i) => (
              <Scatter
                key={`${f} tuned`}
                name={`${f}, fine-tuned`}
                data={sweep
                  .filter((p) => p.method === f)
                  .map((p) => ({ sparsity: p.sparsity, accuracy: p.tuned }))}
                fill={colors[i % colors.length]}
                shape="diamond"
                line={f.includes('magnitude') ? { strokeDasharray: '4 3' } : false}
                isAnimationActive={false}
              />
            ))}
        </ScatterChart>
      </ChartFrame>
      <figcaption>
        Test accuracy against the share of weights removed (N:M at its own sparsity)
      </figcaption>
      <ChartExport />
    </figure>
  );
}

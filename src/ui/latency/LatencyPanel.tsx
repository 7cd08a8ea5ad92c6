// Latency of the open model on every hardware profile (roofline model), per layer bound and the
// reasons: a demo that runs layer by layer (and timed on this device); any other model from its
// Linear and convolution weight shapes, at a token count the person gives. And the KV-cache
// explorer: memory per token, contiguous against paged allocation.
import { ChartExport, CsvExport } from '../export/ExportButtons.tsx';
import { JobButton } from '../common/JobButton.tsx';
import { measureLatency, modelWork } from '../../state/device/actions.ts';
import { useSetting } from '../../state/settings/hooks.ts';
import { useStore } from '../../state/store.ts';
import type { LayerWork, TensorRow } from '../../engine/types.ts';
import { useEffect, useMemo, useState } from 'react';
import { CategoryChart } from '../charts/CategoryChart.tsx';
import { DEPLOYMENT_CHOICES } from '../../core/perf/deployments.ts';
import { PROFILES, profileById } from '../../core/perf/hardware.ts';
import {
  bytesPerToken,
  contiguousUse,
  pagedUse,
  sequencesThatFit,
} from '../../core/perf/kvcache.ts';
import { atBatch, estimateLatency, type Mode } from '../../core/perf/latency.ts';
import { mulberry32 } from '../../core/base/rng.ts';
import { DTYPES, isDType } from '../../core/base/dtype.ts';
import { matmulWeights } from '../../core/perf/matmul-weights.ts';
import { formatBytes, formatPercent, formatSeconds } from '../common/format.ts';
import { Term } from '../common/Term.tsx';

/** A time given in µs, for the chart (module-level: the memoized chart keeps its props). */
const microseconds = (v: number) => formatSeconds(v / 1e6);

const DEPLOYMENTS = DEPLOYMENT_CHOICES;

export function LatencyPanel() {
  const model = useStore((s) => s.model);
  const [dep, setDep] = useSetting('latDeployment');
  const [batch, setBatch] = useSetting('latBatch');
  const [profileId, setProfileId] = useSetting('latProfile');
  const backend = useStore((s) => s.backend);
  const [measured, setMeasured] = useState<{
    model: string;
    ms: number;
    on: string;
    batch: number;
  } | null>(null);
  const [work, setWork] = useState<{ dep: string; fp32: LayerWork[]; chosen: LayerWork[] } | null>(
    null,
  );
  const runs = !!model?.architecture;
  // A model that does not run: its products from the weight shapes, at a token count (a batch of
  // samples for a classifier) and a number of output positions per convolution.
  const shapes = useMemo(() => ownShapes(model?.tensors ?? []), [model]);
  const [tokens, setTokens] = useState(64);
  const [positions, setPositions] = useState(1);
  const id = runs || (model && shapes.linear + shapes.conv > 0) ? model!.id : null;
  const n = runs ? batch : tokens;
  useEffect(() => {
    if (!id) return;
    let live = true;
    const d = DEPLOYMENTS.find((x) => x.id === dep)!.d;
    void Promise.all([modelWork(DEPLOYMENTS[0]!.d, positions), modelWork(d, positions)]).then(
      ([fp32, chosen]) => {
        if (live && fp32 && chosen) setWork({ dep, fp32, chosen });
      },
    );
    return () => {
      live = false;
    };
  }, [id, dep, positions]);
  const rows = useMemo(() => {
    if (!work) return [];
    return PROFILES.map((p) => {
      const t = (w: LayerWork[], mode: Mode) => estimateLatency(atBatch(w, n), p, mode).seconds;
      return {
        name: p.name,
        id: p.id,
        fp32: t(work.fp32, 'native') * 1e6,
        native: t(work.chosen, 'native') * 1e6,
        browser: p.webgpu.available ? t(work.chosen, 'webgpu') * 1e6 : null,
      };
    });
  }, [work, n]);
  const chart = useMemo(
    () => ({
      categories: rows.map((r) => r.name),
      series: [
        { name: 'fp32, native', color: '#9ca3af', values: rows.map((r) => r.fp32) },
        { name: 'this deployment, native', color: '#2563eb', values: rows.map((r) => r.native) },
        { name: 'this deployment, WebGPU', color: '#f59e0b', values: rows.map((r) => r.browser) },
      ],
    }),
    [rows],
  );
  const detail = useMemo(
    () =>
      work ? estimateLatency(atBatch(work.chosen, n), profileById(profileId)!, 'native') : null,
    [work, n, profileId],
  );
  return (
    <section className="latency" aria-label="Latency model" data-testid="latency">
      <header>
        <h2>Latency on other hardware</h2>
        <p className="hint">
          A <Term k="roofline">roofline</Term> estimate: each layer takes the longer of its
          arithmetic (at the peak it can reach) and its memory traffic, plus a fixed cost per
          kernel; natively (TensorRT-class) and in a browser through WebGPU, which reaches neither
          tensor cores nor sparse units. Peaks and bandwidths come from datasheets (each cited in
          the code); efficiencies are defaults.
        </p>
      </header>
      {id ? (
        <>
          <div className="controls">
            <label>
              deployment{' '}
              <select aria-label="Deployment" value={dep} onChange={(e) => setDep(e.target.value)}>
                {DEPLOYMENTS.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.label}
                  </option>
                ))}
              </select>
            </label>
            {runs ? (
              <label>
                <Term k="batch">batch</Term>{' '}
                <select
                  aria-label="Latency batch size"
                  value={batch}
                  onChange={(e) => setBatch(Number(e.target.value))}
                >
                  {[1, 8, 64, 1024, 16384].map((b) => (
                    <option key={b} value={b}>
                      {b}
                    </option>
                  ))}
                </select>
              </label>
            ) : (
              <>
                <WholeInput
                  label="tokens or samples at once"
                  aria="Latency token count"
                  value={tokens}
                  max={1_048_576}
                  set={setTokens}
                />
                {shapes.conv > 0 && (
                  <WholeInput
                    label="output positions per convolution (H·W)"
                    aria="Convolution output positions"
                    value={positions}
                    max={16_777_216}
                    set={setPositions}
                  />
                )}
              </>
            )}
          </div>
          {!runs && (
            <p className="hint" data-testid="latency-own">
              {model!.file} does not run in this tab, so its layers come from the shapes of its{' '}
              {shapes.linear} Linear and {shapes.conv} convolution weights: each a matrix product,
              run once per token (a Linear) or per output position (a convolution); norms,
              activations and attention between them are not counted, and embedding tables are
              lookups, left out.
              {shapes.conv > 0 &&
                positions === 1 &&
                ' At 1 output position each convolution shows its work per position: give H·W of its output feature map for a whole image.'}
            </p>
          )}
          {runs && (
            <div className="controls">
              <JobButton
                onClick={() =>
                  void measureLatency(batch).then(
                    (r) => r && id && setMeasured({ model: id, ...r }),
                  )
                }
              >
                Time it on this device
              </JobButton>
              {measured && measured.model === id && (
                <span data-testid="measured-latency" data-ms={measured.ms}>
                  measured here: <strong>{formatSeconds(measured.ms / 1000)}</strong> for a batch of{' '}
                  {measured.batch} fp32 on{' '}
                  {measured.on === 'webgpu' ? (backend?.label ?? 'WebGPU') : 'the CPU (JavaScript)'}
                </span>
              )}
            </div>
          )}
          {rows.length > 0 && (
            <figure className="chart" data-testid="latency-chart">
              <CategoryChart
                kind="bars"
                log
                height={300}
                categories={chart.categories}
                series={chart.series}
                xLabels="angled"
                label={`Estimated time for a batch of ${n} on each hardware profile, log scale`}
                formatTick={microseconds}
                formatValue={microseconds}
              />
              <figcaption>
                Estimated time for {runs ? 'a batch' : 'a run'} of {n.toLocaleString('en-US')}{' '}
                {runs ? '' : 'tokens or samples '}on each profile (log scale)
              </figcaption>
              <ChartExport />
            </figure>
          )}
          {detail && (
            <>
              <label>
                layers on{' '}
                <select
                  aria-label="Latency profile"
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
              <CsvExport name="latency-per-layer" />
              <table data-testid="latency-layers">
                <thead>
                  <tr>
                    <th scope="col">layer</th>
                    <th scope="col" className="num">
                      time
                    </th>
                    <th scope="col" className="num">
                      <Term k="intensity">FLOPs / byte</Term>
                    </th>
                    <th scope="col" className="num">
                      <Term k="ridge">ridge</Term>
                    </th>
                    <th scope="col">
                      <Term k="bound-by">bound by</Term>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {detail.layers.map((l, i) => (
                    <tr key={`${l.name}-${i}`} data-bound={l.bound}>
                      <td>{l.name}</td>
                      <td className="num">{formatSeconds(l.seconds)}</td>
                      <td className="num">
                        {Number.isFinite(l.intensity) ? l.intensity.toFixed(1) : '—'}
                      </td>
                      <td className="num">{l.ridge.toFixed(0)}</td>
                      <td>{l.bound}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <ul className="latency-notes" data-testid="latency-explain">
                {detail.notes.map((n) => (
                  <li key={n}>{n}</li>
                ))}
              </ul>
            </>
          )}
        </>
      ) : (
        <p className="hint" data-testid="latency-needs">
          {model
            ? `${model.file} has no Linear (2-D) or convolution (4-D) float weights: the latency model needs the shapes of a model's matrix products.`
            : 'Open a model (drop a file, or pick a demo) to estimate its latency on other hardware: the latency model needs the shapes of its Linear and convolution weights.'}
        </p>
      )}
      <KvCacheExplorer />
    </section>
  );
}

/** How many of a model's float weights are Linear and convolution products (as the engine counts). */
function ownShapes(tensors: readonly TensorRow[]): { linear: number; conv: number } {
  // A quantized or GGML block tensor is a weight too (its dtype names its scheme, not a DType).
  const float = tensors.filter((t) => !isDType(t.dtype) || DTYPES[t.dtype].kind === 'float');
  const { weights } = matmulWeights(float);
  const conv = weights.filter((w) => w.kind === 'conv').length;
  return { linear: weights.length - conv, conv };
}

/** A whole number from 1 to `max`; what cannot be one is not taken (the input shows why). */
function WholeInput({
  label,
  aria,
  value,
  max,
  set,
}: {
  label: string;
  aria: string;
  value: number;
  max: number;
  set: (v: number) => void;
}) {
  return (
    <label>
      {label}{' '}
      <input
        type="number"
        aria-label={aria}
        min={1}
        max={max}
        step={1}
        defaultValue={value}
        onChange={(e) => {
          const v = Number(e.target.value);
          if (Number.isInteger(v) && v >= 1 && v <= max) set(v);
        }}
      />
    </label>
  );
}

function KvCacheExplorer() {
  const [layers, setLayers] = useSetting('kvLayers');
  const [kvHeads, setKvHeads] = useSetting('kvHeads');
  const [headDim, setHeadDim] = useSetting('kvHeadDim');
  const [bytes, setBytes] = useSetting('kvBytes');
  const [block, setBlock] = useSetting('kvBlock');
  const [maxLen, setMaxLen] = useSetting('kvMaxLen');
  const [budgetGiB, setBudgetGiB] = useSetting('kvBudget');
  const c = { layers, kvHeads, headDim, bytesPerValue: bytes };
  // 1,000 requests with seeded lengths, uniform between 1 and the maximum length.
  const lengths = useMemo(() => {
    const r = mulberry32(7);
    return Array.from({ length: 1000 }, () => 1 + Math.floor(r() * maxLen));
  }, [maxLen]);
  const cont = contiguousUse(lengths, maxLen, c);
  const paged = pagedUse(lengths, block, c);
  const budget = budgetGiB * 2 ** 30;
  const fitC = sequencesThatFit(lengths, budget, c, { kind: 'contiguous', maxLen });
  const fitP = sequencesThatFit(lengths, budget, c, { kind: 'paged', block });
  const num = (label: string, v: number, set: (n: number) => void, options: number[]) => (
    <label>
      {label}{' '}
      <select aria-label={label} value={v} onChange={(e) => set(Number(e.target.value))}>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <div className="kv" data-testid="kv-cache">
      <h3>
        <Term k="kv-cache">KV cache</Term>: contiguous against paged (PagedAttention)
      </h3>
      <p className="hint">
        A decoder keeps keys and values of every layer for every token. Reserving the maximum length
        for each request wastes what it does not use; blocks of a few tokens waste at most one
        partial block per request. 1,000 requests with lengths drawn uniformly up to the maximum.
      </p>
      <div className="controls">
        {num('layers', layers, setLayers, [12, 24, 32, 40, 80])}
        {num('KV heads', kvHeads, setKvHeads, [1, 4, 8, 16, 32, 40, 64])}
        {num('head size', headDim, setHeadDim, [64, 80, 128])}
        {num('bytes per value', bytes, setBytes, [1, 2, 4])}
        {num('block size', block, setBlock, [1, 8, 16, 32, 64, 128])}
        {num('max length', maxLen, setMaxLen, [512, 2048, 4096, 8192, 32768])}
        {num('memory budget (GiB)', budgetGiB, setBudgetGiB, [4, 8, 16, 40, 80])}
      </div>
      <table data-testid="kv-table" data-per-token={bytesPerToken(c)}>
        <tbody>
          <tr>
            <th scope="row">per token</th>
            <td className="num">{formatBytes(bytesPerToken(c))}</td>
          </tr>
          <tr data-scheme="contiguous" data-waste={cont.waste} data-fit={fitC}>
            <th scope="row">contiguous</th>
            <td className="num">
              {formatPercent(cont.waste)} wasted; {fitC} requests fit
            </td>
          </tr>
          <tr data-scheme="paged" data-waste={paged.waste} data-fit={fitP}>
            <th scope="row">paged, blocks of {block}</th>
            <td className="num">
              {formatPercent(paged.waste)} wasted; {fitP} requests fit
            </td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}

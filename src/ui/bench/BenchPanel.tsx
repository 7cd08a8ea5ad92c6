// Kernel benchmarks drawn from a report: the one saved by `npm run bench:kernels` (shipped with the
// app), a report file the person opens, or a short run on this device's GPU. Matmul throughput
// against the peer library, attention time and memory by length, sparse speed by sparsity, and the
// int8 / f16 / 2:4 ratios, each with the adapter it was measured on.
import { ChartExport, CsvExport } from '../export/ExportButtons.tsx';
import { JobButton } from '../common/JobButton.tsx';
import { memo, useEffect, useState } from 'react';
import { CategoryChart, type Series } from '../charts/CategoryChart.tsx';
import { formatSeconds } from '../common/format.ts';
import { parseKernelReport, type KernelReport } from '../../core/perf/bench-report.ts';
import { benchKernels } from '../../state/device/actions.ts';
import { useStore } from '../../state/store.ts';

type Source = { report: KernelReport; from: string };

/** Peer results further than this from ours (which equal the CPU reference) are not comparable. */
const PEER_WRONG = 1e-3;

const ratio = (x: number) => `${x.toFixed(2)}×`;

export function BenchPanel() {
  const [source, setSource] = useState<Source | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The adapter stays known while the person has chosen the CPU for analysis.
  const onGpu = useStore((s) => s.backend?.adapter !== undefined);
  useEffect(() => {
    let live = true;
    void fetch(new URL('bench/kernels.json', document.baseURI))
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((text) => {
        const p = parseKernelReport(text);
        if (!live) return;
        if (p.ok) setSource((s) => s ?? { report: p.report, from: 'the saved run' });
        else setError(`The saved report could not be read: ${p.error}`);
      })
      .catch(() => live && setError(null));
    return () => {
      live = false;
    };
  }, []);
  const openFile = async (file: File | undefined) => {
    if (!file) return;
    const p = parseKernelReport(await file.text());
    if (p.ok) {
      setSource({ report: p.report, from: file.name });
      setError(null);
    } else setError(`${file.name}: ${p.error}`);
  };
  const r = source?.report;
  return (
    <section className="bench" aria-label="Kernel benchmarks" data-testid="bench-panel">
      <header>
        <h2>Kernel benchmarks</h2>
        <p className="hint">
          Our WGSL kernels measured side by side: float matmul (a kernel per shape) against
          onnxruntime-web on the same adapter, FlashAttention-style against naive attention, 2:4 and
          CSR against dense, int8 and f16 against f32. Times on a software adapter (SwiftShader)
          only mean something as ratios.
        </p>
      </header>
      <div className="controls">
        <JobButton
          disabled={!onGpu}
          title={onGpu ? undefined : 'needs WebGPU'}
          onClick={() =>
            void benchKernels().then(
              (rep) => rep && setSource({ report: rep, from: 'this device, just now' }),
            )
          }
        >
          Run on this device
        </JobButton>
        <label>
          open a report{' '}
          <input
            type="file"
            accept=".json,application/json"
            aria-label="Open a benchmark report"
            onChange={(e) => void openFile(e.target.files?.[0])}
          />
        </label>
      </div>
      {error && (
        <p role="alert" className="error" data-testid="bench-error">
          {error}
        </p>
      )}
      {r && source ? (
        <div data-testid="bench-report" data-adapter={r.adapter}>
          <p>
            Showing <strong>{source.from}</strong>: {r.adapter}
            {r.date ? `, ${new Date(r.date).toLocaleString()}` : ''}
            {r.gpuTiming ? '; GPU times from timestamp queries' : '; wall-clock times'}.
            {r.peer ? ` Peer: ${r.peer}.` : ''}
          </p>
          <MatmulView r={r} />
          <AttentionView r={r} />
          <SparseView r={r} />
        </div>
      ) : (
        <p className="hint">No report yet: run the benchmark on this device, or open a report.</p>
      )}
    </section>
  );
}

// Memoized: the panel redraws with the job state, the report's charts only with the report.
const MatmulView = memo(function MatmulView({ r }: { r: KernelReport }) {
  if (!r.matmul.length) return null;
  const gflops = (m: number, k: number, n: number, ms: number | null | undefined) =>
    ms ? (2 * m * k * n) / (ms * 1e6) : null;
  const rows = r.matmul.map((x) => ({
    shape: `${x.m}×${x.k}×${x.n}`,
    ours: gflops(x.m, x.k, x.n, x.ms[x.chosen]),
    tiled: gflops(x.m, x.k, x.n, x.ms.tiled),
    peer: gflops(x.m, x.k, x.n, x.peerMs),
    x,
  }));
  const series: Series[] = [
    { name: 'ours (chosen kernel)', color: '#2b6cb0', values: rows.map((w) => w.ours) },
    { name: 'ours, 16×16 tiles', color: '#90cdf4', values: rows.map((w) => w.tiled) },
  ];
  if (r.peer) series.push({ name: r.peer, color: '#dd6b20', values: rows.map((w) => w.peer) });
  const gf = (v: number) => `${v.toFixed(2)} GFLOP/s`;
  return (
    <>
      <h3>Float matmul, C = A[M, K] · B[K, N]</h3>
      <figure className="chart" data-testid="bench-matmul-chart">
        <CategoryChart
          kind="bars"
          height={260}
          categories={rows.map((w) => w.shape)}
          series={series}
          label="Matmul throughput in GFLOP/s by shape M×K×N"
          yWidth={72}
          formatTick={(v) => `${+v.toPrecision(3)} GF/s`}
          formatValue={gf}
        />
        <figcaption>
          Throughput including the upload of A and the read-back of C (B stays on the GPU).
        </figcaption>
        <ChartExport />
      </figure>
      <CsvExport name="matmul-benchmark" />
      <table data-testid="bench-matmul">
        <thead>
          <tr>
            <th scope="col">shape M×K×N</th>
            <th scope="col">kernel chosen</th>
            <th scope="col" className="num">
              ms
            </th>
            <th scope="col" className="num">
              peer ms
            </th>
            <th scope="col" className="num">
              our speed / peer
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ shape, x }) => (
            <tr key={shape}>
              <td>{shape}</td>
              <td>{x.chosen}</td>
              <td className="num">{x.ms[x.chosen]!.toFixed(1)}</td>
              <td className="num">{x.peerMs?.toFixed(1) ?? '—'}</td>
              <td className="num">{x.peerMs ? ratio(x.peerMs / x.ms[x.chosen]!) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
});

const AttentionView = memo(function AttentionView({ r }: { r: KernelReport }) {
  if (!r.attention.length) return null;
  const peerWrong = r.attention.some((a) => a.peerDiff !== null && a.peerDiff > PEER_WRONG);
  const rows = r.attention.map((a) => ({
    n: a.n,
    flash: a.flashMs,
    naive: a.naiveMs,
    peer: a.peerDiff !== null && a.peerDiff <= PEER_WRONG ? a.peerMs : null,
    flashMiB: a.flashBytes / 2 ** 20,
    naiveMiB: a.naiveBytes / 2 ** 20,
  }));
  const last = r.attention[r.attention.length - 1]!;
  const lengths = rows.map((w) => String(w.n));
  const time: Series[] = [
    { name: 'flash', color: '#2b6cb0', values: rows.map((w) => w.flash) },
    { name: 'naive', color: '#c53030', values: rows.map((w) => w.naive) },
  ];
  if (r.peer && !peerWrong)
    time.push({ name: r.peer, color: '#dd6b20', values: rows.map((w) => w.peer) });
  const memory: Series[] = [
    { name: 'flash', color: '#2b6cb0', values: rows.map((w) => w.flashMiB) },
    { name: 'naive (scores in memory)', color: '#c53030', values: rows.map((w) => w.naiveMiB) },
  ];
  const msTick = (v: number) =>
    v >= 1000 ? `${+(v / 1000).toPrecision(3)} s` : `${+v.toPrecision(3)} ms`;
  const ms = (v: number) => formatSeconds(v / 1000);
  const mib = (v: number) => `${+v.toPrecision(3)} MiB`;
  return (
    <>
      <h3>Attention, 2 heads × 64</h3>
      <div className="chart-pair">
        <figure className="chart" data-testid="bench-attention-chart">
          <CategoryChart
            kind="line"
            log
            height={240}
            categories={lengths}
            series={time}
            label="Attention time in ms by sequence length, log scale"
            formatTick={msTick}
            formatValue={ms}
          />
          <figcaption>Time by sequence length (log–log: the lengths double).</figcaption>
          <ChartExport />
        </figure>
        <figure className="chart" data-testid="bench-attention-memory">
          <CategoryChart
            kind="line"
            log
            height={240}
            categories={lengths}
            series={memory}
            label="GPU memory allocated for attention in MiB by sequence length, log scale"
            yWidth={72}
            formatTick={mib}
            formatValue={mib}
          />
          <figcaption>
            GPU memory allocated: linear in length for flash, quadratic for naive (
            {(last.naiveBytes / last.flashBytes).toFixed(0)}× at {last.n} tokens).
          </figcaption>
          <ChartExport />
        </figure>
      </div>
      {last.naiveMs !== null && (
        <p>
          At {last.n} tokens the flash kernel runs {ratio(last.naiveMs / last.flashMs)} the naive
          one&apos;s speed.
        </p>
      )}
      {r.attention.some((a) => a.naiveNote) && (
        <p>{r.attention.find((a) => a.naiveNote)!.naiveNote}</p>
      )}
      {peerWrong && (
        <p className="warning" data-testid="bench-peer-wrong">
          {r.peer}&apos;s MultiHeadAttention gave results far from the CPU reference on this adapter
          (largest difference{' '}
          {Math.max(...r.attention.map((a) => a.peerDiff ?? 0)).toExponential(1)} of max |O|), so
          its times are left out.
        </p>
      )}
    </>
  );
});

const SparseView = memo(function SparseView({ r }: { r: KernelReport }) {
  const sp = r.sparse;
  const facts: string[] = [];
  if (sp) {
    const dense = Math.min(sp.denseMs, sp.directMs);
    facts.push(
      `2:4 sparse: ${ratio(dense / sp.sparse24Ms)} the speed of the dense kernel with the same mapping`,
    );
    if (sp.blockedMs !== undefined) {
      const beat = sp.csr.find((c) => c.ms < sp.blockedMs!);
      facts.push(
        `against our best dense kernel (register-blocked matmul, ${sp.blockedMs.toFixed(1)} ms): 2:4 ${ratio(sp.blockedMs / sp.sparse24Ms)}; CSR ${beat ? `wins from ${Math.round(beat.sparsity * 100)}% sparsity` : 'never wins'}`,
      );
    }
    facts.push(
      sp.breakEven === null
        ? 'CSR never beat dense in the sweep'
        : `CSR breaks even at ${Math.round(sp.breakEven * 100)}% sparsity`,
    );
  }
  if (r.int8)
    facts.push(
      `int8 (${r.int8.variant}): ${ratio(r.int8.f32Ms / r.int8.int8Ms)} the f32 speed; unpacking fallback ${ratio(r.int8.f32Ms / r.int8.unpackedMs)}`,
    );
  if (r.f16)
    facts.push(`f16 (${r.f16.variant}): ${ratio(r.f16.f32Ms / r.f16.f16Ms)} the f32 speed`);
  if (!facts.length) return null;
  const rows =
    sp?.csr.map((c) => ({
      sparsity: `${Math.round(c.sparsity * 100)}%`,
      speed: Math.min(sp.denseMs, sp.directMs) / c.ms,
    })) ?? [];
  return (
    <>
      <h3>
        One layer{sp ? `, [${sp.shape.b}, ${sp.shape.k}] · [${sp.shape.n}, ${sp.shape.k}]ᵀ` : ''}
      </h3>
      {rows.length > 0 && (
        <figure className="chart" data-testid="bench-sparse-chart">
          <CategoryChart
            kind="line"
            height={220}
            categories={rows.map((w) => w.sparsity)}
            series={[
              { name: 'CSR speed / dense', color: '#2f855a', values: rows.map((w) => w.speed) },
            ]}
            refs={DENSE_REF}
            label="CSR speed against the dense kernel at each sparsity of the sweep"
            yWidth={56}
            formatTick={(v) => `${+v.toPrecision(3)}×`}
            formatValue={ratio}
          />
          <figcaption>
            CSR speed against the faster dense kernel at each sparsity of the sweep.
          </figcaption>
          <ChartExport />
        </figure>
      )}
      <ul data-testid="bench-ratios">
        {facts.map((f) => (
          <li key={f}>{f}</li>
        ))}
      </ul>
    </>
  );
});

const DENSE_REF = [{ value: 1, color: '#718096', label: 'dense' }];

// Histogram + statistics throughput, on WebGPU and on the CPU, each as a ratio against a plain
// typed-array pass (min, max, sum) over the same data, measured in the same page. Absolute times on
// a software adapter mean little; the ratios and the adapter name are what the report is for.
import { summarizeCpu } from '../src/core/summary.ts';
import { acquireGpu, adapterLabel, type GpuContext } from '../src/gpu/device.ts';
import { summarizeGpu } from '../src/gpu/summarize.ts';
import { normal } from '../tests/helpers/random.ts';
import { DEFAULT_SPEC, quantize } from '../src/core/quant.ts';
import { quantizeIntGpu } from '../src/gpu/quantize.ts';
import { denseStackGpu } from '../src/gpu/dense.ts';
import { backward, forward, logitsOf, netParams } from '../src/core/net.ts';
import { adamState, adamStep, crossEntropy } from '../src/core/nn.ts';
import { GpuNet } from '../src/gpu/net-gpu.ts';
import { magnitudeMask, nmMask } from '../src/core/prune.ts';
import { compress24, toCsr } from '../src/core/sparse.ts';
import { csrLayer, directLayer, sparse24Layer } from '../src/gpu/sparse.ts';
import { int8Layer } from '../src/gpu/int8-matmul.ts';
import { f16Layer } from '../src/gpu/f16-linear.ts';
import { flashAttention, naiveAttention } from '../src/gpu/attention.ts';
import { attentionBytes } from '../src/core/attention.ts';
import { ARCHITECTURES, denseStack, initParams, netFor } from '../src/models/zoo.ts';
import { chooseMatmul, type MatmulVariant } from '../src/core/matmul.ts';
import { matmulLayer } from '../src/gpu/matmul.ts';
import { passTimer, type PassTimer } from '../src/gpu/timing.ts';
import { onnxruntimePeer, type Peer } from './peer.ts';

export interface BenchRow {
  elements: number;
  baselineMs: number;
  cpuMs: number;
  gpuMs: number | null;
}

export interface BenchReport {
  adapter: string;
  bins: number;
  rows: BenchRow[];
  /** Per-channel int8 quantize + error sums, [n / 4096, 4096], CPU core vs quant_int.wgsl. */
  quant: BenchRow[];
  /** Each demo model: inference samples per second, and one training step (batch 64) in ms. */
  models: ModelRow[];
  /** Sparse products against the dense kernel on one layer shape (GPU only). */
  sparse: SparseReport | null;
  /** Flash against naive attention by sequence length (GPU only): times and bytes allocated. */
  attention: Array<{
    n: number;
    flashMs: number;
    flashBytes: number;
    naiveMs: number | null;
    naiveBytes: number;
    naiveNote: string | null;
    /** GPU ms of the kernels alone, from timestamp queries (null without them). */
    flashGpuMs: number | null;
    naiveGpuMs: number | null;
    /**
     * onnxruntime-web's MultiHeadAttention on the same inputs, and its largest difference from our
     * result over max |O| (our kernels equal the CPU reference; a large difference means the peer
     * computed something else, and its time is no comparison).
     */
    peerMs: number | null;
    peerDiff: number | null;
  }>;
  /** The peer library of the comparisons, or why it could not run. */
  peer: string | null;
  peerError: string | null;
  /** int8 × int8 → int32 against f32 with the same mapping, on the same shape (GPU only). */
  int8: { variant: string; f32Ms: number; int8Ms: number; unpackedMs: number } | null;
  /** f16 weights and inputs (shader-f16, or the f32 fallback) against f32, same mapping. */
  f16: { variant: string; f32Ms: number; f16Ms: number } | null;
  /** Our float matmul kernels against onnxruntime-web's MatMul on the same device (GPU only). */
  matmul: MatmulReport | null;
}

export interface MatmulReport {
  /** How GPU times were taken: timestamp queries, or none (wall-clock times only). */
  gpuTiming: 'timestamp-query' | null;
  rows: MatmulRow[];
}

export interface MatmulRow {
  m: number;
  k: number;
  n: number;
  /** The variant chooseMatmul picks for the shape. */
  chosen: MatmulVariant;
  /** Wall ms per run (upload A, multiply, read C back) of each variant that applies. */
  ms: Partial<Record<MatmulVariant, number>>;
  /** GPU ms of the multiply alone, from timestamp queries. */
  gpuMs: Partial<Record<MatmulVariant, number>>;
  peerMs: number | null;
  /** Largest |ours − peer| over max |C| (the two must compute the same product). */
  peerDiff: number | null;
}

export interface SparseReport {
  shape: { b: number; k: number; n: number };
  /** The tiled dense kernel (linear.wgsl) and the direct one with the sparse kernels' mapping. */
  denseMs: number;
  directMs: number;
  sparse24Ms: number;
  /** CSR at each sparsity (fraction of zeros). */
  csr: Array<{ sparsity: number; ms: number }>;
  /** The lowest sparsity of the sweep at which CSR beat the faster dense kernel (null: none did). */
  breakEven: number | null;
}

export interface ModelRow {
  arch: string;
  samples: number;
  cpuPerSecond: number;
  gpuPerSecond: number | null;
  batch: number;
  cpuStepMs: number;
  gpuStepMs: number | null;
}

const BINS = 256;
const params = new URLSearchParams(location.search);
const SIZES = (params.get('sizes') ?? '1048576,4194304,16777216').split(',').map(Number);
const REPEATS = Number(params.get('repeats') ?? 5);
/** Sections to run (all when absent): stats, quant, models, sparse, attention, int8, matmul. */
const ONLY = params.get('only')?.split(',') ?? null;
const want = (section: string) => ONLY === null || ONLY.includes(section);

/** The reference pass: one read of every element, the least any summary must do. */
function baselinePass(x: Float32Array): number {
  let mn = Infinity;
  let mx = -Infinity;
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    s += v;
    if (v < mn) mn = v;
    if (v > mx) mx = v;
  }
  return s + mn + mx;
}

async function best(fn: () => unknown): Promise<number> {
  let t = Infinity;
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    await fn();
    t = Math.min(t, performance.now() - t0);
  }
  return t;
}

async function run(): Promise<BenchReport> {
  const got = await acquireGpu(navigator.gpu);
  const adapter = got.ok ? adapterLabel(got.ctx.summary) : `none (${got.reason})`;
  const rows: BenchRow[] = [];
  let sink = 0;
  for (const n of want('stats') ? SIZES : []) {
    const x = normal(n, n);
    const baselineMs = await best(() => (sink += baselinePass(x)));
    const cpuMs = await best(() => (sink += summarizeCpu(x, BINS).counts[0]!));
    let gpuMs: number | null = null;
    if (got.ok) {
      await summarizeGpu(got.ctx, x, BINS); // compile pipelines outside the timing
      gpuMs = await best(() => summarizeGpu(got.ctx, x, BINS));
    }
    rows.push({ elements: n, baselineMs, cpuMs, gpuMs });
  }
  const quant: BenchRow[] = [];
  for (const n of want('quant') ? SIZES : []) {
    const x = normal(n, n + 1, 0.02);
    const shape = [Math.max(1, n / 4096), Math.min(n, 4096)];
    const baselineMs = await best(() => (sink += baselinePass(x)));
    const cpuMs = await best(
      () => (sink += quantize(x, shape, DEFAULT_SPEC, { dequantized: false }).error.mse),
    );
    let gpuMs: number | null = null;
    if (got.ok) {
      const o = { dequantized: false };
      await quantizeIntGpu(got.ctx, x, shape, DEFAULT_SPEC, o); // compile outside the timing
      gpuMs = await best(() => quantizeIntGpu(got.ctx, x, shape, DEFAULT_SPEC, o));
    }
    quant.push({ elements: n, baselineMs, cpuMs, gpuMs });
  }
  const models: ModelRow[] = [];
  for (const arch of want('models') ? ARCHITECTURES : []) {
    const net = netFor(arch);
    const p = initParams(net, 1);
    const samples = 512;
    const images = normal(samples * 784, 300, 0.3, 0.5);
    const cpuMs = await best(() => (sink += logitsOf(net, p, images, samples)[0]!));
    const batch = 64;
    const x = images.subarray(0, batch * 784);
    const labels = Array.from({ length: batch }, (_, i) => i % 10);
    const state = Object.fromEntries(netParams(net).map(([n]) => [n, adamState(p[n]!.length)]));
    const cpuStepMs = await best(() => {
      const f = forward(net, p, x, batch);
      const g = backward(net, p, f, crossEntropy(f.logits, batch, 10, labels).grad, batch);
      for (const [n] of netParams(net)) adamStep(p[n]!, g[n]!, state[n]!, 1e-4);
    });
    let gpuPerSecond: number | null = null;
    let gpuStepMs: number | null = null;
    if (got.ok) {
      // What the app runs: the fused dense-stack kernel for MLPs, the layer kernels otherwise.
      const stack = denseStack(net, p);
      const g = new GpuNet(got.ctx, net, p);
      try {
        const infer = () =>
          stack ? denseStackGpu(got.ctx, stack, images, samples) : g.logits(images, samples);
        await infer(); // compile pipelines outside the timing
        gpuPerSecond = samples / ((await best(infer)) / 1000);
        await g.step(x, labels, batch, { lr: 1e-4 });
        gpuStepMs = await best(() => g.step(x, labels, batch, { lr: 1e-4 }));
      } finally {
        g.destroy();
      }
    }
    models.push({
      arch,
      samples,
      cpuPerSecond: samples / (cpuMs / 1000),
      gpuPerSecond,
      batch,
      cpuStepMs,
      gpuStepMs,
    });
  }
  let sparse: SparseReport | null = null;
  if (got.ok && want('sparse')) {
    const [b, k, n] = [64, 1024, 1024];
    const w0 = normal(n * k, 500, 0.05);
    const x = normal(b * k, 501);
    const layer = [{ weight: w0, bias: null, in: k, out: n }];
    await denseStackGpu(got.ctx, layer, x, b);
    const denseMs = await best(() => denseStackGpu(got.ctx, layer, x, b));
    const direct = directLayer(got.ctx, w0, n, k, null);
    await direct.run(x, b);
    const directMs = await best(() => direct.run(x, b));
    direct.destroy();
    const m24 = nmMask(w0, k, 2, 4);
    const s24 = sparse24Layer(
      got.ctx,
      compress24(
        w0.map((v, i) => (m24[i] ? v : 0)),
        n,
        k,
      ),
      null,
    );
    await s24.run(x, b);
    const sparse24Ms = await best(() => s24.run(x, b));
    s24.destroy();
    const csr: SparseReport['csr'] = [];
    for (const sparsity of [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99]) {
      const m = magnitudeMask(w0, sparsity);
      const g = csrLayer(
        got.ctx,
        toCsr(
          w0.map((v, i) => (m[i] ? v : 0)),
          n,
          k,
        ),
        null,
      );
      await g.run(x, b);
      csr.push({ sparsity, ms: await best(() => g.run(x, b)) });
      g.destroy();
    }
    sparse = {
      shape: { b, k, n },
      denseMs,
      directMs,
      sparse24Ms,
      csr,
      breakEven: csr.find((c) => c.ms < Math.min(denseMs, directMs))?.sparsity ?? null,
    };
  }
  let peer: Peer | null = null;
  let peerError: string | null = null;
  if (got.ok && (want('matmul') || want('attention')))
    try {
      peer = await onnxruntimePeer();
    } catch (e) {
      peerError = (e as Error).message;
    }
  const attention: BenchReport['attention'] = [];
  if (got.ok && want('attention')) {
    const [h, d] = [2, 64];
    const timer = passTimer(got.ctx);
    for (const n of [256, 512, 1024, 2048, 4096]) {
      const size = h * n * d;
      const a = {
        q: normal(size, n, 1),
        k: normal(size, n + 1, 1),
        v: normal(size, n + 2, 1),
        bh: h,
        n,
        d,
        causal: false,
      };
      const f = await flashAttention(got.ctx, a);
      // Fewer repeats where one run takes seconds on a software adapter.
      const repeats = n >= 2048 ? 2 : REPEATS;
      const flash = await bestTimed(
        () => flashAttention(got.ctx, a, timer),
        async () => (timer ? timer.read() : null),
        repeats,
      );
      let naive: { ms: number; gpuMs: number | null } | null = null;
      let naiveNote: string | null = null;
      try {
        await naiveAttention(got.ctx, a);
        naive = await bestTimed(
          () => naiveAttention(got.ctx, a, timer),
          async () => (timer ? timer.read() : null),
          repeats,
        );
      } catch (e) {
        naiveNote = (e as Error).message;
      }
      let peerMs: number | null = null;
      let peerDiff: number | null = null;
      if (peer && n <= 2048) {
        try {
          const op = await peer.attention(h, n, d);
          const [q, k, v] = [a.q, a.k, a.v].map((x) => headsToTokens(x, h, n, d));
          peerDiff = relDiff(headsToTokens(f.o, h, n, d), await op.run(q!, k!, v!));
          peerMs = await best(() => op.run(q!, k!, v!));
          op.release();
        } catch (e) {
          peerError = (e as Error).message;
        }
      }
      attention.push({
        n,
        flashMs: flash.ms,
        flashBytes: f.bytes,
        naiveMs: naive?.ms ?? null,
        naiveBytes: attentionBytes(h, n, d).naive,
        naiveNote,
        flashGpuMs: flash.gpuMs,
        naiveGpuMs: naive?.gpuMs ?? null,
        peerMs,
        peerDiff,
      });
    }
    timer?.destroy();
  }
  let int8: BenchReport['int8'] = null;
  let f16: BenchReport['f16'] = null;
  if (got.ok && want('int8')) {
    const [b, k, n] = [64, 1024, 1024];
    const w = normal(n * k, 600, 0.05);
    const x = normal(b * k, 601);
    const f32 = directLayer(got.ctx, w, n, k, null);
    await f32.run(x, b);
    const f32Ms = await best(() => f32.run(x, b));
    f32.destroy();
    const q = (v: Float32Array) =>
      Int8Array.from(v, (t) => Math.max(-127, Math.min(127, Math.round(t * 40))));
    const wq = q(w);
    const xq = q(x);
    const time = async (prefer?: 'unpacked') => {
      const l = int8Layer(got.ctx, wq, n, k, prefer);
      await l.run(xq, b);
      const ms = await best(() => l.run(xq, b));
      const variant = l.variant;
      l.destroy();
      return { ms, variant };
    };
    const chosen = await time();
    const unpacked = await time('unpacked');
    int8 = { variant: chosen.variant, f32Ms, int8Ms: chosen.ms, unpackedMs: unpacked.ms };
    const h = f16Layer(got.ctx, w, n, k, null);
    await h.run(x, b);
    f16 = { variant: h.variant, f32Ms, f16Ms: await best(() => h.run(x, b)) };
    h.destroy();
  }
  const matmul = got.ok && want('matmul') ? await matmulSection(got.ctx, peer) : null;
  if (sink === 42.5) console.log('');
  return {
    adapter,
    bins: BINS,
    rows,
    quant,
    models,
    sparse,
    attention,
    int8,
    f16,
    matmul,
    peer: peer ? `onnxruntime-web ${peer.version} (webgpu)` : null,
    peerError,
  };
}

/** [heads, tokens, d] to [tokens, heads × d], the layout of MultiHeadAttention's inputs. */
function headsToTokens(x: Float32Array, h: number, n: number, d: number): Float32Array {
  const y = new Float32Array(x.length);
  for (let i = 0; i < h; i++)
    for (let t = 0; t < n; t++)
      y.set(x.subarray((i * n + t) * d, (i * n + t + 1) * d), (t * h + i) * d);
  return y;
}

/** Best wall time and the GPU time of that run (from the timer, when there is one). */
async function bestTimed(
  fn: () => Promise<unknown>,
  gpu: () => Promise<number | null>,
  repeats = REPEATS,
): Promise<{ ms: number; gpuMs: number | null }> {
  let ms = Infinity;
  let gpuMs: number | null = null;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    await fn();
    const t = performance.now() - t0;
    const g = await gpu();
    if (t < ms) ms = t;
    if (g !== null) gpuMs = gpuMs === null ? g : Math.min(gpuMs, g);
  }
  return { ms, gpuMs };
}

function relDiff(a: Float32Array, b: Float32Array): number {
  let scale = 1e-30;
  let e = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  for (let i = 0; i < b.length; i++) e = Math.max(e, Math.abs(a[i]! - b[i]!));
  return a.length === b.length ? e / scale : Infinity;
}

const MATMUL_SHAPES: Array<[number, number, number]> = [
  [1, 4096, 4096],
  [8, 2048, 2048],
  [64, 1024, 1024],
  [256, 1024, 1024],
  [1024, 256, 1024],
];

async function matmulSection(ctx: GpuContext, peer: Peer | null): Promise<MatmulReport> {
  const timer: PassTimer | null = passTimer(ctx);
  const rows: MatmulRow[] = [];
  try {
    for (const [m, k, n] of MATMUL_SHAPES) {
      const a = normal(m * k, m + k, 1);
      const b = normal(k * n, k + n, 0.05);
      const layer = matmulLayer(ctx, b, { k, n });
      const chosen = chooseMatmul({ m, k, n });
      const variants: MatmulVariant[] = m <= 8 ? ['matvec', 'tiled'] : ['tiled', 'blocked'];
      const row: MatmulRow = {
        m,
        k,
        n,
        chosen,
        ms: {},
        gpuMs: {},
        peerMs: null,
        peerDiff: null,
      };
      let ours: Float32Array | null = null;
      try {
        for (const variant of variants) {
          const c = await layer.run(a, m, { variant });
          if (variant === chosen) ours = c;
          const t = await bestTimed(
            () => layer.run(a, m, { variant, timer }),
            async () => (timer ? timer.read() : null),
            3,
          );
          row.ms[variant] = t.ms;
          if (t.gpuMs !== null) row.gpuMs[variant] = t.gpuMs;
        }
      } finally {
        layer.destroy();
      }
      if (peer) {
        const op = await peer.matmul(b, k, n);
        try {
          const first = await op.run(a);
          row.peerDiff = ours ? relDiff(ours, first) : null;
          row.peerMs = await best(() => op.run(a));
        } finally {
          op.release();
        }
      }
      rows.push(row);
    }
  } finally {
    timer?.destroy();
  }
  return {
    gpuTiming: timer ? 'timestamp-query' : null,
    rows,
  };
}

function render(r: BenchReport) {
  document.getElementById('status')!.textContent = `adapter: ${r.adapter}`;
  const head =
    '<tr><th>elements</th><th>baseline ms</th><th>CPU ms</th><th>GPU ms</th><th>CPU / baseline</th><th>GPU / baseline</th></tr>';
  document.getElementById('results')!.innerHTML =
    head +
    r.rows
      .map(
        (x) =>
          `<tr><td>${x.elements}</td><td>${x.baselineMs.toFixed(2)}</td><td>${x.cpuMs.toFixed(2)}</td><td>${x.gpuMs?.toFixed(2) ?? '—'}</td><td>${(x.cpuMs / x.baselineMs).toFixed(2)}×</td><td>${x.gpuMs ? (x.gpuMs / x.baselineMs).toFixed(2) + '×' : '—'}</td></tr>`,
      )
      .join('');
}

declare global {
  interface Window {
    __benchReport?: BenchReport | { error: string };
  }
}

run()
  .then((r) => {
    render(r);
    window.__benchReport = r;
  })
  .catch((e: Error) => {
    document.getElementById('status')!.textContent = `failed: ${e.message}`;
    window.__benchReport = { error: e.message };
  });

// Histogram + statistics throughput, on WebGPU and on the CPU, each as a ratio against a plain
// typed-array pass (min, max, sum) over the same data, measured in the same page. Absolute times on
// a software adapter mean little; the ratios and the adapter name are what the report is for.
import { summarizeCpu } from '../src/core/summary.ts';
import { acquireGpu, adapterLabel } from '../src/gpu/device.ts';
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
  }>;
  /** int8 × int8 → int32 against f32 with the same mapping, on the same shape (GPU only). */
  int8: { variant: string; f32Ms: number; int8Ms: number; unpackedMs: number } | null;
  /** f16 weights and inputs (shader-f16, or the f32 fallback) against f32, same mapping. */
  f16: { variant: string; f32Ms: number; f16Ms: number } | null;
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
  for (const n of SIZES) {
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
  for (const n of SIZES) {
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
  for (const arch of ARCHITECTURES) {
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
  if (got.ok) {
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
  const attention: BenchReport['attention'] = [];
  if (got.ok) {
    const [bh, d] = [2, 64];
    for (const n of [256, 512, 1024, 2048, 4096]) {
      const size = bh * n * d;
      const a = {
        q: normal(size, n, 1),
        k: normal(size, n + 1, 1),
        v: normal(size, n + 2, 1),
        bh,
        n,
        d,
        causal: false,
      };
      const f = await flashAttention(got.ctx, a);
      const flashMs = await best(() => flashAttention(got.ctx, a));
      let naiveMs: number | null = null;
      let naiveNote: string | null = null;
      try {
        await naiveAttention(got.ctx, a);
        naiveMs = await best(() => naiveAttention(got.ctx, a));
      } catch (e) {
        naiveNote = (e as Error).message;
      }
      attention.push({
        n,
        flashMs,
        flashBytes: f.bytes,
        naiveMs,
        naiveBytes: attentionBytes(bh, n, d).naive,
        naiveNote,
      });
    }
  }
  let int8: BenchReport['int8'] = null;
  let f16: BenchReport['f16'] = null;
  if (got.ok) {
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

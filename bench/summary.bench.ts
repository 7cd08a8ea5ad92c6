// Histogram + statistics throughput, on WebGPU and on the CPU, each as a ratio against a plain
// typed-array pass (min, max, sum) over the same data, measured in the same page. Absolute times on
// a software adapter mean little; the ratios and the adapter name are what the report is for.
import { summarizeCpu } from '../src/core/stats/summary.ts';
import { acquireGpu, adapterLabel } from '../src/gpu/device.ts';
import type { KernelReport } from '../src/core/perf/bench-report.ts';
import { FULL_PLAN, runKernelBench, type KernelPeer } from '../src/engine/kernel-bench.ts';
import { onnxruntimePeer } from './peer.ts';
import { summarizeGpu } from '../src/gpu/ops/summarize.ts';
import { normal } from '../tests/helpers/random.ts';
import { DEFAULT_SPEC } from '../src/core/quant/spec.ts';
import { quantize } from '../src/core/quant/quant.ts';
import { quantizeIntGpu } from '../src/gpu/ops/quantize.ts';
import { denseStackGpu } from '../src/gpu/ops/dense.ts';
import { backward, forward, logitsOf, netParams } from '../src/core/nn/network.ts';
import { adamState, adamStep, crossEntropy } from '../src/core/nn/nn.ts';
import { GpuNet } from '../src/gpu/ops/net-gpu.ts';
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
  /** The kernel comparisons (GPU only): src/engine/kernel-bench.ts's report. */
  kernels: KernelReport | null;
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
  let kernels: KernelReport | null = null;
  const sections = ['sparse', 'attention', 'int8', 'matmul'];
  if (got.ok && sections.some(want)) {
    let peer: KernelPeer | null = null;
    let peerError: string | null = null;
    if (want('matmul') || want('attention'))
      try {
        peer = await onnxruntimePeer();
      } catch (e) {
        peerError = (e as Error).message;
      }
    kernels = await runKernelBench(
      got.ctx,
      {
        ...FULL_PLAN,
        matmul: want('matmul') ? FULL_PLAN.matmul : [],
        attention: want('attention') ? FULL_PLAN.attention : [],
        layer: want('sparse') || want('int8') ? FULL_PLAN.layer : null,
        repeats: REPEATS,
      },
      { peer, peerError },
    );
  }
  if (sink === 42.5) console.log('');
  return { adapter, bins: BINS, rows, quant, models, kernels };
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

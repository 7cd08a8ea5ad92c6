// `npm run bench`: serves the benchmark pages with Vite, runs them in headless Chromium with
// WebGPU, prints the ratios and writes bench/results/summary.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright';
import { createServer } from 'vite';
import { chromiumPath, CHROMIUM_ARGS } from '../e2e/fixtures/chromium.ts';
import type { BenchReport } from './summary.bench.ts';
import type { KernelReport } from '../src/core/perf/bench-report.ts';

// --sizes=N,N (histogram and quantize sizes), --only=matmul,attention,... (sections to run).
const query = new URLSearchParams();
for (const key of ['sizes', 'only']) {
  const v = process.argv.find((a) => a.startsWith(`--${key}=`))?.slice(key.length + 3);
  if (v) query.set(key, v);
}
const server = await createServer({
  server: { port: 5179, strictPort: false, host: '127.0.0.1' },
  logLevel: 'warn',
});
await server.listen();
const url = server.resolvedUrls!.local[0]!;
const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage();
  await page.goto(`${url}bench/index.html?${query}`);
  await page.waitForFunction(() => window.__benchReport !== undefined, null, {
    timeout: 15 * 60_000,
  });
  const report = (await page.evaluate(() => window.__benchReport)) as
    BenchReport | { error: string };
  if ('error' in report) throw new Error(report.error);
  const ratio = (a: number | null, b: number) => (a === null ? '—' : `${(a / b).toFixed(2)}×`);
  console.log(`adapter: ${report.adapter}`);
  if (report.rows.length) {
    console.log(`histogram (${report.bins} bins) + statistics`);
    console.log(
      'times are best of 5; ratios are time / time of one plain typed-array pass (min, max, sum) over the same data',
    );
    console.table(
      report.rows.map((r) => ({
        elements: r.elements,
        'baseline ms': +r.baselineMs.toFixed(2),
        'CPU ms': +r.cpuMs.toFixed(2),
        'GPU ms': r.gpuMs === null ? '—' : +r.gpuMs.toFixed(2),
        'CPU / baseline': ratio(r.cpuMs, r.baselineMs),
        'GPU / baseline': ratio(r.gpuMs, r.baselineMs),
        'GPU / CPU': ratio(r.gpuMs, r.cpuMs),
      })),
    );
  }
  if (report.quant.length) {
    console.log(
      'per-channel int8 quantize + error sums ([n/4096, 4096]): the core on the CPU, and quant_int.wgsl (scales from the core) on the GPU',
    );
    console.table(
      report.quant.map((r) => ({
        elements: r.elements,
        'baseline ms': +r.baselineMs.toFixed(2),
        'CPU ms': +r.cpuMs.toFixed(2),
        'GPU ms': r.gpuMs === null ? '—' : +r.gpuMs.toFixed(2),
        'CPU / baseline': ratio(r.cpuMs, r.baselineMs),
        'GPU / CPU': ratio(r.gpuMs, r.cpuMs),
      })),
    );
  }
  if (report.models.length) {
    console.log(
      'demo models: inference on 512 random images (samples/s) and one training step on a batch of 64 (forward, backward, Adam); CPU = the JavaScript reference layers, GPU = the WGSL kernels',
    );
    console.table(
      report.models.map((m) => ({
        model: m.arch,
        'CPU samples/s': Math.round(m.cpuPerSecond),
        'GPU samples/s': m.gpuPerSecond === null ? '—' : Math.round(m.gpuPerSecond),
        'inference GPU / CPU':
          m.gpuPerSecond === null ? '—' : `${(m.gpuPerSecond / m.cpuPerSecond).toFixed(2)}×`,
        'CPU step ms': +m.cpuStepMs.toFixed(1),
        'GPU step ms': m.gpuStepMs === null ? '—' : +m.gpuStepMs.toFixed(1),
        'step speed GPU / CPU':
          m.gpuStepMs === null ? '—' : `${(m.cpuStepMs / m.gpuStepMs).toFixed(2)}×`,
      })),
    );
  }
  const kr = report.kernels;
  if (kr) printKernels(kr);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(
    'bench/results/summary.json',
    JSON.stringify({ date: new Date().toISOString(), ...report }, null, 2),
  );
  // The kernel report the app's benchmark panel draws (served as ./bench/kernels.json), from runs
  // of every kernel section only, so that the saved report is one run on one adapter.
  const partial = query.get('only');
  if (
    kr &&
    (!partial || ['matmul', 'attention', 'sparse', 'int8'].every((x) => partial.includes(x)))
  ) {
    mkdirSync('public/bench', { recursive: true });
    writeFileSync('public/bench/kernels.json', `${JSON.stringify(kr, null, 2)}\n`);
  }
} finally {
  await browser.close();
  await server.close();
}

function printKernels(kr: KernelReport): void {
  if (kr.peer && kr.peerError) console.log(`peer error: ${kr.peerError}`);
  const f = (x: number | null | undefined, digits = 2) =>
    x === null || x === undefined ? '—' : +x.toFixed(digits);
  if (kr.matmul.length) {
    console.log(
      `float matmul C = A[M, K] · B[K, N], B resident on the GPU: ours against ${kr.peer ?? `no peer (${kr.peerError})`} on the same adapter; wall ms include uploading A and reading C back${kr.gpuTiming ? '; GPU ms from timestamp queries' : ''}`,
    );
    console.table(
      kr.matmul.map((r) => {
        const ours = r.ms[r.chosen]!;
        return {
          shape: `${r.m}×${r.k}×${r.n}`,
          chosen: r.chosen,
          'matvec ms': f(r.ms.matvec),
          'tiled ms': f(r.ms.tiled),
          'blocked ms': f(r.ms.blocked),
          'peer ms': f(r.peerMs),
          'ours GPU ms': f(r.gpuMs[r.chosen]),
          'ours speed / peer': r.peerMs === null ? '—' : `${(r.peerMs / ours).toFixed(2)}×`,
          'max diff': r.peerDiff === null ? '—' : r.peerDiff.toExponential(1),
        };
      }),
    );
  }
  if (kr.attention.length) {
    console.log(
      `attention, 2 heads × 64, non-causal: FlashAttention-style kernel against the naive one (scores in memory) and ${kr.peer ?? 'no peer'}'s MultiHeadAttention (to 2,048 tokens)`,
    );
    console.table(
      kr.attention.map((r) => ({
        tokens: r.n,
        'flash ms': f(r.flashMs, 1),
        'naive ms': f(r.naiveMs, 1),
        'naive / flash time': r.naiveMs === null ? '—' : `${(r.naiveMs / r.flashMs).toFixed(2)}×`,
        'flash GPU ms': f(r.flashGpuMs, 1),
        'naive GPU ms': f(r.naiveGpuMs, 1),
        'peer ms': f(r.peerMs, 1),
        'peer / flash time': r.peerMs === null ? '—' : `${(r.peerMs / r.flashMs).toFixed(2)}×`,
        'peer max diff': r.peerDiff === null ? '—' : r.peerDiff.toExponential(1),
        'flash MiB': +(r.flashBytes / 2 ** 20).toFixed(1),
        'naive MiB': +(r.naiveBytes / 2 ** 20).toFixed(1),
        note:
          r.naiveNote ??
          (r.peerDiff !== null && r.peerDiff > 1e-3
            ? 'peer result differs from the CPU reference: its time is not comparable'
            : ''),
      })),
    );
  }
  const sp = kr.sparse;
  if (sp) {
    const { b, k, n } = sp.shape;
    const dense = Math.min(sp.denseMs, sp.directMs);
    console.log(
      `sparse products, x [${b}, ${k}] · W [${n}, ${k}]ᵀ: dense tiled kernel ${sp.denseMs.toFixed(2)} ms, dense direct kernel ${sp.directMs.toFixed(2)} ms; 2:4 ${sp.sparse24Ms.toFixed(2)} ms (${(dense / sp.sparse24Ms).toFixed(2)}× the faster dense kernel's speed)`,
    );
    console.table(
      sp.csr.map((c) => ({
        sparsity: `${(c.sparsity * 100).toFixed(0)}%`,
        'CSR ms': +c.ms.toFixed(2),
        'speed vs faster dense': `${(dense / c.ms).toFixed(2)}×`,
      })),
    );
    if (sp.blockedMs !== undefined)
      console.log(
        `our best dense kernel on the same product, the register-blocked matmul: ${sp.blockedMs.toFixed(2)} ms (2:4 is ${(sp.blockedMs / sp.sparse24Ms).toFixed(2)}× its speed; CSR beats it from ${((sp.csr.find((c) => c.ms < sp.blockedMs!)?.sparsity ?? NaN) * 100).toFixed(0)}% sparsity)`,
      );
    console.log(
      sp.breakEven === null
        ? 'CSR never beat the dense kernel in this sweep'
        : `CSR breaks even with the faster dense kernel at ${(sp.breakEven * 100).toFixed(0)}% sparsity on this adapter`,
    );
  }
  const i8 = kr.int8;
  if (i8 && sp)
    console.log(
      `int8 matmul, same shape: f32 (direct kernel) ${i8.f32Ms.toFixed(2)} ms; int8 (${i8.variant}) ${i8.int8Ms.toFixed(2)} ms = ${(i8.f32Ms / i8.int8Ms).toFixed(2)}× the f32 speed; unpacking fallback ${i8.unpackedMs.toFixed(2)} ms`,
    );
  const h = kr.f16;
  if (h)
    console.log(
      `f16 dense layer, same shape: ${h.variant} ${h.f16Ms.toFixed(2)} ms = ${(h.f32Ms / h.f16Ms).toFixed(2)}× the f32 speed`,
    );
}

// Language-model benchmark on WebGPU: teacher-forced evaluation throughput (tokens/s over one
// window from an empty cache) of our WebGPU forward pass (src/gpu/ops/llama.ts) against
// onnxruntime-web running the same model exported to ONNX by scripts/oracles/export_llama_onnx.py,
// on its WebGPU backend on the same adapter, and on its single-threaded wasm backend as a second
// peer; all in one headless Chromium page (bench/lm-web.page.ts). Models: stories260K (T = 256)
// and a seeded random 25.7M-parameter Llama (T = 128), as in bench/lm.ts. Every peer must give
// our logits: the bench prints the largest difference and fails past 1e-2. A peer that does not
// run on the adapter is reported with its error, and the others still are.
// Usage: tsx bench/lm-web.ts [--runs=5] [--python=PATH] [--cache=DIR]
// (SLIMLAB_PYTHON names the interpreter, SLIMLAB_BENCH_CACHE the export folder; SLIMLAB_CHROMIUM
// the browser).
import { createReadStream, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright';
import { createServer, type Plugin } from 'vite';
import { chromiumPath, CHROMIUM_ARGS } from '../e2e/fixtures/chromium.ts';
import { ensureLmExports, LM_EXPORT_FILES, lmBenchCache } from './lm-exports.ts';
import type { LmWebReport, PeerResult } from './lm-web.page.ts';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const RUNS = Number(arg('runs') ?? 5);
const PYTHON = arg('python') ?? process.env.SLIMLAB_PYTHON ?? 'python3';
const CACHE = lmBenchCache(arg('cache'));
/**
 * Same weights, different summation orders and kernels (GPU reductions, fused attention):
 * float32 rounding, far below this; a wrong computation is far above it.
 */
const MAX_DLOGIT = 1e-2;

if (!(Number.isInteger(RUNS) && RUNS >= 1))
  throw new Error(`--runs=${arg('runs')}: want a count ≥ 1`);
const why = ensureLmExports(CACHE, PYTHON);
if (why) {
  console.log(`bench:lm-web skipped: ${why}`);
  process.exit(0);
}

/** Serves the export files (and nothing else from the cache folder) under /__lm-cache/. */
function cacheFiles(): Plugin {
  const allowed = new Set<string>(LM_EXPORT_FILES);
  return {
    name: 'slimlab-lm-cache',
    configureServer(server) {
      server.middlewares.use('/__lm-cache/', (req, res) => {
        const rel = decodeURIComponent((req.url ?? '').split('?')[0]!.replace(/^\//, ''));
        if (!allowed.has(rel)) {
          res.statusCode = 404;
          res.end(`not an export file: ${rel}`);
          return;
        }
        const path = join(CACHE, rel);
        res.setHeader('Content-Type', 'application/octet-stream');
        res.setHeader('Content-Length', String(statSync(path).size));
        createReadStream(path).pipe(res);
      });
    },
  };
}

const server = await createServer({
  // No file watching and no hot reload: a source file saved during the minutes of a run would
  // otherwise reload the page and start it over.
  server: { port: 5181, strictPort: false, host: '127.0.0.1', hmr: false, watch: null },
  logLevel: 'warn',
  plugins: [cacheFiles()],
  // Pre-bundled up front: a dependency found after the page started would reload it mid-run.
  optimizeDeps: { include: ['onnxruntime-web/webgpu'] },
});
await server.listen();
const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
let report: LmWebReport;
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.log(`  page error: ${e.message}`));
  await page.goto(`${server.resolvedUrls!.local[0]!}bench/lm-web.html?runs=${RUNS}`);
  // Say where the page is every 20 s: SwiftShader runs the 25M model slowly.
  const ticker = setInterval(
    () =>
      void page
        .textContent('#status')
        .then((s) => console.log(`  … ${s}`))
        .catch(() => {}),
    20_000,
  );
  try {
    await page.waitForFunction(() => window.__lmWeb !== undefined, null, {
      timeout: 30 * 60_000,
    });
  } finally {
    clearInterval(ticker);
  }
  report = (await page.evaluate(() => window.__lmWeb)) as LmWebReport;
} finally {
  await browser.close();
  await server.close();
}
if (report.error) throw new Error(`bench:lm-web: ${report.error}`);

console.log(`adapter: ${report.adapter}`);
console.log(
  `onnxruntime-web ${report.ortVersion}: WebGPU backend on ${report.ortAdapter ?? '(did not start)'}; wasm backend on 1 thread`,
);
if (/swiftshader|fallback/i.test(`${report.adapter} ${report.ortAdapter ?? ''}`))
  console.log(
    'this adapter is SwiftShader (WebGPU emulated on the CPU): absolute times here say nothing about a GPU; only the ratios measured in this run mean anything, and little',
  );
console.log(
  `teacher-forced windows from an empty cache, logits read back to the CPU; tokens/s = T / median of ${report.runs} interleaved runs after a warm-up; ratios are our tokens/s / the peer's`,
);
const bad: string[] = [];
const cell = (p: PeerResult, f: (p: { ms: number; maxDiff: number }) => string) =>
  'error' in p ? 'failed' : f(p);
const rows = report.rows.map((r) => {
  const tps = (ms: number) => +((r.t / ms) * 1000).toFixed(1);
  for (const [name, p] of [
    ['webgpu', r.webgpu],
    ['wasm', r.wasm],
  ] as const) {
    if ('error' in p) console.log(`${r.model}: onnxruntime-web ${name} failed: ${p.error}`);
    else if (!(p.maxDiff <= MAX_DLOGIT))
      bad.push(`${r.model}: our logits differ from onnxruntime-web ${name}'s by ${p.maxDiff}`);
  }
  return {
    model: r.model,
    params: `${(r.params / 1e6).toFixed(2)}M`,
    T: r.t,
    'ours (WebGPU) tok/s': tps(r.oursMs),
    'ort webgpu tok/s': cell(r.webgpu, (p) => String(tps(p.ms))),
    'ort wasm 1 thread tok/s': cell(r.wasm, (p) => String(tps(p.ms))),
    'ours / ort webgpu': cell(r.webgpu, (p) => `${(p.ms / r.oursMs).toFixed(2)}×`),
    'ours / ort wasm': cell(r.wasm, (p) => `${(p.ms / r.oursMs).toFixed(2)}×`),
    'max |Δlogit| webgpu': cell(r.webgpu, (p) => p.maxDiff.toExponential(1)),
    'max |Δlogit| wasm': cell(r.wasm, (p) => p.maxDiff.toExponential(1)),
  };
});
console.table(rows);
if (bad.length) throw new Error(`${bad.join('; ')} (> ${MAX_DLOGIT}): not the same computation`);

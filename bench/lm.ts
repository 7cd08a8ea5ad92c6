// Language-model benchmark: teacher-forced evaluation throughput (tokens/s over one window from an
// empty cache) of our CPU forward pass (`llamaLogits`) against onnxruntime-node's CPU backend running
// the same model exported to ONNX by scripts/oracles/export_llama_onnx.py, once on one thread (the
// fair comparison with our single-threaded JavaScript) and once on every core. Two models:
// stories260K (our llama2.c reader on public/models/stories260K.bin) and a seeded random 25.7M
// parameter Llama (our Hugging Face folder reader on the script's config.json + safetensors). Both
// sides must give the same logits: the bench prints the largest difference and fails past 1e-3.
// Usage: tsx bench/lm.ts [--runs=5] [--python=PATH] [--cache=DIR]
// (SLIMLAB_PYTHON names the interpreter, SLIMLAB_BENCH_CACHE the export folder, by default
// slimlab-bench-lm in the system's temporary folder).
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import type * as Ort from 'onnxruntime-node';
import type { InferenceSession } from 'onnxruntime-node';
import { fileSource, type FileSource } from '../src/cli/file-source.ts';
import { ensureLmExports, lmBenchCache } from './lm-exports.ts';
import { llamaTensors, type LlamaConfig } from '../src/core/lm/config.ts';
import { llamaLogits, type LlamaWeights } from '../src/core/lm/llama.ts';
import { openGroup } from '../src/formats/group.ts';
import { lmConfigOf } from '../src/formats/hf-config.ts';
import { readTensorF32 } from '../src/formats/tensor-data.ts';
import { loadStories260K, weightsOf } from '../tests/helpers/stories260k.ts';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const RUNS = Number(arg('runs') ?? 5);
const PYTHON = arg('python') ?? process.env.SLIMLAB_PYTHON ?? 'python3';
const CACHE = lmBenchCache(arg('cache'));
/** Same weights, different summation orders: float32 rounding over a few hundred terms. */
const MAX_DLOGIT = 1e-3;

interface Model {
  name: string;
  cfg: LlamaConfig;
  weights: LlamaWeights;
  onnx: string;
  /** Tokens per window. */
  t: number;
}

function skip(why: string): never {
  console.log(`bench:lm skipped: ${why}`);
  process.exit(0);
}

async function hfFolder(dir: string): Promise<{ cfg: LlamaConfig; weights: LlamaWeights }> {
  const files: FileSource[] = [];
  try {
    for (const f of ['config.json', 'model.safetensors'])
      files.push(await fileSource(join(dir, f)));
    const g = await openGroup(files);
    if (g.problems.length) throw new Error(g.problems.map((p) => p.message).join('; '));
    const m = g.models[0]!;
    const cfg = lmConfigOf(m.info.metadata);
    if (!cfg) throw new Error(`${dir}: config.json does not describe a Llama`);
    const byName = new Map(m.info.tensors.map((t) => [t.name, t]));
    const tensors = new Map<string, Float32Array>();
    for (const { name } of llamaTensors(cfg)) {
      const t = byName.get(name);
      if (!t) throw new Error(`${dir}: no tensor ${name}`);
      tensors.set(name, await readTensorF32(m.sources.get(t.dataFile ?? m.info.file)!, t));
    }
    return { cfg, weights: weightsOf(tensors) };
  } finally {
    for (const f of files) await f.close();
  }
}

const paramsOf = (cfg: LlamaConfig) =>
  llamaTensors(cfg).reduce((s, t) => s + t.shape.reduce((a, b) => a * b, 1), 0);

/** Seeded token ids (BOS first): the speed does not depend on the text. */
function tokens(t: number, vocab: number): number[] {
  let s = 12345;
  const out = [1];
  while (out.length < t) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out.push(s % vocab);
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

/**
 * Median wall-clock ms of each function over `RUNS` rounds after a warm-up round, and its last
 * result. A round runs every function once, so load from other processes falls on all of them.
 */
async function timed<K extends string>(
  fs: Record<K, () => Float32Array | Promise<Float32Array>>,
): Promise<Record<K, { ms: number; out: Float32Array }>> {
  const names = Object.keys(fs) as K[];
  const ms = new Map<K, number[]>(names.map((n) => [n, []]));
  const out = new Map<K, Float32Array>();
  for (let round = 0; round <= RUNS; round++)
    for (const n of names) {
      const t0 = performance.now();
      out.set(n, await fs[n]());
      if (round > 0) ms.get(n)!.push(performance.now() - t0);
    }
  return Object.fromEntries(
    names.map((n) => [n, { ms: median(ms.get(n)!), out: out.get(n)! }]),
  ) as Record<K, { ms: number; out: Float32Array }>;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`logits of ${a.length} and ${b.length} values`);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

let ort: typeof Ort;
try {
  ort = await import('onnxruntime-node');
} catch (e) {
  skip(`onnxruntime-node does not load here (${(e as Error).message.split('\n')[0]})`);
}
{
  const why = ensureLmExports(CACHE, PYTHON);
  if (why) skip(why);
}

async function session(path: string, threads: number): Promise<InferenceSession> {
  return ort.InferenceSession.create(path, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  });
}

async function ortLogits(s: InferenceSession, ids: number[]): Promise<Float32Array> {
  const input = new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]);
  const out = await s.run({ input_ids: input });
  return out.logits!.data as Float32Array;
}

const stories = await loadStories260K();
const big = await hfFolder(join(CACHE, 'llama25m'));
const models: Model[] = [
  { name: 'stories260K', ...stories, onnx: join(CACHE, 'stories260K/model.onnx'), t: 256 },
  { name: 'llama25m (random)', ...big, onnx: join(CACHE, 'llama25m/model.onnx'), t: 128 },
];

const cores = availableParallelism();
console.log(
  `machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cores} cores; Node ${process.version}; onnxruntime-node ${ort.env.versions.node ?? ort.env.versions.common}`,
);
console.log(
  `teacher-forced windows from an empty cache; tokens/s = T / median of ${RUNS} interleaved runs after a warm-up; ratios are our tokens/s / onnxruntime's`,
);
const rows = [];
for (const m of models) {
  const ids = tokens(m.t, m.cfg.vocab);
  const one = await session(m.onnx, 1);
  const all = await session(m.onnx, cores);
  const { ours, ort1, ortN } = await timed({
    ours: () => llamaLogits(m.cfg, m.weights, ids),
    ort1: () => ortLogits(one, ids),
    ortN: () => ortLogits(all, ids),
  });
  await one.release();
  await all.release();
  const d = maxAbsDiff(ours.out, ort1.out);
  if (!(d <= MAX_DLOGIT))
    throw new Error(`${m.name}: our logits differ from onnxruntime's by ${d} (> ${MAX_DLOGIT})`);
  const tps = (ms: number) => (m.t / ms) * 1000;
  rows.push({
    model: m.name,
    params: `${(paramsOf(m.cfg) / 1e6).toFixed(2)}M`,
    T: m.t,
    'ours tok/s': +tps(ours.ms).toFixed(1),
    'ort 1 thread tok/s': +tps(ort1.ms).toFixed(1),
    [`ort ${cores} threads tok/s`]: +tps(ortN.ms).toFixed(1),
    'ours / ort 1 thread': `${(ort1.ms / ours.ms).toFixed(2)}×`,
    [`ours / ort ${cores} threads`]: `${(ortN.ms / ours.ms).toFixed(2)}×`,
    'max |Δlogit| vs ort': d.toExponential(1),
  });
}
console.table(rows);

// ---- WebGPU path (src/gpu/ops/llama.ts) against onnxruntime-web on the same adapter ----
// Measured in headless Chromium by bench/lm-web.ts (`npm run bench:lm-web`, part of `npm run
// bench`), on the same model.onnx files from the cache folder above.
console.log('WebGPU path: see `npm run bench:lm-web` (our WebGPU pass against onnxruntime-web)');

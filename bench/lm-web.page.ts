// The page of bench/lm-web.ts: for each model, our WebGPU forward pass (LlamaGpu) and
// onnxruntime-web running the model's ONNX export, once on its WebGPU backend (on this page's
// adapter: the machine's only one, or the default one both sides ask for) and once on its
// single-threaded wasm backend, each over the same teacher-forced window. Each side is run once
// first (the warm-up, and a check that it works: a peer that fails says why and is left out), then
// the three take turns for `runs` rounds; the report has the median of each and the logits of both
// peers compared with ours. The driver serves the cache folder's files under /__lm-cache/.
import * as ort from 'onnxruntime-web/webgpu';
import { llamaTensors, type LlamaConfig } from '../src/core/lm/config.ts';
import { openGroup } from '../src/formats/group.ts';
import { lmConfigOf } from '../src/formats/hf-config.ts';
import { llama2cReader, llamaConfigOf } from '../src/formats/llama2c.ts';
import { bytesSource, type ByteSource } from '../src/formats/source.ts';
import { readTensorF32 } from '../src/formats/tensor-data.ts';
import { acquireGpu, type GpuContext } from '../src/gpu/device.ts';
import { LlamaGpu } from '../src/gpu/ops/llama.ts';

/** One side's median ms over the rounds, and its logits against ours; or why it did not run. */
export type PeerResult = { ms: number; maxDiff: number } | { error: string };

export interface LmWebRow {
  model: string;
  params: number;
  /** Tokens per window. */
  t: number;
  oursMs: number;
  webgpu: PeerResult;
  wasm: PeerResult;
}

export interface LmWebReport {
  /** Our device's adapter, as the GPUAdapter describes itself. */
  adapter: string;
  /** The adapter onnxruntime-web's WebGPU backend took, when it started. */
  ortAdapter: string | null;
  ortVersion: string;
  runs: number;
  rows: LmWebRow[];
  error?: string;
}

declare global {
  interface Window {
    __lmWeb?: LmWebReport;
  }
}

const status = document.getElementById('status')!;
const say = (s: string) => (status.textContent = s);
const RUNS = Number(new URLSearchParams(location.search).get('runs') ?? 5);

async function fetchBytes(url: string): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

interface Model {
  name: string;
  cfg: LlamaConfig;
  tensors: Map<string, Float32Array>;
  onnx: string;
  t: number;
}

/** stories260K through our llama2.c reader, as the app opens it. */
async function stories(): Promise<Model> {
  const src = bytesSource('stories260K.bin', await fetchBytes('/models/stories260K.bin'));
  const info = await llama2cReader.parse(src);
  const cfg = llamaConfigOf(info.metadata);
  if (!cfg) throw new Error('stories260K.bin: the header is not a sound llama2.c configuration');
  const tensors = new Map<string, Float32Array>();
  for (const t of info.tensors) tensors.set(t.name, await readTensorF32(src, t));
  return { name: 'stories260K', cfg, tensors, onnx: '/__lm-cache/stories260K/model.onnx', t: 256 };
}

/** The 25M model's Hugging Face folder through our group opener, as a dropped folder opens. */
async function llama25m(): Promise<Model> {
  const files: ByteSource[] = [];
  for (const f of ['config.json', 'model.safetensors'])
    files.push(bytesSource(f, await fetchBytes(`/__lm-cache/llama25m/${f}`)));
  const g = await openGroup(files);
  if (g.problems.length) throw new Error(g.problems.map((p) => p.message).join('; '));
  const m = g.models[0]!;
  const cfg = lmConfigOf(m.info.metadata);
  if (!cfg) throw new Error('llama25m: config.json does not describe a Llama');
  const byName = new Map(m.info.tensors.map((t) => [t.name, t]));
  const tensors = new Map<string, Float32Array>();
  for (const { name } of llamaTensors(cfg)) {
    const t = byName.get(name);
    if (!t) throw new Error(`llama25m: no tensor ${name}`);
    tensors.set(name, await readTensorF32(m.sources.get(t.dataFile ?? m.info.file)!, t));
  }
  return {
    name: 'llama25m (random)',
    cfg,
    tensors,
    onnx: '/__lm-cache/llama25m/model.onnx',
    t: 128,
  };
}

/** Seeded token ids (BOS first), the same as bench/lm.ts: the speed does not depend on the text. */
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

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`logits of ${a.length} and ${b.length} values`);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

const describe = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function ortSession(bytes: Uint8Array, ep: 'webgpu' | 'wasm') {
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: [ep],
    graphOptimizationLevel: 'all',
  });
  const run = async (ids: number[]): Promise<Float32Array> => {
    const input = new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]);
    const out = await session.run({ input_ids: input });
    const logits = out.logits;
    if (!logits) throw new Error(`the ${ep} session gave no 'logits' output`);
    // Copied out of the backend's memory (the logits already came back to the CPU), as ours are.
    const data = (await logits.getData()).slice() as Float32Array;
    logits.dispose();
    return data;
  };
  return { run, release: () => session.release() };
}

/** The adapter onnxruntime-web's WebGPU backend took, once it started. */
let ortAdapter: string | null = null;

type Side = (ids: number[]) => Promise<Float32Array>;

async function bench(model: Model, ctx: GpuContext): Promise<LmWebRow> {
  const { cfg, t } = model;
  const ids = tokens(t, cfg.vocab);
  const params = llamaTensors(cfg).reduce((s, x) => s + x.shape.reduce((a, b) => a * b, 1), 0);
  const g = new LlamaGpu(ctx, cfg, model.tensors);
  const onnx = await fetchBytes(model.onnx);
  const sides = new Map<string, Side>([['ours', (x) => g.logits(x)]]);
  const releases: Array<() => Promise<void> | void> = [() => g.destroy()];
  const failed = new Map<string, string>();
  const first = new Map<string, Float32Array>();
  try {
    say(`${model.name}: our WebGPU pass, warm-up`);
    first.set('ours', await g.logits(ids));
    // One session at a time: the WebGPU backend refuses to create two at once.
    for (const ep of ['webgpu', 'wasm'] as const) {
      say(`${model.name}: onnxruntime-web ${ep}, session and warm-up`);
      try {
        const s = await ortSession(onnx, ep);
        releases.push(s.release);
        // The backend's device exists once a session on it does; its adapter names itself.
        if (ep === 'webgpu') ortAdapter ??= label((await ort.env.webgpu.device).adapterInfo);
        first.set(ep, await s.run(ids));
        sides.set(ep, s.run);
      } catch (e) {
        failed.set(ep, describe(e));
      }
    }
    // Turns, so that load from other processes falls on every side alike.
    const ms = new Map<string, number[]>([...sides.keys()].map((k) => [k, []]));
    for (let round = 1; round <= RUNS; round++)
      for (const [name, run] of sides) {
        say(`${model.name}: round ${round}/${RUNS}, ${name}`);
        const t0 = performance.now();
        await run(ids);
        ms.get(name)!.push(performance.now() - t0);
      }
    const ours = first.get('ours')!;
    const peer = (ep: 'webgpu' | 'wasm'): PeerResult =>
      failed.has(ep)
        ? { error: failed.get(ep)! }
        : { ms: median(ms.get(ep)!), maxDiff: maxAbsDiff(ours, first.get(ep)!) };
    return {
      model: model.name,
      params,
      t,
      oursMs: median(ms.get('ours')!),
      webgpu: peer('webgpu'),
      wasm: peer('wasm'),
    };
  } finally {
    for (const r of releases) await r();
  }
}

function label(info: GPUAdapterInfo): string {
  const name = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ');
  const fallback = (info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter;
  return `${name || 'unknown adapter'}${fallback ? ' (fallback)' : ''}`;
}

async function main(): Promise<LmWebReport> {
  const got = await acquireGpu(navigator.gpu);
  if (!got.ok) throw new Error(`no WebGPU device: ${got.reason}`);
  const { ctx } = got;
  const adapter = label(ctx.device.adapterInfo);
  // The wasm files come from the package (the bundle's own URL does not survive pre-bundling);
  // one thread, since the page is not cross-origin isolated.
  ort.env.wasm.wasmPaths = new URL('/node_modules/onnxruntime-web/dist/', location.href).href;
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
  const rows: LmWebRow[] = [];
  for (const load of [stories, llama25m]) {
    say('loading weights');
    rows.push(await bench(await load(), ctx));
  }
  ctx.device.destroy();
  return {
    adapter,
    ortAdapter,
    ortVersion: ort.env.versions.web ?? ort.env.versions.common,
    runs: RUNS,
    rows,
  };
}

main()
  .then((r) => (window.__lmWeb = r))
  .catch(
    (e: unknown) =>
      (window.__lmWeb = {
        adapter: '',
        ortAdapter: null,
        ortVersion: '',
        runs: RUNS,
        rows: [],
        error: describe(e),
      }),
  )
  .finally(() => say('done'));

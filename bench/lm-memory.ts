// Peak memory of `slimlab eval` on a 1B-parameter-shaped Llama: scripts/make_random_llama.py writes
// a seeded random model of TinyLlama 1.1B's shape (vocabulary 512, for the stories260K tokenizer;
// 0.97B parameters, 1.9 GB of bfloat16) into a temporary folder, the CLI scores about 130 tokens in
// windows of 128 under /usr/bin/time -v, and the peak resident memory is set against what the
// evaluation must hold: every weight as float32 (the forward pass reads them so), one window's
// activations, and the CLI's own footprint (the same command on a tiny model of the same layout).
// The folder is deleted afterwards. A few minutes on 2 cores; not part of `npm run bench`.
// Usage: tsx bench/lm-memory.ts [--python=PATH] [--ctx=128]   (SLIMLAB_PYTHON names the interpreter)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const PYTHON = arg('python') ?? process.env.SLIMLAB_PYTHON ?? 'python3';
const CTX = Number(arg('ctx') ?? 128);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TIME = '/usr/bin/time';
const MiB = 2 ** 20;

interface Shape {
  dim: number;
  layers: number;
  heads: number;
  kvHeads: number;
  hidden: number;
  vocab: number;
}
const BIG: Shape = { dim: 2048, layers: 22, heads: 32, kvHeads: 4, hidden: 5632, vocab: 512 };
const TINY: Shape = { dim: 64, layers: 2, heads: 4, kvHeads: 2, hidden: 128, vocab: 512 };

function skip(why: string): never {
  console.log(`bench:lm-memory skipped: ${why}`);
  process.exit(0);
}

function params(s: Shape): number {
  const kv = (s.kvHeads * s.dim) / s.heads;
  const layer = 2 * s.dim * s.dim + 2 * kv * s.dim + 3 * s.hidden * s.dim + 2 * s.dim;
  return s.layers * layer + 2 * s.vocab * s.dim + s.dim;
}

/**
 * Bytes of one window of T tokens in the forward pass, counted generously: every intermediate of
 * one block (normed inputs, q, k, v, attention output, projections; gate, up and their product),
 * the float64 copy of a projection's input that the matmul makes, every layer's key/value cache,
 * the residual stream and the logits.
 */
function windowBytes(s: Shape, t: number): number {
  const kv = (s.kvHeads * s.dim) / s.heads;
  const block = 4 * t * (6 * s.dim + 2 * kv + 3 * s.hidden) + 8 * t * Math.max(s.dim, s.hidden);
  const caches = 4 * 2 * s.layers * t * kv;
  return block + caches + 4 * t * (s.dim + s.vocab);
}

function makeModel(dir: string, s: Shape): void {
  const r = spawnSync(
    PYTHON,
    [
      'scripts/make_random_llama.py',
      dir,
      ...['--dim', s.dim, '--layers', s.layers, '--heads', s.heads, '--kv-heads', s.kvHeads],
      ...['--hidden', s.hidden, '--vocab', s.vocab, '--dtype', 'bf16'].map(String),
    ].map(String),
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (r.error || r.status !== 0)
    skip(
      `${PYTHON} scripts/make_random_llama.py failed (it needs torch and safetensors; SLIMLAB_PYTHON names the interpreter): ${r.error?.message ?? r.stderr.trim().split('\n').pop()}`,
    );
}

/** `slimlab eval --json` on the folder under /usr/bin/time -v: its result, peak RSS and seconds. */
function evalPeak(dir: string, text: string): { json: string; rss: number; s: number } {
  const r = spawnSync(
    TIME,
    [
      '-v',
      process.execPath,
      'bin/slimlab.mjs',
      'eval',
      join(dir, 'config.json'),
      join(dir, 'model.safetensors'),
      '--tokenizer',
      'public/models/stories260K.tok512.bin',
      '--text',
      text,
      '--ctx',
      String(CTX),
      '--json',
    ],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  if (r.status !== 0) throw new Error(`slimlab eval failed: ${r.stderr}`);
  const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(
    r.stderr,
  );
  if (!kb || !wall)
    throw new Error(`no peak memory or time in /usr/bin/time's report: ${r.stderr}`);
  const s = Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]);
  return { json: r.stdout.trim(), rss: Number(kb[1]) * 1024, s };
}

if (!existsSync(TIME)) skip(`${TIME} is not installed (it reports the peak memory)`);
const dir = mkdtempSync(join(tmpdir(), 'slimlab-lm-memory-'));
try {
  // About 130 tokens of the shipped evaluation text: one full window of CTX, and a short one.
  const text = join(dir, 'text.txt');
  writeFileSync(
    text,
    readFileSync(join(ROOT, 'public/data/stories-eval.txt'), 'utf8').slice(0, 300),
  );
  makeModel(join(dir, 'tiny'), TINY);
  const base = evalPeak(join(dir, 'tiny'), text);
  console.log(`generating a random ${(params(BIG) / 1e9).toFixed(2)}B-parameter Llama…`);
  makeModel(join(dir, 'big'), BIG);
  const fileBytes = statSync(join(dir, 'big', 'model.safetensors')).size;
  const big = evalPeak(join(dir, 'big'), text);
  const weights = 4 * params(BIG);
  const acts = windowBytes(BIG, CTX);
  const bound = weights + acts + base.rss;
  const mib = (b: number) => `${(b / MiB).toFixed(0)} MiB`;
  console.log(
    `model: ${JSON.stringify(BIG)}, ${params(BIG)} parameters, file ${mib(fileBytes)} (bf16)`,
  );
  console.log(`eval --ctx ${CTX}: ${big.json} in ${big.s.toFixed(0)} s`);
  console.log(
    `peak RSS ${mib(big.rss)}; weights as float32 ${mib(weights)} + one window's activations ${mib(acts)} + the CLI on a tiny model ${mib(base.rss)} = ${mib(bound)}; peak / that = ${(big.rss / bound).toFixed(2)}×, peak / float32 weights = ${(big.rss / weights).toFixed(2)}×`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}

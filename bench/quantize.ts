// Quantization benchmark: per-channel int8 quantize + error metrics over a 1 GB float32 safetensors
// file (four 256 MB tensors), by the `slimlab quantize` CLI and by an equivalent numpy script
// (bench/numpy_quantize.py) run in the same benchmark; and a plain read pass over the same file
// (each tensor read and summed, in this process) as the memory bound. The two tools' numbers are
// checked against each other. Usage: tsx bench/quantize.ts [--gb=1] [--python=PATH]
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { normal } from '../tests/helpers/random.ts';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const GB = Number(arg('gb') ?? 1);
const PYTHON = arg('python') ?? process.env.SLIMLAB_PYTHON ?? 'python3';
const SHAPE = [16384, 4096];
const TENSOR_BYTES = SHAPE[0]! * SHAPE[1]! * 4;

async function makeFile(path: string): Promise<number> {
  const count = Math.max(1, Math.round((GB * 2 ** 30) / TENSOR_BYTES));
  const header: Record<string, unknown> = {};
  for (let i = 0; i < count; i++)
    header[`layers.${i}.weight`] = {
      dtype: 'F32',
      shape: SHAPE,
      data_offsets: [i * TENSOR_BYTES, (i + 1) * TENSOR_BYTES],
    };
  let json = Buffer.from(JSON.stringify(header));
  json = Buffer.concat([json, Buffer.alloc((8 - (json.length % 8)) % 8, 0x20)]);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  const out = createWriteStream(path);
  out.write(len);
  out.write(json);
  // Rows of different scales with a few outliers, so per-channel scales differ.
  const block = normal(1 << 20, 7, 0.02);
  for (let i = 0; i < block.length; i += 997) block[i] = block[i]! * 40;
  const bytes = Buffer.from(block.buffer);
  for (let i = 0; i < count * (TENSOR_BYTES / bytes.length); i++)
    if (!out.write(bytes)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
  return count;
}

/** Reads every tensor into one buffer and sums it: the least any tool must do. */
async function readPass(path: string, count: number): Promise<number> {
  const fh = await open(path, 'r');
  const buf = Buffer.alloc(TENSOR_BYTES);
  const head = Buffer.alloc(8);
  await fh.read(head, 0, 8, 0);
  const base = 8 + Number(head.readBigUInt64LE(0));
  let sink = 0;
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    await fh.read(buf, 0, TENSOR_BYTES, base + i * TENSOR_BYTES);
    const x = new Float32Array(buf.buffer, buf.byteOffset, TENSOR_BYTES / 4);
    let s = 0;
    for (let k = 0; k < x.length; k++) s += x[k]!;
    sink += s;
  }
  const ms = performance.now() - t0;
  await fh.close();
  if (sink === 0.5) console.log('');
  return ms;
}

function timed(cmd: string, args: string[]): { ms: number; out: string } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return { ms, out: r.stdout };
}

const dir = mkdtempSync(join(tmpdir(), 'slimlab-qbench-'));
const path = join(dir, 'model.safetensors');
try {
  const count = await makeFile(path);
  const gb = (count * TENSOR_BYTES) / 2 ** 30;
  console.log(`${count} tensors of [${SHAPE.join(', ')}] float32, ${gb.toFixed(2)} GiB`);
  // Warm the page cache so every contender reads from memory, not disk.
  await readPass(path, count);
  const readMs = await readPass(path, count);
  const cli = timed(process.execPath, [
    'bin/slimlab.mjs',
    'quantize',
    path,
    '--dtype',
    'int8',
    '--granularity',
    'channel',
    '--json',
  ]);
  const ours = cli.out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((r) => r.name);
  const rows: Array<Record<string, string | number>> = [
    {
      tool: 'read pass (node, read + sum)',
      seconds: +(readMs / 1000).toFixed(2),
      'GiB/s': +(gb / (readMs / 1000)).toFixed(2),
    },
    {
      tool: 'slimlab quantize (CLI)',
      seconds: +(cli.ms / 1000).toFixed(2),
      'GiB/s': +(gb / (cli.ms / 1000)).toFixed(2),
    },
  ];
  let peer: { ms: number; out: string } | null = null;
  let hasNumpy = false;
  try {
    execFileSync(PYTHON, ['-c', 'import numpy'], { stdio: 'ignore' });
    hasNumpy = true;
  } catch {
    console.log(`numpy peer skipped: '${PYTHON}' cannot import numpy (set SLIMLAB_PYTHON)`);
  }
  if (hasNumpy) {
    peer = timed(PYTHON, ['bench/numpy_quantize.py', path]);
    rows.push({
      tool: 'numpy script',
      seconds: +(peer.ms / 1000).toFixed(2),
      'GiB/s': +(gb / (peer.ms / 1000)).toFixed(2),
    });
    // The two must agree before their times mean anything.
    const theirs = new Map(
      peer.out
        .trim()
        .split('\n')
        .map((l) => [JSON.parse(l).name, JSON.parse(l)]),
    );
    for (const r of ours) {
      const t = theirs.get(r.name);
      const rel = Math.abs(r.mse / t.mse - 1);
      if (!(rel < 1e-9) || Math.abs(r.sqnr_db - t.sqnr_db) > 1e-6)
        throw new Error(`${r.name}: slimlab mse ${r.mse} vs numpy ${t.mse}`);
    }
  }
  console.table(rows);
  console.log(
    `slimlab: ${((readMs / cli.ms) * 100).toFixed(0)}% of the read pass's throughput` +
      (peer ? `; ${(peer.ms / cli.ms).toFixed(2)}× the numpy script's speed (results agree)` : ''),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// Calibration benchmark: the KL (entropy) threshold search over a 2,048-bin histogram of real
// activations (the demo MLP's fc1 outputs on 2,048 digits), ours against the numpy/scipy version
// (bench/numpy_kl.py) run in the same benchmark on the same histogram; both must pick the same bin.
// Usage: tsx bench/calibrate.ts [--python=PATH]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { absHistogram, klSearch } from '../src/core/calib/calibrate.ts';
import { openModel } from '../src/formats/registry.ts';
import { bytesSource } from '../src/formats/source.ts';
import { readTensorF32 } from '../src/formats/tensor-data.ts';
import { layerInputs } from '../src/core/nn/network.ts';
import { calibrationSet } from '../src/engine/labs/calibration.ts';
import { netFor } from '../src/models/zoo.ts';
import { loadPackageDigits } from '../scripts/mnist-package.ts';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const PYTHON = arg('python') ?? process.env.SLIMLAB_PYTHON ?? 'python3';

const bytes = new Uint8Array(readFileSync('public/models/mnist-mlp.safetensors'));
const info = await openModel(bytesSource('m', bytes));
const p: Record<string, Float32Array> = {};
for (const t of info.tensors) p[t.name] = await readTensorF32(bytesSource('m', bytes), t);
const { x } = calibrationSet(loadPackageDigits(), 2048, 1);
const acts = layerInputs(netFor('mnist-mlp'), p, x, x.length / 784)[1]!;
const h = absHistogram(acts, 2048);
klSearch(h, 128); // warm up
const runs = 20;
const t0 = performance.now();
let pick = 0;
for (let r = 0; r < runs; r++) pick = klSearch(h, 128).threshold;
const ours = (performance.now() - t0) / runs;
console.log(
  `KL search, 2048 bins → 128 levels, ${acts.length.toLocaleString('en-US')} activations`,
);
console.log(`slimlab (JS): ${ours.toFixed(2)} ms per search, threshold ${pick}`);
const dir = mkdtempSync(join(tmpdir(), 'slimlab-kl-'));
try {
  writeFileSync(join(dir, 'h.json'), JSON.stringify({ counts: Array.from(h.counts) }));
  const r = JSON.parse(
    execFileSync(PYTHON, ['bench/numpy_kl.py', join(dir, 'h.json')], { encoding: 'utf8' }),
  ) as {
    ms: number;
    bin: number;
  };
  const theirs = Math.min((r.bin + 0.5) * h.width, h.max);
  if (theirs !== pick) throw new Error(`numpy picks ${theirs}, slimlab ${pick}`);
  console.log(
    `numpy/scipy: ${r.ms.toFixed(1)} ms per search (same pick): slimlab is ${(r.ms / ours).toFixed(1)}× faster`,
  );
} catch (e) {
  console.log(`numpy peer skipped: ${(e as Error).message.split('\n')[0]} (set SLIMLAB_PYTHON)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

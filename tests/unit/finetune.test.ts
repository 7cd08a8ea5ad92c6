// Pruning masks, fine-tuning with masks held fixed, distillation against a labels-only student, and
// pausing a training loop.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { magnitudeMask, nmMask, sparsityOf } from '../../src/core/prune/prune.ts';
import { ticker } from '../../src/engine/backend.ts';
import { distill, pruneAndFineTune, pruneMasks } from '../../src/engine/labs/finetune.ts';
import { MLP_ARCH, netFor } from '../../src/models/zoo.ts';
import { openModel } from '../../src/formats/registry.ts';
import { bytesSource } from '../../src/formats/source.ts';
import { readTensorF32 } from '../../src/formats/tensor-data.ts';
import { loadPackageDigits } from '../../scripts/mnist-package.ts';

const digits = loadPackageDigits();

async function committedMlp() {
  const path = new URL('../../public/models/mnist-mlp.safetensors', import.meta.url).pathname;
  const bytes = new Uint8Array(readFileSync(path));
  const info = await openModel(bytesSource('m', bytes));
  const p: Record<string, Float32Array> = {};
  for (const t of info.tensors) p[t.name] = await readTensorF32(bytesSource('m', bytes), t);
  return p;
}

describe('pruning masks', () => {
  test('magnitude: removes exactly round(s·n) of the smallest |w|, ties in index order', () => {
    const w = Float32Array.from([0.5, -0.1, 0.1, 3, -2, 0.1, 0]);
    expect([...magnitudeMask(w, 3 / 7)]).toEqual([1, 0, 0, 1, 1, 1, 0]);
    expect([...magnitudeMask(w, 4 / 7)]).toEqual([1, 0, 0, 1, 1, 0, 0]);
    expect(sparsityOf(magnitudeMask(w, 0))).toBe(0);
    expect(sparsityOf(magnitudeMask(w, 1))).toBe(1);
    expect(magnitudeMask(new Float32Array(0), 0.5).length).toBe(0);
  });

  test('N:M keeps the N largest of every M along the rows, and a partial group in proportion', () => {
    const w = Float32Array.from([
      1, -4, 3, 2, /* */ 0, 0, 0, 0, /* */ 5, -6, /* row 2 */ 9, 1, 1, 8, 0, 0, 0, 0, 1, 2,
    ]);
    const m = nmMask(w, 10, 2, 4);
    expect([...m.subarray(0, 10)]).toEqual([0, 1, 1, 0, 1, 1, 0, 0, 0, 1]);
    expect([...m.subarray(10)]).toEqual([1, 0, 0, 1, 1, 1, 0, 0, 0, 1]);
    expect(
      sparsityOf(
        nmMask(
          Float32Array.from({ length: 64 }, (_, i) => Math.sin(i)),
          16,
          2,
          4,
        ),
      ),
    ).toBe(0.5);
  });

  test('network masks cover every weight-layer weight and no bias', async () => {
    const p = await committedMlp();
    const masks = pruneMasks(netFor(MLP_ARCH), p, { kind: 'nm', n: 2, m: 4 });
    expect(Object.keys(masks)).toEqual(['fc1.weight', 'fc2.weight', 'fc3.weight']);
    for (const m of Object.values(masks)) expect(sparsityOf(Uint8Array.from(m))).toBe(0.5);
  });
});

describe('training after compression', () => {
  test('fine-tuning with the masks fixed recovers most of what 90% magnitude pruning loses, and stays 90% sparse', async () => {
    const p = await committedMlp();
    const r = await pruneAndFineTune(netFor(MLP_ARCH), p, digits, {
      method: { kind: 'magnitude', sparsity: 0.9 },
      epochs: 1,
      lr: 2e-3,
      seed: 5,
    });
    expect(r.sparsity).toBeCloseTo(0.9, 3);
    expect(r.pruned.accuracy).toBeLessThan(r.fp32.accuracy - 0.2);
    expect(r.tuned.accuracy).toBeGreaterThan(r.pruned.accuracy + 0.3);
    expect(r.curve).toHaveLength(1);
    // Stored as float32 non-zeros plus a bitmask: well under a third of the dense model.
    expect(r.bytes).toBeLessThan((4 * 235_146) / 3);
  }, 120_000);

  test('distillation trains two students side by side and reports both loss terms each epoch', async () => {
    const p = await committedMlp();
    const r = await distill(netFor(MLP_ARCH), p, digits, {
      student: 'mlp-784-32-10',
      temperature: 4,
      alpha: 0.9,
      epochs: 2,
      lr: 5e-3,
      seed: 3,
    });
    expect(r.points.map((x) => `${x.run}${x.epoch}`).sort()).toEqual([
      'distilled0',
      'distilled1',
      'labels0',
      'labels1',
    ]);
    const d = r.points.filter((x) => x.run === 'distilled');
    expect(d[1]!.soft).toBeLessThan(d[0]!.soft);
    expect(Number.isNaN(r.points.find((x) => x.run === 'labels')!.soft)).toBe(true);
    expect(r.studentParams).toBe(784 * 32 + 32 + 32 * 10 + 10);
    expect(r.distilled.accuracy).toBeGreaterThan(0.85);
    expect(r.labelsOnly.accuracy).toBeGreaterThan(0.85);
    expect(r.distilled.agreement!).toBeGreaterThan(0.85);
  }, 120_000);
});

test('a paused training tick waits until resumed, and a cancel while paused still stops it', async () => {
  let paused = true;
  const ctrl = new AbortController();
  const seen: number[] = [];
  const tick = ticker({
    signal: ctrl.signal,
    onProgress: (f) => seen.push(f),
    paused: () => paused,
  });
  let done = false;
  const t = tick(0.5).then(() => (done = true));
  await new Promise((r) => setTimeout(r, 250));
  expect(done).toBe(false);
  expect(seen).toEqual([0.5]);
  paused = false;
  await t;
  expect(done).toBe(true);
  paused = true;
  const t2 = tick(0.6);
  ctrl.abort(new DOMException('cancelled', 'AbortError'));
  await expect(t2).rejects.toThrow(/cancelled/);
});

describe('the calibration lab on networks other than the MLP', () => {
  test('the ViT and the CNN: one study per weight layer, every pick finite, histograms that count every value', async () => {
    const { studyLayers } = await import('../../src/engine/labs/calibration.ts');
    const { CNN_ARCH, VIT_ARCH } = await import('../../src/models/zoo.ts');
    for (const arch of [VIT_ARCH, CNN_ARCH]) {
      const path = new URL(`../../public/models/${arch}.safetensors`, import.meta.url).pathname;
      const bytes = new Uint8Array(readFileSync(path));
      const info = await openModel(bytesSource('m', bytes));
      const p: Record<string, Float32Array> = {};
      for (const t of info.tensors) p[t.name] = await readTensorF32(bytesSource('m', bytes), t);
      const net = netFor(arch);
      const study = await studyLayers(net, p, digits, {
        size: 32,
        seed: 1,
        momentum: 0.9,
        bits: 8,
      });
      expect(study.map((s) => s.layer)).toEqual(
        arch === VIT_ARCH
          ? [
              'patch input (pixels)',
              'blocks.0.attn.qkv input',
              'blocks.0.attn.proj input',
              'blocks.0.mlp.fc1 input',
              'blocks.0.mlp.fc2 input',
              'blocks.1.attn.qkv input',
              'blocks.1.attn.proj input',
              'blocks.1.mlp.fc1 input',
              'blocks.1.mlp.fc2 input',
              'head input',
            ]
          : ['conv1 input (pixels)', 'conv2 input', 'fc1 input', 'fc2 input'],
      );
      for (const s of study) {
        for (const pick of s.picks)
          expect(Number.isFinite(pick.threshold), `${s.layer} ${pick.id}`).toBe(true);
        expect(s.histogram.counts.reduce((a, b) => a + b, 0)).toBe(s.values);
      }
      // 32 digits: 16 tokens × 64 values per token for the ViT's qkv input; 8 × 28 × 28 for conv2's.
      expect(study[1]!.values).toBe(arch === VIT_ARCH ? 32 * 16 * 64 : 32 * 8 * 14 * 14);
    }
  }, 120_000);
});

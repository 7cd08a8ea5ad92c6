// The pruning lab on the demo models: channel pruning that really shrinks the layers (and computes
// exactly what the masked network computes), the study's accounting, the sweep, gradual pruning.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { logitsOf, parameterCount } from '../../src/core/nn/network.ts';
import { gradualPrune } from '../../src/engine/labs/prune-gradual.ts';
import {
  applyLabMasks,
  channelPlan,
  labMasks,
  shrinkNet,
} from '../../src/engine/labs/prune-masks.ts';
import { studyPruning } from '../../src/engine/labs/prune-study.ts';
import { sparsitySweep, sweepMethods } from '../../src/engine/labs/prune-sweep.ts';
import { METHODS } from '../../src/ui/pruning/methods.ts';
import { batchOf, splitDigits, subsetDigits } from '../../src/models/mnist.ts';
import { CNN_ARCH, MLP_ARCH, netFor, VIT_ARCH } from '../../src/models/zoo.ts';
import { openModel } from '../../src/formats/registry.ts';
import { bytesSource } from '../../src/formats/source.ts';
import { readTensorF32 } from '../../src/formats/tensor-data.ts';
import { loadPackageDigits } from '../../scripts/mnist-package.ts';

const digits = loadPackageDigits();

async function committed(arch: string) {
  const path = new URL(`../../public/models/${arch}.safetensors`, import.meta.url).pathname;
  const bytes = new Uint8Array(readFileSync(path));
  const info = await openModel(bytesSource('m', bytes));
  const p: Record<string, Float32Array> = {};
  for (const t of info.tensors) p[t.name] = await readTensorF32(bytesSource('m', bytes), t);
  return p;
}

describe('L1 channel pruning', () => {
  for (const arch of [MLP_ARCH, CNN_ARCH])
    test(`${arch}: the shrunk network computes what the masked one does, with fewer parameters`, async () => {
      const net = netFor(arch);
      const p = await committed(arch);
      const plan = channelPlan(net, p, 0.5);
      const s = shrinkNet(net, p, plan);
      expect(parameterCount(s.net)).toBeLessThan(0.6 * parameterCount(net));
      const { x } = batchOf(digits, splitDigits(digits).test.subarray(0, 16));
      const masked = logitsOf(
        net,
        applyLabMasks(p, labMasks(net, p, { kind: 'channel', sparsity: 0.5 })),
        x,
        16,
      );
      const shrunk = logitsOf(s.net, s.params, x, 16);
      for (let i = 0; i < masked.length; i++) expect(shrunk[i]!).toBeCloseTo(masked[i]!, 4);
      // The classifier keeps its ten outputs.
      expect(s.params[arch === MLP_ARCH ? 'fc3.bias' : 'fc2.bias']!.length).toBe(10);
    });

  test('the ViT says why it is not channel-pruned', async () => {
    expect(() => channelPlan(netFor(VIT_ARCH), {}, 0.5)).toThrow(/residual/);
  });
});

describe('the study and the sweep', () => {
  test('90% magnitude on the MLP: per-layer sparsity, heatmaps, histograms, storage by layout', async () => {
    const net = netFor(MLP_ARCH);
    const p = await committed(MLP_ARCH);
    const s = await studyPruning(net, p, digits, { kind: 'magnitude', sparsity: 0.9 });
    expect(s.sparsity).toBeCloseTo(0.9, 3);
    for (const l of s.layers) {
      expect(l.sparsity).toBeCloseTo(0.9, 2);
      const mean = l.heatmap.kept.reduce((a, v) => a + v, 0) / l.heatmap.kept.length;
      expect(mean).toBeCloseTo(0.1, 1);
      expect(l.histogram.before.reduce((a, v) => a + v, 0)).toBe(l.params);
      expect(l.histogram.after.reduce((a, v) => a + v, 0)).toBe(
        Math.round(l.params * (1 - l.sparsity)),
      );
    }
    const bytes = (layout: string, bits: number) =>
      s.storage.find((r) => r.layout === layout && r.bits === bits)!.bytes;
    expect(bytes('dense', 32)).toBe(4 * 235_146 - 4 * (256 + 128 + 10));
    expect(bytes('bitmask', 32)).toBeLessThan(bytes('dense', 32) / 5);
    expect(bytes('csr', 32)).toBeLessThan(bytes('dense', 32) / 4);
    expect(s.pruned.accuracy).toBeLessThan(s.fp32.accuracy);
  });

  test('2:4 halves every layer; the sweep covers each method at each sparsity', async () => {
    const net = netFor(MLP_ARCH);
    const p = await committed(MLP_ARCH);
    const s = await studyPruning(net, p, digits, { kind: 'nm', n: 2, m: 4 });
    expect(s.sparsity).toBe(0.5);
    expect(s.storage.some((r) => r.layout === '2:4')).toBe(true);
    expect(s.work.every((w) => !w.macs || w.name.includes('relu') || w.sparse24)).toBe(true);
    const sweep = await sparsitySweep(net, p, digits, { sparsities: [0.5, 0.9], fineTune: false });
    expect(sweep.map((x) => x.method)).toEqual([
      'magnitude per layer',
      'global magnitude',
      'L1 channels',
      'magnitude per layer',
      'global magnitude',
      'L1 channels',
      '2:4',
      '1:4',
      '4:8',
    ]);
    const at = (m: string, sp: number) =>
      sweep.find((x) => x.method === m && Math.abs(x.sparsity - sp) < 0.01)!;
    expect(at('magnitude per layer', 0.5).accuracy).toBeGreaterThan(
      at('magnitude per layer', 0.9).accuracy,
    );
    expect(at('1:4', 0.75).accuracy).toBeLessThan(at('2:4', 0.5).accuracy);
  }, 60_000);

  test('"Sweep every method" runs every method of the menu, channels only where they apply', () => {
    const kinds = (arch: typeof MLP_ARCH | typeof CNN_ARCH | typeof VIT_ARCH) =>
      new Set(sweepMethods(netFor(arch), [0.5]).map((m) => m.kind));
    const menu = new Set(METHODS.map((m) => m.make(0.5).kind));
    expect(kinds(MLP_ARCH)).toEqual(menu);
    expect(kinds(CNN_ARCH)).toEqual(menu);
    // The ViT's residual stream cannot lose channels layer by layer: the rest of the menu still runs.
    expect(kinds(VIT_ARCH)).toEqual(new Set([...menu].filter((k) => k !== 'channel')));
  });

  test('gradual pruning to 95% with fine-tuning beats one-shot pruning to 95%', async () => {
    const net = netFor(MLP_ARCH);
    const p = await committed(MLP_ARCH);
    const r = await gradualPrune(net, p, digits, { final: 0.95, epochs: 2, every: 25 });
    expect(r.curve.at(-1)!.sparsity).toBeCloseTo(0.95, 6);
    expect(r.curve[0]!.sparsity).toBeLessThan(0.95);
    expect(r.final.accuracy).toBeGreaterThan(r.oneShot.accuracy + 0.2);
  }, 120_000);

  test('a short run (a quick lab on 1,000 digits: 12 steps) still reaches the final sparsity', async () => {
    const net = netFor(MLP_ARCH);
    const p = await committed(MLP_ARCH);
    const r = await gradualPrune(net, p, subsetDigits(digits, 1000), {
      final: 0.9,
      epochs: 1,
      every: 25,
    });
    expect(r.curve.at(-1)!.sparsity).toBeCloseTo(0.9, 6);
  }, 60_000);
});

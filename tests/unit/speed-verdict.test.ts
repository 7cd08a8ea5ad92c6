// The pruning speed verdict: where it says a compression pays, the latency model predicts more than
// 1.05× there and not at any smaller scanned batch; where it says storage only, no profile, batch
// or precision gets past 1.05×.
import { describe, expect, test } from 'vitest';
import { PROFILES, profileById } from '../../src/core/perf/hardware.ts';
import { atBatch, estimateLatency } from '../../src/core/perf/latency.ts';
import {
  atPrecision,
  PAYS_ABOVE,
  payPoints,
  speedup,
  speedVerdict,
  VERDICT_BATCHES,
} from '../../src/core/perf/verdict.ts';
import { networkWork, FP32 } from '../../src/models/work.ts';
import { mlp, vit } from '../../src/models/zoo.ts';

const dense = networkWork(mlp([784, 256, 128, 10], 'm'), FP32);
const s24 = networkWork(mlp([784, 256, 128, 10], 'm'), { ...FP32, sparse24: true });

describe('speed verdict', () => {
  test('a speed-up is the dense time over the compressed time, as the latency model gives them', () => {
    const a100 = profileById('a100')!;
    const b = 4096;
    const d = estimateLatency(atBatch(atPrecision(dense, 'int8'), b), a100, 'native').seconds;
    const w = estimateLatency(atBatch(atPrecision(s24, 'int8'), b), a100, 'native').seconds;
    expect(speedup(s24, dense, a100, b, 'int8')).toBeCloseTo(d / w, 12);
    // int8 reads a quarter of fp32's bytes.
    expect(atPrecision(dense, 'int8')[0]!.weightBytes).toBe(dense[0]!.weightBytes / 4);
  });

  test('2:4 pays only on profiles with sparse tensor cores, at the first batch the model says so', () => {
    const points = payPoints(s24, dense);
    expect(points.length).toBeGreaterThan(0);
    for (const pt of points) {
      expect(pt.profile.sparse24).toBe(true);
      expect(pt.precision).not.toBe('fp32');
      expect(pt.speedup).toBeCloseTo(speedup(s24, dense, pt.profile, pt.batch, pt.precision), 12);
      expect(pt.speedup).toBeGreaterThan(PAYS_ABOVE);
      // No smaller scanned batch pays, at any precision.
      for (const b of VERDICT_BATCHES.filter((x) => x < pt.batch))
        for (const p of ['fp32', 'fp16', 'int8'] as const)
          expect(speedup(s24, dense, pt.profile, b, p)).toBeLessThanOrEqual(PAYS_ABOVE);
    }
    // Profiles without sparse units never pay, anywhere.
    for (const p of PROFILES.filter((x) => !x.sparse24)) {
      expect(points.some((pt) => pt.profile.id === p.id)).toBe(false);
      for (const b of VERDICT_BATCHES)
        expect(speedup(s24, dense, p, b, 'int8')).toBeLessThanOrEqual(PAYS_ABOVE);
    }
    const v = speedVerdict('2:4 structured', s24, dense, 64);
    expect(v.line).toMatch(/^2:4 structured pays on .*A100.* at batch ≥ [\d,]+ with (int8|fp16)/);
    // The tiny MLP is launch-bound at batch 64: here it saves storage only.
    expect(v.fasterHere).toEqual([]);
    expect(v.line).toMatch(/Here at batch 64 in fp32 it saves storage only\.$/);
  });

  test('unstructured sparsity (run by a dense kernel) saves storage only, and says so', () => {
    const unstructured = networkWork(mlp([784, 256, 128, 10], 'm'), { ...FP32, density: 0.1 });
    expect(payPoints(unstructured, dense)).toEqual([]);
    expect(speedVerdict('magnitude per layer, 90%', unstructured, dense, 64).line).toBe(
      'magnitude per layer, 90% is no faster on any profile at any batch up to 65,536 (fp32, fp16 or int8): it saves storage only.',
    );
  });

  test('a smaller network (the ViT against the MLP as its "dense" model) pays where the model says', () => {
    const big = networkWork(vit(), FP32);
    const small = networkWork(mlp([784, 256, 128, 10], 'm'), FP32);
    for (const pt of payPoints(small, big))
      expect(speedup(small, big, pt.profile, pt.batch, pt.precision)).toBeGreaterThan(PAYS_ABOVE);
  });
});

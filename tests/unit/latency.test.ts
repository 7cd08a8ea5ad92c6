// The roofline latency model against hand-worked cases (numbers from the profiles' datasheets), the
// reasons it gives, and the per-layer work of the demo networks under each compression.
import { describe, expect, test } from 'vitest';
import { PROFILES, profileById } from '../../src/core/perf/hardware.ts';
import { atBatch, estimateLatency, type LayerWork } from '../../src/core/perf/latency.ts';
import { networkWork, FP32 } from '../../src/models/work.ts';
import { cnn, mlp, vit } from '../../src/models/zoo.ts';
import { parameterCount } from '../../src/core/nn/network.ts';

const a10 = profileById('a10')!;
const N = 4096;

function gemm(
  m: number,
  bytesPerWeight: number,
  compute: LayerWork['compute'],
  sparse24 = false,
): LayerWork {
  return {
    name: 'gemm',
    macs: m * N * N,
    weightBytes: N * N * bytesPerWeight,
    activationBytes: 2 * m * N * 2,
    compute,
    sparse24,
    passes: 1,
  };
}

describe('roofline', () => {
  test('a large fp16 GEMM on an A10 is compute-bound at 70% of the 125 TFLOPS tensor peak', () => {
    const e = estimateLatency([gemm(N, 2, 'fp16')], a10, 'native');
    const flops = 2 * N ** 3;
    expect(e.layers[0]!.bound).toBe('compute');
    expect(e.layers[0]!.computeSeconds).toBeCloseTo(flops / (125e12 * 0.7), 12);
    expect(e.seconds).toBeCloseTo(flops / (125e12 * 0.7) + 5e-6, 12);
  });

  test('at batch 1 the same weights are memory-bound: int8 weights halve the time, faster math does not', () => {
    const fp16 = estimateLatency([gemm(1, 2, 'fp16')], a10, 'native');
    const int8 = estimateLatency([gemm(1, 1, 'int8')], a10, 'native');
    expect(fp16.layers[0]!.bound).toBe('memory');
    const bytes = N * N * 2 + 4 * N;
    expect(fp16.layers[0]!.memorySeconds).toBeCloseTo(bytes / (600e9 * 0.85), 12);
    expect(int8.layers[0]!.memorySeconds / fp16.layers[0]!.memorySeconds).toBeCloseTo(
      (N * N + 4 * N) / bytes,
      6,
    );
    expect(fp16.notes.join(' ')).toMatch(/memory-bound/);
  });

  test('int8 on a GPU without int8 units only saves bytes, and says so', () => {
    const m2 = profileById('m2')!;
    const big = [gemm(N, 1, 'int8')];
    const e = estimateLatency(big, m2, 'native');
    const f = estimateLatency([gemm(N, 4, 'fp32')], m2, 'native');
    expect(e.layers[0]!.computeSeconds).toBeCloseTo(f.layers[0]!.computeSeconds, 12);
    expect(e.notes.join(' ')).toMatch(/no int8 arithmetic units/);
  });

  test('2:4 sparsity: 1.3× on sparse tensor cores, nothing on a T4, nothing from WebGPU', () => {
    const dense = estimateLatency([gemm(N, 1, 'int8')], a10, 'native').layers[0]!.computeSeconds;
    const sparse = estimateLatency([gemm(N, 1, 'int8', true)], a10, 'native');
    expect(dense / sparse.layers[0]!.computeSeconds).toBeCloseTo(1.3, 6);
    const t4 = profileById('t4')!;
    const t4d = estimateLatency([gemm(N, 1, 'int8')], t4, 'native');
    const t4s = estimateLatency([gemm(N, 1, 'int8', true)], t4, 'native');
    expect(t4s.layers[0]!.computeSeconds).toBe(t4d.layers[0]!.computeSeconds);
    expect(t4s.notes.join(' ')).toMatch(/no sparse tensor cores/);
    const web = estimateLatency([gemm(N, 1, 'int8', true)], a10, 'webgpu');
    expect(web.notes.join(' ')).toMatch(/WebGPU has no access to sparse tensor cores/);
  });

  test('in the browser an A10 computes at its fp32 rate whatever the precision', () => {
    const f32 = estimateLatency([gemm(N, 4, 'fp32')], a10, 'webgpu').layers[0]!;
    const i8 = estimateLatency([gemm(N, 1, 'int8')], a10, 'webgpu').layers[0]!;
    expect(f32.computeSeconds).toBeCloseTo((2 * N ** 3) / (31.2e12 * 0.45), 12);
    expect(i8.computeSeconds).toBeCloseTo(f32.computeSeconds, 12);
    // Iris Xe reaches DP4A from WebGPU: int8 at 4× its fp32 rate.
    const xe = profileById('irisxe')!;
    const x32 = estimateLatency([gemm(N, 4, 'fp32')], xe, 'webgpu').layers[0]!;
    const x8 = estimateLatency([gemm(N, 1, 'int8')], xe, 'webgpu').layers[0]!;
    expect(x32.computeSeconds / x8.computeSeconds).toBeCloseTo(4, 6);
  });

  test('tiny layers are dominated by launch overhead', () => {
    const tiny: LayerWork = {
      ...gemm(1, 4, 'fp32'),
      macs: 100,
      weightBytes: 400,
      activationBytes: 8,
    };
    const e = estimateLatency([tiny, tiny, tiny], a10, 'webgpu');
    expect(e.layers.every((l) => l.bound === 'overhead')).toBe(true);
    expect(e.seconds).toBeCloseTo(3 * 30e-6, 7);
    expect(e.notes.join(' ')).toMatch(/launch overhead dominates/);
  });

  test('atBatch scales arithmetic and activations, not weights', () => {
    const [w] = atBatch([gemm(1, 2, 'fp16')], 8);
    expect(w!.macs).toBe(8 * N * N);
    expect(w!.activationBytes).toBe(8 * 2 * N * 2);
    expect(w!.weightBytes).toBe(N * N * 2);
  });

  test('every profile cites a source for every number', () => {
    for (const p of PROFILES) {
      for (const v of [p.fp32, p.fp16Matrix, p.int8, p.bandwidthGBs])
        if (v) {
          expect(v.value).toBeGreaterThan(0);
          expect(v.source.length).toBeGreaterThan(10);
        }
    }
    expect(PROFILES.map((p) => p.id)).toEqual(
      expect.arrayContaining([
        'a10',
        'a100',
        'h100',
        'l4',
        't4',
        'rtx4090',
        'm2',
        'm3max',
        'irisxe',
        'adreno740',
        'cpu-avx2',
        'cpu-avx512vnni',
      ]),
    );
  });
});

describe('work of the demo networks', () => {
  test('fp32 weights are 4 bytes per parameter; int8 per channel is a byte plus a scale per row', () => {
    const net = mlp([784, 256, 128, 10], 'm');
    const fp = networkWork(net, FP32);
    expect(fp.reduce((a, w) => a + w.weightBytes, 0)).toBe(4 * parameterCount(net));
    const q = networkWork(net, { weightBits: 8, actBits: 8 });
    const fc1 = q.find((w) => w.name === 'fc1')!;
    expect(fc1.weightBytes).toBe(784 * 256 + 256 * 4 + 256 * 4);
    expect(fc1.compute).toBe('int8');
    expect(fc1.macs).toBe(784 * 256);
    expect(
      networkWork(net, { weightBits: 4, actBits: 16 }).find((w) => w.name === 'fc1')!.compute,
    ).toBe('fp16');
  });

  test('attention counts its two products; convolutions their output pixels; low rank its factors', () => {
    const a = networkWork(vit(), FP32).filter((w) => w.name.endsWith('attention'));
    expect(a).toHaveLength(2);
    expect(a[0]!.macs).toBe(2 * 16 * 16 * 64);
    const c = networkWork(cnn(), FP32).find((w) => w.name === 'conv2')!;
    expect(c.macs).toBe(16 * 8 * 9 * 14 * 14);
    const low = networkWork(cnn(), { ...FP32, ranks: { fc1: 8 } });
    expect(low.find((w) => w.name === 'fc1.a')!.macs).toBe(784 * 8);
    expect(low.find((w) => w.name === 'fc1.b')!.macs).toBe(8 * 64);
  });

  test('2:4 reads half the values plus 2-bit indices; unstructured sparsity reads what dense does', () => {
    const net = mlp([784, 256, 10], 'm');
    const s = networkWork(net, { weightBits: 8, actBits: 8, sparse24: true }).find(
      (w) => w.name === 'fc1',
    )!;
    const n = 784 * 256;
    // A dense kernel reads every weight; sparse units read the compressed values and positions.
    expect(s.weightBytes).toBe(n + 256 * 4 + 256 * 4);
    expect(s.sparseWeightBytes).toBe(n / 2 + n / 8 + 256 * 4 + 256 * 4);
    const u = networkWork(net, { weightBits: 32, actBits: 32, density: 0.1 }).find(
      (w) => w.name === 'fc1',
    )!;
    // Unstructured sparsity runs on the dense kernel: it reads every weight.
    expect(u.weightBytes).toBe(n * 4 + 256 * 4);
  });
});

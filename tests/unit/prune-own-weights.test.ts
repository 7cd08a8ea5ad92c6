// The pruning lab and the latency model on a model that does not run in the tab: every Linear and
// convolution weight pruned by the lab's methods (masks and relative weight error against numpy's,
// scripts/oracles/make_weight_prune_fixtures.py), embedding tables and biases left out, and the
// per-token work of the weights' products for the latency model.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { createEngine } from '../../src/engine/host.ts';
import { jobContext } from '../../src/engine/jobs/context.ts';
import type { LabMethod } from '../../src/engine/labs/prune-masks.ts';
import { matmulWeights } from '../../src/core/perf/matmul-weights.ts';
import { speedVerdict } from '../../src/core/perf/verdict.ts';
import { bytesSource } from '../../src/formats/source.ts';
import { f32Safetensors } from '../helpers/safetensors.ts';

interface Fixture {
  tensors: Record<string, { shape: number[]; data: number[] }>;
  cases: Array<{
    method: LabMethod;
    sparsity: number;
    relative_error: number;
    layers: Array<{ name: string; mask: number[]; sparsity: number; relative_error: number }>;
  }>;
  lowrank: Array<{
    name: string;
    energy: number;
    spectrum: number[];
    rank: number;
    relative_error: number;
  }>;
}

const FIXTURE = JSON.parse(
  readFileSync(
    new URL('../fixtures/oracle/weight_prune_cases.json', import.meta.url).pathname,
    'utf8',
  ),
) as Fixture;

async function openFixture() {
  const engine = createEngine({ digits: () => Promise.reject(new Error('no digits here')) });
  const tensors = Object.fromEntries(
    Object.entries(FIXTURE.tensors).map(([k, t]) => [
      k,
      { shape: t.shape, data: Float32Array.from(t.data) },
    ]),
  );
  const opened = await engine.run(
    'open',
    { files: [bytesSource('own.safetensors', f32Safetensors(tensors))] },
    jobContext(),
  );
  return { engine, id: opened.models[0]!.id };
}

describe('the pruning lab on a model of its own', () => {
  for (const c of FIXTURE.cases)
    test(`${c.method.kind}: masks and relative weight error as numpy computes them`, async () => {
      const { engine, id } = await openFixture();
      const progress: number[] = [];
      const s = await engine.run(
        'pruneWeightStudy',
        { modelId: id, method: c.method },
        jobContext({ onProgress: (f) => progress.push(f) }),
      );
      // The embedding table and the bias are not Linear or convolution weights.
      expect(s.layers.map((l) => l.name)).toEqual(c.layers.map((l) => l.name));
      expect(s.skipped.map((k) => k.name)).toEqual(['tok_embeddings.weight']);
      for (const [i, want] of c.layers.entries()) {
        const got = s.layers[i]!;
        expect(got.shape).toEqual(FIXTURE.tensors[want.name]!.shape);
        expect(got.sparsity).toBeCloseTo(want.sparsity, 12);
        expect(got.relativeError).toBeCloseTo(want.relative_error, 6);
        // These weights are at most 48 columns wide: the heatmap's cells are single weights.
        expect(got.heatmap.kept).toEqual(want.mask);
      }
      expect(s.sparsity).toBeCloseTo(c.sparsity, 12);
      expect(s.relativeError).toBeCloseTo(c.relative_error, 6);
      expect(progress.at(-1)).toBe(1);
    });

  test('2:4 stores compressed where the input channels group by four, and the verdict reads the work', async () => {
    const { engine, id } = await openFixture();
    const s = await engine.run(
      'pruneWeightStudy',
      { modelId: id, method: { kind: 'nm', n: 2, m: 4 } },
      jobContext(),
    );
    const bytes = (layout: string, bits: number) =>
      s.storage.find((r) => r.layout === layout && r.bits === bits)!.bytes;
    // 96 + 192 weights: dense fp32 4 bytes each; 2:4 half the values and 2 bits a kept position.
    expect(bytes('dense', 32)).toBe(288 * 4);
    expect(bytes('2:4', 32)).toBe(144 * 4 + 144 / 4);
    expect(s.work.map((w) => w.sparse24)).toEqual([true, true]);
    expect(s.denseWork.map((w) => w.macs)).toEqual([6 * 16, 6 * 32]);
    const v = speedVerdict(s.label, s.work, s.denseWork, 64);
    expect(v.line).toMatch(/^2:4 structured /);
  });

  test('an abort stops the study between weights', async () => {
    const { engine, id } = await openFixture();
    const ctrl = new AbortController();
    ctrl.abort(new DOMException('cancelled', 'AbortError'));
    await expect(
      engine.run(
        'pruneWeightStudy',
        { modelId: id, method: { kind: 'magnitude', sparsity: 0.5 } },
        jobContext({ signal: ctrl.signal }),
      ),
    ).rejects.toThrow(/cancelled/);
  });

  test('a model without Linear or convolution weights gets a sentence, not an empty study', async () => {
    const engine = createEngine({ digits: () => Promise.reject(new Error('no digits here')) });
    const opened = await engine.run(
      'open',
      {
        files: [
          bytesSource(
            'emb.safetensors',
            f32Safetensors({ 'wte.weight': { shape: [4, 3], data: new Float32Array(12) } }),
          ),
        ],
      },
      jobContext(),
    );
    const modelId = opened.models[0]!.id;
    await expect(
      engine.run('pruneWeightStudy', { modelId, method: { kind: 'nm', n: 2, m: 4 } }, jobContext()),
    ).rejects.toThrow(
      'no Linear (2-D) or convolution (4-D) float weights to prune (left out: wte.weight)',
    );
  });
});

describe('low rank on a model of its own', () => {
  test('each Linear and convolution weight: singular values, rank and error as numpy computes them', async () => {
    const { engine, id } = await openFixture();
    const r = await engine.run('weightLowRank', { modelId: id, energy: 0.9 }, jobContext());
    expect(r.layers.map((l) => l.name)).toEqual(FIXTURE.lowrank.map((l) => l.name));
    for (const [i, want] of FIXTURE.lowrank.entries()) {
      const got = r.layers[i]!;
      expect(got.spectrum).toHaveLength(want.spectrum.length);
      got.spectrum.forEach((s, j) => expect(s).toBeCloseTo(want.spectrum[j]!, 5));
      // A weight [6, n] factors into 6·k + k·n parameters: worth it only below k = 6·n / (6 + n).
      const worth = want.rank * (got.params / 6 + 6) < got.params;
      expect(got.rank).toBe(worth ? want.rank : got.fullRank);
      expect(got.relativeError).toBeCloseTo(worth ? want.relative_error : 0, 6);
    }
    expect(r.skipped.map((k) => k.name)).toEqual(['tok_embeddings.weight']);
  });
});

describe('the latency model on a model of its own', () => {
  test('one product per weight: per token for a Linear, per output position for a convolution', async () => {
    const { engine, id } = await openFixture();
    const work = (positions: number, deployment = { weightBits: 32, actBits: 32 } as const) =>
      engine.run('weightWork', { modelId: id, deployment, positions }, jobContext());
    const one = await work(1);
    expect(one.map((w) => w.name)).toEqual(['block.fc.weight', 'block.conv.weight']);
    expect(one.map((w) => w.macs)).toEqual([6 * 16, 6 * 8 * 2 * 2]);
    // fp32 weights, and activations in and out ((16 + 6) and (32 + 6) per position, 4 bytes).
    expect(one.map((w) => w.weightBytes)).toEqual([96 * 4, 192 * 4]);
    expect(one.map((w) => w.activationBytes)).toEqual([22 * 4, 38 * 4]);
    const many = await work(49);
    expect(many.map((w) => w.macs)).toEqual([96, 192 * 49]);
    const int8 = await work(1, { weightBits: 8, actBits: 8 } as never);
    expect(int8.every((w) => w.compute === 'int8')).toBe(true);
    await expect(work(0)).rejects.toThrow(
      'conv output positions must be a whole number ≥ 1, not 0',
    );
  });

  test('the shapes alone say which weights are products', () => {
    const t = (name: string, shape: number[]) => ({
      name,
      shape,
      params: shape.reduce((a, b) => a * b, 1),
    });
    const r = matmulWeights([
      t('model.embed_tokens.weight', [32, 8]),
      t('transformer.wte.weight', [32, 8]),
      t('token_embd.weight', [8, 32]),
      t('layers.0.attn.q_proj.weight', [8, 8]),
      t('conv1d.weight', [4, 2, 3]),
      t('features.0.weight', [16, 3, 3, 3]),
    ]);
    expect(r.weights.map((w) => [w.name, w.kind, w.rows, w.cols])).toEqual([
      ['layers.0.attn.q_proj.weight', 'linear', 8, 8],
      ['features.0.weight', 'conv', 16, 27],
    ]);
    expect(r.skipped.map((s) => s.name)).toEqual([
      'model.embed_tokens.weight',
      'transformer.wte.weight',
      'token_embd.weight',
      'conv1d.weight',
    ]);
  });
});

describe('the ppocr demo, which does not run in the tab', () => {
  test('its convolutions are pruned 2:4 along the input channels, and its latency has a layer each', async () => {
    const engine = createEngine({ digits: () => Promise.reject(new Error('no digits here')) });
    const bytes = new Uint8Array(
      readFileSync(new URL('../../public/models/ppocr-cls.safetensors', import.meta.url)),
    );
    const opened = await engine.run(
      'open',
      { files: [bytesSource('ppocr-cls.safetensors', bytes)] },
      jobContext(),
    );
    const m = opened.models[0]!;
    expect(m.architecture).toBeNull();
    const s = await engine.run(
      'pruneWeightStudy',
      { modelId: m.id, method: { kind: 'nm', n: 2, m: 4 } },
      jobContext(),
    );
    const convs = s.layers.filter((l) => l.shape.length === 4);
    expect(convs.length).toBeGreaterThan(10);
    // A depthwise convolution has one input channel: a partial group of one keeps it (ceil(2·1/4)).
    for (const l of s.layers) {
      const inputs = l.shape[1]!;
      const want = inputs % 4 === 0 ? 0.5 : 1 - Math.ceil((2 * (inputs % 4)) / 4) / (inputs % 4);
      if (inputs % 4 === 0 || inputs < 4) expect(l.sparsity).toBeCloseTo(want, 12);
    }
    const work = await engine.run(
      'weightWork',
      { modelId: m.id, deployment: { weightBits: 32, actBits: 32 }, positions: 1 },
      jobContext(),
    );
    expect(work.map((w) => w.name)).toEqual(s.layers.map((l) => l.name));
  });
});

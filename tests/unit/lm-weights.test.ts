// A language model's compressed weights: pruning (by magnitude per tensor, or 2:4 along the inputs)
// and low rank (numpy's truncated SVD) of stories260K's projections match numpy
// (scripts/oracles/make_lm_prune_fixtures.py); pruning, low rank and quantization apply in that
// order; the embedding is only quantized; the counts say what was done.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { llamaTensors } from '../../src/core/lm/config.ts';
import { DEFAULT_SPEC } from '../../src/core/quant/spec.ts';
import { createEngine } from '../../src/engine/host.ts';
import { jobContext } from '../../src/engine/jobs/context.ts';
import { NO_COMPRESSION, type LmCompression } from '../../src/engine/lm-compression.ts';
import { compressedWeights, isProjection } from '../../src/engine/lm-weights.ts';
import { openLanguageModel } from '../../src/engine/lm.ts';
import { bytesSource } from '../../src/formats/source.ts';

interface Fixture {
  tensors: Array<{ name: string; shape: number[]; sum: number; absSum: number }>;
  masks: Array<{ name: string; prune: LmCompression['prune']; mask: string }>;
  lowRank: Array<{
    name: string;
    prune: LmCompression['prune'];
    lowRank: { fraction: number };
    rank: number;
    values: string;
  }>;
}

const fixture = JSON.parse(
  readFileSync('tests/fixtures/oracle/lm_prune_cases.json', 'utf8'),
) as Fixture;
const f32 = (b64: string) => new Float32Array(new Uint8Array(Buffer.from(b64, 'base64')).buffer);

async function model() {
  const engine = createEngine({ digits: () => Promise.reject(new Error('no digits')) });
  const m = await engine.run(
    'open',
    {
      files: [
        bytesSource(
          'stories260K.bin',
          new Uint8Array(readFileSync('public/models/stories260K.bin')),
        ),
      ],
    },
    jobContext(),
  );
  return openLanguageModel(engine.env.session, m.models[0]!.id);
}

const only = (c: Partial<LmCompression>): LmCompression => ({ ...NO_COMPRESSION, ...c });

describe('a language model’s weights, pruned and low-ranked', { timeout: 120_000 }, () => {
  test('the projections the oracle read are the ones loaded (same sums)', async () => {
    const lm = await model();
    for (const t of fixture.tensors) {
      const x = lm.weights.get(t.name)!;
      expect(x.length).toBe(t.shape[0]! * t.shape[1]!);
      let s = 0;
      let a = 0;
      for (const v of x) {
        s += v;
        a += Math.abs(v);
      }
      expect(s).toBeCloseTo(t.sum, 9);
      expect(a).toBeCloseTo(t.absSum, 9);
    }
  });

  test('magnitude and 2:4 masks match numpy’s, the kept weights unchanged', async () => {
    const lm = await model();
    for (const c of fixture.masks) {
      const w = await compressedWeights(lm, only({ prune: c.prune }));
      const x = lm.weights.get(c.name)!;
      const got = w.get(c.name)!;
      const want = Float32Array.from(c.mask, (m, i) => (m === '1' ? x[i]! : 0));
      expect(got, `${c.name} ${JSON.stringify(c.prune)}`).toEqual(want);
    }
  });

  test('low rank (after any pruning) matches numpy’s truncated SVD', async () => {
    const lm = await model();
    // A decomposition cancelled part way is not kept: the next call makes it whole.
    const ctrl = new AbortController();
    const first = fixture.lowRank[0]!;
    const cancelled = compressedWeights(
      lm,
      only({ prune: first.prune, lowRank: first.lowRank }),
      ctrl.signal,
      () => ctrl.abort(new DOMException('cancelled', 'AbortError')),
    );
    await expect(cancelled).rejects.toThrow(/cancelled/);
    for (const c of fixture.lowRank) {
      const w = await compressedWeights(lm, only({ prune: c.prune, lowRank: c.lowRank }));
      const want = f32(c.values);
      const got = w.get(c.name)!;
      let scale = 0;
      for (const v of want) scale = Math.max(scale, Math.abs(v));
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
      // float64 on both sides, then rounded to float32: a few float32 steps of the largest value.
      expect(worst / scale, `${c.name} rank ${c.rank}`).toBeLessThan(1e-5);
    }
  });

  test('quantization comes last: the low-rank matrix lands on each row’s int8 grid', async () => {
    const lm = await model();
    const c = fixture.lowRank.find((x) => x.prune?.method === 'magnitude')!;
    const spec = { ...DEFAULT_SPEC, bits: 8 };
    const w = await compressedWeights(
      lm,
      only({ prune: c.prune, lowRank: c.lowRank, weights: spec }),
    );
    const want = f32(c.values);
    const got = w.get(c.name)!;
    const cols = fixture.tensors.find((t) => t.name === c.name)!.shape[1]!;
    for (let r = 0; r < want.length / cols; r++) {
      let absmax = 0;
      for (let j = 0; j < cols; j++) absmax = Math.max(absmax, Math.abs(want[r * cols + j]!));
      const step = absmax / 127;
      for (let j = 0; j < cols; j++) {
        const i = r * cols + j;
        expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(step / 2 + 1e-6 * absmax);
        expect(Math.abs(got[i]! / step - Math.round(got[i]! / step))).toBeLessThan(1e-3);
      }
    }
  });

  test('the embedding is only quantized; norms are kept; the counts say what was done', async () => {
    const lm = await model();
    const matrices = llamaTensors(lm.cfg).filter((t) => t.shape.length === 2);
    const proj = matrices.filter((t) => isProjection(t.name));
    expect(proj).toHaveLength(7 * lm.cfg.layers);
    const c = only({
      prune: { method: '2:4' },
      lowRank: { fraction: 0.3 },
      weights: DEFAULT_SPEC,
    });
    const w = await compressedWeights(lm, c);
    expect(w.get('model.layers.2.input_layernorm.weight')).toBe(
      lm.weights.get('model.layers.2.input_layernorm.weight'),
    );
    // int8 per output channel: each row of the embedding keeps its own signs and order of magnitude.
    const e = w.get('model.embed_tokens.weight')!;
    const e0 = lm.weights.get('model.embed_tokens.weight')!;
    let zeros = 0;
    for (const v of e) if (v === 0) zeros++;
    expect(zeros / e.length).toBeLessThan(0.1);
    expect(e.some((v, i) => Math.sign(v) === -Math.sign(e0[i]!) && v !== 0)).toBe(false);
    const params = proj.reduce((a, t) => a + t.shape[0]! * t.shape[1]!, 0);
    const rankParams = proj.reduce((a, t) => {
      const [o, i] = t.shape as [number, number];
      return a + Math.ceil(0.3 * Math.min(o, i)) * (o + i);
    }, 0);
    // int8 with a float32 scale per row of `in` weights: 8 + 32 / in bits per weight.
    const all = matrices.reduce((a, t) => a + t.shape[0]! * t.shape[1]!, 0);
    const bpw = matrices.reduce((a, t) => a + t.shape[0]! * (8 * t.shape[1]! + 32), 0) / all;
    expect(w.counts.projectionParams).toBe(params);
    // Every input dimension of stories260K divides by 4: exactly half of each projection goes.
    expect(w.counts.sparsity).toBe(0.5);
    expect(w.counts.lowRankParams).toBe(rankParams);
    expect(w.counts.bitsPerWeight).toBeCloseTo(bpw, 10);
  });

  test('bad settings are refused by name; an aborted signal stops it', async () => {
    const lm = await model();
    await expect(
      compressedWeights(lm, only({ prune: { method: 'magnitude', sparsity: 1.5 } })),
    ).rejects.toThrow(/sparsity/);
    await expect(compressedWeights(lm, only({ lowRank: { fraction: 0 } }))).rejects.toThrow(
      /fraction/,
    );
    const ctrl = new AbortController();
    ctrl.abort(new DOMException('cancelled', 'AbortError'));
    await expect(
      compressedWeights(lm, only({ lowRank: { fraction: 0.5 } }), ctrl.signal),
    ).rejects.toThrow(/cancelled/);
  });
});

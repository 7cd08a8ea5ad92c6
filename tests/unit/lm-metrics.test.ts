// Language-model metrics (llama.cpp's tools/perplexity statistics) against numpy's on the same logits:
// stories260K's HF logits and those of an int8-per-channel copy (scripts/oracles/make_llama_fixtures.py).
import { describe, expect, test } from 'vitest';
import {
  compareLogits,
  nextTokenNll,
  perplexity,
  summarize,
  windows,
} from '../../src/core/lm/metrics.ts';
import { loadLogitsFixture } from '../helpers/stories260k.ts';

const VOCAB = 512;
const fx = loadLogitsFixture();

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++)
    expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThanOrEqual(
      tol * Math.max(1, Math.abs(expected[i]!)),
    );
}

describe('perplexity', () => {
  test('per-token NLL and PPL equal numpy on HF logits', () => {
    const nll = nextTokenNll(fx.logits, VOCAB, fx.tokens);
    expect(nll.length).toBe(fx.tokens.length - 1);
    expectClose(nll, fx.base.nll, 1e-12);
    expect(perplexity(nll)).toBeCloseTo(fx.base.ppl, 12);
  });

  test('a uniform prediction has perplexity equal to the vocabulary', () => {
    const nll = nextTokenNll(new Float32Array(3 * VOCAB), VOCAB, [1, 5, 9]);
    expect(perplexity(nll)).toBeCloseTo(VOCAB, 9);
  });
});

describe('against the base model (KL, same top, Δp)', () => {
  test('statistics of the int8 copy equal numpy', () => {
    const c = compareLogits(fx.logits, fx.quantized.logits, VOCAB, fx.tokens);
    const q = fx.quantized;
    expect(c.count).toBe(fx.tokens.length - 1);
    expectClose(c.kl, q.kl, 1e-9);
    for (const k of ['mean', 'median', 'p90', 'p99', 'p99_9', 'max', 'min'] as const)
      expect(c.klSummary[k]).toBeCloseTo(q.kl_summary[k], 11);
    expect(c.sameTop).toBe(q.same_top);
    expect(c.dpRms).toBeCloseTo(q.dp_rms, 12);
    expect(c.ppl).toBeCloseTo(q.ppl, 12);
    expect(c.pplBase).toBeCloseTo(q.ppl_base, 12);
    expect(c.lnPplRatio).toBeCloseTo(q.ln_ppl_ratio, 12);
    expectClose(nextTokenNll(q.logits, VOCAB, fx.tokens), q.nll, 1e-12);
  });

  test('a model against itself: KL 0, same top 100 %, Δp 0, PPL ratio 1', () => {
    const c = compareLogits(fx.logits, fx.logits, VOCAB, fx.tokens);
    expect(c.klSummary.max).toBe(0);
    expect(c.klSummary.min).toBe(0);
    expect(c.sameTop).toBe(1);
    expect(c.dpRms).toBe(0);
    expect(c.lnPplRatio).toBe(0);
  });

  test("summaries interpolate percentiles like llama.cpp's", () => {
    const s = summarize([4, 1, 3, 2]);
    const want = { mean: 2.5, median: 2.5, p90: 3.7, p99: 3.97, p99_9: 3.997, max: 4, min: 1 };
    for (const [k, v] of Object.entries(want)) expect(s[k as keyof typeof s]).toBeCloseTo(v, 12);
    expect(summarize([5, 1, 3]).median).toBe(3);
  });
});

describe('windows', () => {
  test('consecutive windows of ctx tokens; a one-token tail has nothing to score and is dropped', () => {
    const tokens = [1, 10, 11, 12, 13, 14, 15];
    expect(windows(tokens, 3).map((w) => Array.from(w))).toEqual([
      [1, 10, 11],
      [12, 13, 14],
    ]);
    expect(windows(tokens.slice(0, 6), 4).map((w) => Array.from(w))).toEqual([
      [1, 10, 11, 12],
      [13, 14],
    ]);
    expect(() => windows(tokens, 1)).toThrow(/at least 2/);
  });

  test('every token but the first of each window is scored once', () => {
    const tokens = Array.from({ length: 50 }, (_, i) => i);
    const scored = windows(tokens, 8).reduce((n, w) => n + w.length - 1, 0);
    expect(scored).toBe(50 - Math.ceil(50 / 8));
  });
});

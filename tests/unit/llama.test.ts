// The Llama forward pass against Hugging Face transformers' LlamaForCausalLM on stories260K's real
// weights (scripts/oracles/make_llama_fixtures.py), and its own consistency: the KV-cache step equals
// the window pass, and HF's half-split rotary layout equals llama2.c's interleaved one after the
// conversion scripts' row permutation.
import { beforeAll, describe, expect, test } from 'vitest';
import { headDim, type LlamaConfig } from '../../src/core/lm/config.ts';
import {
  createLlamaState,
  llamaLogits,
  llamaLogitsInSteps,
  llamaStep,
  type LlamaWeights,
} from '../../src/core/lm/llama.ts';
import { interleavedToHalf, rmsNorm, rope, swiglu } from '../../src/core/lm/ops.ts';
import { gqaAttention } from '../../src/core/lm/attention.ts';
import { attentionReference } from '../../src/core/nn/attention.ts';
import { loadLogitsFixture, loadStories260K, weightsOf } from '../helpers/stories260k.ts';
import { rng as mulberry32 } from '../helpers/random.ts';

/** HF computes in float32 with other summation orders; the brief's bound on the logits. */
const LOGIT_TOL = 1e-4;

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

let cfg: LlamaConfig;
let tensors: Map<string, Float32Array>;
let weights: LlamaWeights;
const fixture = loadLogitsFixture();

beforeAll(async () => {
  ({ cfg, tensors, weights } = await loadStories260K());
});

describe('stories260K against transformers', () => {
  test('window logits equal HF LlamaForCausalLM within 1e-4', () => {
    const ours = llamaLogits(cfg, weights, fixture.tokens);
    expect(ours.length).toBe(fixture.tokens.length * cfg.vocab);
    const d = maxAbsDiff(ours, fixture.logits);
    console.log(`stories260K: max |Δlogit| vs transformers = ${d.toExponential(2)}`);
    expect(d).toBeLessThanOrEqual(LOGIT_TOL);
  });

  test('the window pass in steps (a pause after each layer) gives the same logits', async () => {
    let pauses = 0;
    const stepped = await llamaLogitsInSteps(cfg, weights, fixture.tokens, async () => {
      pauses++;
    });
    expect(pauses).toBe(cfg.layers);
    expect(maxAbsDiff(stepped, llamaLogits(cfg, weights, fixture.tokens))).toBe(0);
  });

  test('the KV-cache step gives the window pass logits at every position', () => {
    const window = llamaLogits(cfg, weights, fixture.tokens);
    const state = createLlamaState(cfg);
    for (let t = 0; t < fixture.tokens.length; t++) {
      const step = llamaStep(cfg, weights, state, fixture.tokens[t]!);
      expect(maxAbsDiff(step, window.subarray(t * cfg.vocab, (t + 1) * cfg.vocab))).toBe(0);
    }
    expect(state.pos).toBe(fixture.tokens.length);
  });

  test("HF's half-split rotary on permuted q/k rows equals llama2.c's interleaved layout", () => {
    const hd = headDim(cfg);
    const permuted = new Map(tensors);
    for (let l = 0; l < cfg.layers; l++) {
      const q = `model.layers.${l}.self_attn.q_proj.weight`;
      const k = `model.layers.${l}.self_attn.k_proj.weight`;
      permuted.set(q, interleavedToHalf(tensors.get(q)!, cfg.heads, hd, cfg.dim));
      permuted.set(k, interleavedToHalf(tensors.get(k)!, cfg.kvHeads, hd, cfg.dim));
    }
    const tokens = fixture.tokens.slice(0, 24);
    const a = llamaLogits(cfg, weights, tokens);
    const b = llamaLogits({ ...cfg, rope: 'half' }, weightsOf(permuted), tokens);
    expect(maxAbsDiff(a, b)).toBeLessThan(1e-5);
  });

  test('a 256-token window runs in one pass (timing)', () => {
    const tokens = Array.from(
      { length: 256 },
      (_, i) => fixture.tokens[i % fixture.tokens.length]!,
    );
    const t0 = performance.now();
    const logits = llamaLogits(cfg, weights, tokens);
    const ms = performance.now() - t0;
    console.log(`stories260K: 256-token window forward in ${ms.toFixed(0)} ms`);
    expect(logits.every(Number.isFinite)).toBe(true);
  });

  test('tokens outside the vocabulary and windows past the context are refused', () => {
    expect(() => llamaLogits(cfg, weights, [1, cfg.vocab])).toThrow(/token 1 is 512/);
    expect(() => llamaLogits(cfg, weights, new Int32Array(cfg.seqLen + 1))).toThrow(
      /context of 512/,
    );
  });
});

describe('the pieces', () => {
  test('rmsNorm divides by the root mean square and scales by the weight', () => {
    const y = rmsNorm(Float32Array.of(3, 4, 0, 0), Float32Array.of(1, 2), 2, 2, 1e-5);
    const inv = Math.fround(1 / Math.sqrt(12.5 + 1e-5));
    expect(Array.from(y)).toEqual([Math.fround(3 * inv), 2 * Math.fround(4 * inv), 0, 0]);
  });

  test('rope turns pair i by pos · theta^(−2i/d) and leaves position 0 alone', () => {
    const x = Float32Array.of(1, 0, 1, 0);
    rope(x, 1, 1, 4, 0, 10000, 'interleaved');
    expect(Array.from(x)).toEqual([1, 0, 1, 0]);
    rope(x, 1, 1, 4, 3, 10000, 'interleaved');
    expect(x[0]).toBeCloseTo(Math.cos(3), 6);
    expect(x[1]).toBeCloseTo(Math.sin(3), 6);
    expect(x[2]).toBeCloseTo(Math.cos(0.03), 6);
    const h = Float32Array.of(1, 1, 0, 0);
    rope(h, 1, 1, 4, 3, 10000, 'half');
    expect(h[0]).toBeCloseTo(Math.cos(3), 6);
    expect(h[2]).toBeCloseTo(Math.sin(3), 6);
  });

  test('swiglu is silu(gate) · up', () => {
    const y = swiglu(Float32Array.of(0, 2, -30), Float32Array.of(5, 3, 1));
    expect(y[0]).toBe(0);
    expect(y[1]).toBeCloseTo((2 / (1 + Math.exp(-2))) * 3, 6);
    expect(Math.abs(y[2]!)).toBeLessThan(1e-11);
  });

  test('grouped-query attention with one head per key equals the existing causal attention', () => {
    const rand = mulberry32(7);
    const [n, heads, d] = [9, 3, 4];
    const q = Float32Array.from({ length: n * heads * d }, () => rand() * 2 - 1);
    const k = Float32Array.from({ length: n * heads * d }, () => rand() * 2 - 1);
    const v = Float32Array.from({ length: n * heads * d }, () => rand() * 2 - 1);
    const out = gqaAttention(q, k, v, { rows: n, pos0: 0, heads, kvHeads: heads, headDim: d });
    // attentionReference wants [heads, n, d]; ours is [n, heads, d].
    const toHeads = (x: Float32Array) => {
      const y = new Float32Array(x.length);
      for (let t = 0; t < n; t++)
        for (let h = 0; h < heads; h++)
          y.set(x.subarray((t * heads + h) * d, (t * heads + h + 1) * d), (h * n + t) * d);
      return y;
    };
    const ref = attentionReference(toHeads(q), toHeads(k), toHeads(v), heads, n, d, true);
    expect(maxAbsDiff(toHeads(out), ref)).toBeLessThan(1e-6);
  });
});

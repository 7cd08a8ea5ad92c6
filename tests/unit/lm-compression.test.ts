// Each compression of issue 18 on stories260K, through the engine's lmEval job, against goldens
// computed in torch from the definitions (scripts/oracles/make_lm_compression_fixtures.py): key/value
// cache int8 and int4, W8A8 with min-max ranges, LLM.int8() at threshold 6, weights int4 in groups
// of 32. Plus generation: the rounded cache gives the same logits step by step as in one pass.
// The weight and cache cases match torch to float32 noise. With activations quantized, a value that
// float32 rounding puts on the other side of a code boundary flips a code, and a few flips move PPL
// by up to ~1% (the golden measures this: its `spread`, torch against itself under a relative 1e-6
// input noise); so those cases are held to twice that spread, and their hooks exactly to torch on
// fixed inputs (`hook_cases`).
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { llmInt8Projection, roundRuns, w8a8Projection } from '../../src/core/lm/hooks.ts';
import { createLlamaState, llamaLogits, llamaStep } from '../../src/core/lm/llama.ts';
import { createEngine } from '../../src/engine/host.ts';
import { jobContext } from '../../src/engine/jobs/context.ts';
import { NO_COMPRESSION, type LmCompression } from '../../src/engine/lm-compression.ts';
import { DEFAULT_SPEC } from '../../src/core/quant/spec.ts';
import { bytesSource } from '../../src/formats/source.ts';
import { ORACLE_DIR } from '../helpers/fixtures.ts';
import { loadStories260K } from '../helpers/stories260k.ts';

interface Case {
  nll: number[];
  ppl: number;
  ppl_base: number;
  kl_mean: number;
  kl_median: number;
  kl_p99: number;
  kl_max: number;
  same_top: number;
  kept_fraction?: number;
  kept_by_projection?: Record<string, number>;
  thresholds?: Record<string, number>;
  calibration_tokens?: number;
  spread?: { ppl_rel: number; kl_mean_abs: number };
}
interface HookCases {
  x: number[];
  w: number[];
  rows: number;
  in: number;
  out: number;
  w8a8_threshold: number;
  w8a8: number[];
  llm_int8_threshold: number;
  llm_int8: number[];
  llm_int8_outliers: number[];
  k: number[];
  head_dim: number;
  k_int8: number[];
  k_int4: number[];
}
const FX = JSON.parse(readFileSync(`${ORACLE_DIR}lm_compression.json`, 'utf8')) as {
  text: string;
  tokens: number[];
  base: { nll: number[]; ppl: number };
  cases: Record<string, Case>;
  hook_cases: HookCases;
};
const bytes = (p: string) => new Uint8Array(readFileSync(p));
const TOK = 'public/models/stories260K.tok512.bin';
/** One window holding the whole text. */
const CTX = 128;

const engine = createEngine({ digits: () => Promise.reject(new Error('no digits')) });
const modelId = engine
  .run(
    'open',
    { files: [bytesSource('stories260K.bin', bytes('public/models/stories260K.bin'))] },
    jobContext(),
  )
  .then((m) => m.models[0]!.id);

async function evaluate(compression: Partial<LmCompression>) {
  return engine.run(
    'lmEval',
    {
      modelId: await modelId,
      tokenizer: bytesSource('tok.bin', bytes(TOK)),
      text: FX.text,
      ctx: CTX,
      compression: { ...NO_COMPRESSION, ...compression },
    },
    jobContext(),
  );
}

/**
 * Our evaluation against a golden: PPL to 1e-4 relative and KL mean to 1e-5 (or twice the golden's
 * spread under input noise, for the activation cases), the rest of the KL summary and the same-top
 * rate where the numbers are not chaotic.
 */
async function check(name: string, compression: Partial<LmCompression>) {
  const want = FX.cases[name]!;
  const e = await evaluate(compression);
  expect(Array.from(e.ids)).toEqual(FX.tokens);
  expect(e.scored).toBe(FX.tokens.length - 1);
  const c = e.compressed!;
  expect(Math.abs(e.ppl / FX.base.ppl - 1)).toBeLessThan(1e-5);
  const dPpl = Math.abs(c.ppl / want.ppl - 1);
  const dKl = Math.abs(c.kl.mean - want.kl_mean);
  console.log(
    `${name}: PPL ${c.ppl.toFixed(5)} (torch ${want.ppl.toFixed(5)}, Δ ${dPpl.toExponential(1)}), KL mean ${c.kl.mean.toExponential(4)} (torch ${want.kl_mean.toExponential(4)}, Δ ${dKl.toExponential(1)}), same top ${c.sameTopPct.toFixed(2)}%`,
  );
  expect(dPpl).toBeLessThan(Math.max(1e-4, 2 * (want.spread?.ppl_rel ?? 0)));
  expect(dKl).toBeLessThan(Math.max(1e-5, 2 * (want.spread?.kl_mean_abs ?? 0)));
  // The per-token KL the tab ranks by (float32): its mean is the summary's.
  let s = 0;
  for (let t = 1; t < e.tokens; t++) s += c.tokenKl[t]!;
  expect(Math.abs(s / e.scored / c.kl.mean - 1)).toBeLessThan(1e-6);
  if (!want.spread) {
    expect(Math.abs(c.kl.median - want.kl_median)).toBeLessThan(1e-5);
    expect(Math.abs(c.kl.max / want.kl_max - 1)).toBeLessThan(1e-3);
    expect(Math.abs(c.kl.p99 / want.kl_p99 - 1)).toBeLessThan(1e-3);
    expect(c.sameTopPct).toBeCloseTo(100 * want.same_top, 9);
  }
  return e;
}

describe('compressions of stories260K against torch', () => {
  test('the base model: the text, its tokens and their NLL', async () => {
    const e = await evaluate({});
    expect(e.compressed).toBeNull();
    expect(Array.from(e.ids)).toEqual(FX.tokens);
    for (let t = 1; t < FX.tokens.length; t++)
      expect(Math.abs(e.tokenLoss[t]! - FX.base.nll[t - 1]!)).toBeLessThan(1e-4);
  });

  test('key/value cache int8', () => check('kv_int8', { kvCache: 'int8' }));
  test('key/value cache int4', () => check('kv_int4', { kvCache: 'int4' }));

  test('W8A8 with min-max ranges from the first 64 tokens', async () => {
    const want = FX.cases.w8a8_minmax!;
    const e = await check('w8a8_minmax', {
      activations: { kind: 'w8a8', method: { kind: 'minmax' }, calibrationTokens: 64 },
    });
    const cal = e.compressed!.calibration!;
    expect(cal.tokens).toBe(want.calibration_tokens);
    expect(Object.keys(cal.thresholds).sort()).toEqual(Object.keys(want.thresholds!).sort());
    for (const [k, v] of Object.entries(want.thresholds!))
      expect(Math.abs(cal.thresholds[k]! / v - 1)).toBeLessThan(1e-5);
  });

  test('LLM.int8() at threshold 6: the same features kept in float', async () => {
    const want = FX.cases.llm_int8!;
    const e = await check('llm_int8', { activations: { kind: 'llm.int8', threshold: 6 } });
    const o = e.compressed!.int8Outliers!;
    expect(o.fraction).toBeCloseTo(want.kept_fraction!, 12);
    expect(o.fraction).toBeGreaterThan(0);
    expect(o.byProjection).toEqual(want.kept_by_projection);
  });

  test('weights int4 symmetric in groups of 32', () =>
    check('weights_int4_g32', {
      weights: { ...DEFAULT_SPEC, bits: 4, granularity: { kind: 'group', size: 32 } },
    }));
});

describe('the hooks on fixed inputs, against torch', () => {
  const h = FX.hook_cases;
  const x = Float32Array.from(h.x);
  const w = Float32Array.from(h.w);
  const near = (got: Float32Array, want: number[], tol: number) => {
    expect(got.length).toBe(want.length);
    let d = 0;
    for (let i = 0; i < got.length; i++) d = Math.max(d, Math.abs(got[i]! - want[i]!));
    expect(d).toBeLessThan(tol);
  };
  test('W8A8: per-tensor int8 input at a threshold, int8 weight rows', () => {
    const p = w8a8Projection(new Map([['p', h.w8a8_threshold]]));
    near(p('p', x, w, h.rows, h.in, h.out), h.w8a8, 1e-5);
    expect(() => p('q', x, w, h.rows, h.in, h.out)).toThrow(/no calibrated range for q/);
  });
  test('LLM.int8(): outlier features float, the rest int8 rows × int8 weight rows', () => {
    const m = llmInt8Projection(h.llm_int8_threshold);
    near(m.project('p', x, w, h.rows, h.in, h.out), h.llm_int8, 1e-5);
    expect(m.counts.kept).toBe(h.llm_int8_outliers.length);
    expect(m.counts.byProjection.get('p')).toEqual({ kept: 2, features: h.in });
    expect(() => llmInt8Projection(0)).toThrow(/threshold must be positive/);
  });
  test('key/value rounding per token and head, int8 and int4', () => {
    for (const [qmax, want] of [
      [127, h.k_int8],
      [7, h.k_int4],
    ] as const) {
      const k = Float32Array.from(h.k);
      roundRuns(k, h.head_dim, qmax);
      near(k, want, 1e-7);
    }
  });
});

describe('the rounded key/value cache in generation', () => {
  test('step by step equals one pass, for int8 and int4', async () => {
    const { cfg, weights } = await loadStories260K();
    const tokens = FX.tokens.slice(0, 24);
    for (const kvCache of ['int8', 'int4'] as const) {
      const whole = llamaLogits(cfg, weights, tokens, { kvCache });
      const plain = llamaLogits(cfg, weights, tokens);
      const state = createLlamaState(cfg);
      let d = 0;
      let moved = 0;
      for (const [t, id] of tokens.entries()) {
        const row = llamaStep(cfg, weights, state, id, { kvCache });
        for (let i = 0; i < cfg.vocab; i++) {
          d = Math.max(d, Math.abs(row[i]! - whole[t * cfg.vocab + i]!));
          moved = Math.max(moved, Math.abs(row[i]! - plain[t * cfg.vocab + i]!));
        }
      }
      expect(d).toBeLessThan(1e-4);
      expect(moved).toBeGreaterThan(1e-3);
    }
  });
});

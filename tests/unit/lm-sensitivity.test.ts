// Sensitivity of stories260K measured by its outputs: each matrix quantized alone, ranked by the KL
// divergence from the base model on the first tokens of a text; the planner's options costed in KL;
// a chosen plan measured whole.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import { planMixed, uniformPlan } from '../../src/core/quant/planner.ts';
import { DEFAULT_SPEC, type QuantSpec } from '../../src/core/quant/spec.ts';
import { createEngine } from '../../src/engine/host.ts';
import { jobContext } from '../../src/engine/jobs/context.ts';
import type { JobRequest, JobResult } from '../../src/engine/jobs/index.ts';
import { firstTokens } from '../../src/engine/lm-sensitivity.ts';
import { bytesSource } from '../../src/formats/source.ts';
import { openTokenizer } from '../../src/formats/tokenizer.ts';

const bytes = (p: string) => new Uint8Array(readFileSync(p));
const EMBED = 'model.embed_tokens.weight';
const int = (bits: number): QuantSpec => ({ ...DEFAULT_SPEC, bits });

let run: <N extends 'lmSensitivity' | 'lmPlanOptions' | 'lmPlanCheck'>(
  name: N,
  r: Omit<JobRequest<N>, 'modelId' | 'tokenizer' | 'text' | 'ctx' | 'maxTokens'>,
  onProgress?: (f: number) => void,
) => Promise<JobResult<N>>;

beforeAll(async () => {
  const engine = createEngine({ digits: () => Promise.reject(new Error('no digits')) });
  const m = await engine.run(
    'open',
    { files: [bytesSource('stories260K.bin', bytes('public/models/stories260K.bin'))] },
    jobContext(),
  );
  // One window of 48 tokens (BOS and 47 scored): enough to rank, quick to repeat per tensor.
  const text = {
    modelId: m.models[0]!.id,
    tokenizer: bytesSource('tok512.bin', bytes('public/models/stories260K.tok512.bin')),
    text: readFileSync('public/data/stories-eval.txt', 'utf8'),
    ctx: 48,
    maxTokens: 48,
  };
  run = (name, r, onProgress) =>
    engine.run(name, { ...text, ...r } as never, jobContext({ onProgress })) as never;
});

describe('sensitivity by KL divergence', { timeout: 120_000 }, () => {
  test('the model against itself: every matrix in fp32 moves nothing', async () => {
    const progress: number[] = [];
    const s = await run('lmSensitivity', { spec: { ...DEFAULT_SPEC, format: 'fp32' } }, (f) =>
      progress.push(f),
    );
    // One forward pass of the window for the base model, then one per matrix.
    expect(progress).toHaveLength(1 + 36);
    expect(progress.at(-1)).toBe(1);
    expect(progress.every((f, i) => !i || f > progress[i - 1]!)).toBe(true);
    expect(s.scored).toBe(47);
    expect(s.rows).toHaveLength(1 + 7 * 5);
    for (const r of s.rows) {
      expect(r.klMean, r.name).toBe(0);
      expect(r.klP99).toBe(0);
      expect(r.sameTopPct).toBe(100);
      expect(r.mseWeights).toBe(0);
    }
  });

  test('int3: the embedding (also the classifier) hurts most; rows sorted, each one moved', async () => {
    const s = await run('lmSensitivity', { spec: int(3) });
    expect(s.rows[0]!.name).toBe(EMBED);
    expect(s.rows[0]!.params).toBe(512 * 64);
    for (const [i, r] of s.rows.entries()) {
      expect(r.klMean, r.name).toBeGreaterThan(0);
      if (i) expect(r.klMean).toBeLessThanOrEqual(s.rows[i - 1]!.klMean);
    }
    // Twice the next tensor's damage at least: a clear first, not a near tie.
    expect(s.rows[0]!.klMean).toBeGreaterThan(2 * s.rows[1]!.klMean);
  });

  test('int2 on the embedding moves the outputs far more than int8 on one projection', async () => {
    const plan = (name: string, bits: number) =>
      run('lmPlanCheck', { plan: [{ name, spec: int(bits) }] });
    const e = await plan(EMBED, 2);
    const p = await plan('model.layers.2.mlp.down_proj.weight', 8);
    expect(p.kl.mean).toBeGreaterThan(0);
    expect(e.kl.mean).toBeGreaterThan(1000 * p.kl.mean);
    expect(p.sameTopPct).toBeGreaterThan(e.sameTopPct);
  });

  test('a plan naming no matrix of the model is refused', async () => {
    await expect(
      run('lmPlanCheck', { plan: [{ name: 'model.norm.weight', spec: int(8) }] }),
    ).rejects.toThrow(/model\.norm\.weight/);
  });
});

describe('the text scored', () => {
  test('the first tokens of a prefix are those of the whole text (llama2.c and byte-level BPE)', async () => {
    const text = readFileSync('public/data/stories-eval.txt', 'utf8');
    const toks = [
      await openTokenizer(
        bytesSource('tok512.bin', bytes('public/models/stories260K.tok512.bin')),
        512,
      ),
      await openTokenizer(
        bytesSource('gpt2-bpe.json', bytes('tests/fixtures/tokenizers/gpt2-bpe.json')),
        400,
      ),
    ];
    for (const tok of toks) {
      const all = tok.encode(text, { bos: true });
      for (const max of [2, 10, 100, 512, 1500, all.length, all.length + 10])
        expect(firstTokens(tok, text, max), `${tok.name} ${max}`).toEqual(all.slice(0, max));
    }
  });
});

describe('the mixed-precision planner from KL', { timeout: 300_000 }, () => {
  test('options costed in KL; the plan fits the budget, its prediction near the measured whole', async () => {
    const o = await run('lmPlanOptions', { spec: DEFAULT_SPEC });
    expect(o.measure).toBe('kl');
    expect(o.scored).toBe(47);
    expect(o.candidates.map((c) => c.label)).toEqual(o.tensors[0]!.options.map((x) => x.label));
    const i2 = o.candidates.findIndex((c) => c.label === 'int2');
    const i8 = o.candidates.findIndex((c) => c.label === 'int8');
    for (const t of o.tensors)
      expect(t.options[i2]!.sse, t.name).toBeGreaterThan(t.options[i8]!.sse);

    // One tensor alone: its option's cost is the mean KL of that tensor under that scheme × tokens.
    const down = o.tensors.find((t) => t.name.endsWith('layers.1.mlp.down_proj.weight'))!;
    const alone = await run('lmPlanCheck', { plan: [{ name: down.name, spec: int(3) }] });
    const i3 = o.candidates.findIndex((c) => c.label === 'int3');
    expect(down.options[i3]!.sse / o.scored).toBeCloseTo(alone.kl.mean, 12);

    const i4 = o.candidates.findIndex((c) => c.label === 'int4');
    const u4 = uniformPlan(o.tensors, i4);
    // A little over uniform int4's size, so that it fits after the planner rounds sizes up.
    const budget = u4.bytes * 1.02;
    const plan = planMixed(o.tensors, budget)!;
    expect(plan.bytes).toBeLessThanOrEqual(budget);
    expect(plan.sse).toBeLessThanOrEqual(u4.sse);
    const check = await run('lmPlanCheck', {
      plan: o.tensors.map((t, i) => ({
        name: t.name,
        spec: o.candidates[plan.choice[i]!]!.spec,
      })),
    });
    expect(check.bytes).toBe(plan.bytes);
    // The planner adds the tensors' KL as if independent: an approximation, right within 2× here.
    const predicted = plan.sse / o.scored;
    expect(check.kl.mean).toBeGreaterThan(predicted / 2);
    expect(check.kl.mean).toBeLessThan(predicted * 2);
  });
});

// The report carries the sensitivity ranking and the mixed-precision plan just run: the weights in
// order of their share of the error, the plan at the session's budget (checked against trying every
// choice), the uniform baselines, and a whole-plan KL only when it measured this plan.
import { describe, expect, test } from 'vitest';
import { buildReport } from '../../src/state/report.ts';
import type { SlimState } from '../../src/state/store.ts';
import { reportPlan } from '../../src/ui/export/report-plan.ts';

const spec = {
  format: 'int',
  bits: 4,
  symmetric: true,
  rounding: 'nearest',
  clipQuantile: 1,
  granularity: { kind: 'group', size: 32 },
};

// Two weights of 1,000 parameters; int8 costs 1,000 bytes, int4 500, int2 250.
const options = (e8: number, e4: number, e2: number) => [
  { label: 'int8', bytes: 1000, sse: e8 },
  { label: 'int4', bytes: 500, sse: e4 },
  { label: 'int2', bytes: 250, sse: e2 },
];
const tensors = [
  { name: 'fragile', options: options(0.1, 5, 80) },
  { name: 'robust', options: options(0.1, 0.5, 3) },
];

function state(bpw: number, over: Partial<SlimState> = {}): SlimState {
  return {
    model: {
      id: 'm1',
      file: 'm.safetensors',
      bytes: 8000,
      tensors: [
        { name: 'fragile', params: 1000 },
        { name: 'robust', params: 1000 },
      ],
      architecture: null,
    },
    settings: { plannerBpw: bpw },
    analysis: null,
    quant: null,
    comparison: null,
    evaluation: null,
    qat: null,
    ptq: null,
    lowRank: null,
    pruneLab: null,
    distillation: null,
    variants: [],
    sensitivity: {
      modelId: 'm1',
      spec,
      filter: '',
      rows: [
        {
          name: 'robust',
          params: 1000,
          bytes: 4000,
          bytesAfter: 500,
          bitsPerWeight: 4,
          mse: 5e-4,
          sqnrDb: 30.1234,
          clipped: 0,
          share: 0.09,
        },
        {
          name: 'fragile',
          params: 1000,
          bytes: 4000,
          bytesAfter: 500,
          bitsPerWeight: 4,
          mse: 5e-3,
          sqnrDb: 20.5,
          clipped: 0,
          share: 0.91,
        },
      ],
    },
    planOptions: { modelId: 'm1', spec, tensors, measure: 'mse' },
    lmSensitivity: null,
    lmPlan: null,
    ...over,
  } as unknown as SlimState;
}

/** The least-error choice within the budget, by trying all of them. */
function bruteForce(budget: number) {
  let best: { choice: string[]; sse: number } | null = null;
  for (const a of tensors[0]!.options)
    for (const b of tensors[1]!.options) {
      if (a.bytes + b.bytes > budget) continue;
      if (!best || a.sse + b.sse < best.sse)
        best = { choice: [a.label, b.label], sse: a.sse + b.sse };
    }
  return best;
}

describe('the report: sensitivity and the mixed-precision plan', () => {
  test('the ranking, most harmful first, with the scheme it was ranked under', () => {
    const md = buildReport(state(4.5), 'x');
    expect(md).toContain('## Sensitivity: every weight under int 4-bit, groups of 32');
    const fragile = md.indexOf('| fragile |');
    const robust = md.indexOf('| robust |');
    expect(fragile).toBeGreaterThan(0);
    expect(fragile).toBeLessThan(robust);
    expect(md).toContain('| robust | 1,000 | 3.9 KiB | 500 B | 0.0005 | 30.12 | 9.00% |');
  });

  test('the plan at the budget is the least-error choice that fits, beside the uniform ones', () => {
    // 6.2 bits a weight over 2,000 parameters: 1,550 bytes (the planner rounds sizes up to
    // 1/4096 of the budget, so a plan that fills it to the byte is not one it promises to find).
    const p = reportPlan(state(6.2))!;
    expect(p.budgetBytes).toBe(1550);
    const want = bruteForce(1550)!;
    expect(p.plan!.choice.map((c) => c.option)).toEqual(want.choice);
    expect(p.plan!.cost).toBeCloseTo(want.sse, 12);
    const md = buildReport(state(6.2), 'x', new Date(), p);
    expect(md).toContain('## Mixed-precision plan');
    expect(md).toContain('Budget 6.2 bits per weight (1.5 KiB for the planned weights)');
    expect(md).toContain(`| this plan | 1.5 KiB | ${want.sse} |`);
    expect(md).toContain('| int2 everywhere | 500 B | 83 |');
    expect(md).toContain('| fragile | int8 |');
    expect(md).toContain('| robust | int4 |');
  });

  test('a budget nothing fits is said in words; no plan options, no section', () => {
    const none = buildReport(state(0.5), 'x', new Date(), reportPlan(state(0.5)));
    expect(none).toContain('Even the smallest option everywhere does not fit this budget.');
    const s = state(6, { planOptions: null });
    expect(reportPlan(s)).toBeNull();
    expect(buildReport(s, 'x', new Date(), reportPlan(s))).not.toContain('Mixed-precision');
  });

  test('a language model: the KL ranking, and the whole-plan KL only for the plan shown', () => {
    const kl = {
      planOptions: { modelId: 'm1', spec, tensors, measure: 'kl' },
      lmSensitivity: {
        modelId: 'm1',
        spec,
        ctx: 256,
        text: 't',
        scored: 255,
        rows: [
          {
            name: 'robust',
            params: 1000,
            klMean: 0.002,
            klP99: 0.01,
            sameTopPct: 99.2,
            bitsPerWeight: 4.5,
            mseWeights: 1e-4,
          },
          {
            name: 'fragile',
            params: 1000,
            klMean: 0.04,
            klP99: 0.3,
            sameTopPct: 91.37,
            bitsPerWeight: 4.5,
            mseWeights: 1e-3,
          },
        ],
      },
      lmPlan: {
        modelId: 'm1',
        candidates: [],
        text: 't',
        ctx: 256,
        scored: 100,
        check: {
          choice: [0, 1],
          result: {
            kl: { mean: 0.0123 },
            sameTopPct: 97.5,
            scored: 100,
            bytes: 1500,
            bitsPerWeight: 6,
          },
        },
      },
    } as unknown as Partial<SlimState>;
    const s = state(6.2, kl);
    const md = buildReport(s, 'x', new Date(), reportPlan(s));
    expect(md).toContain('## Sensitivity of the language model');
    const lm = md.slice(md.indexOf('## Sensitivity of the language model'));
    expect(lm.indexOf('| fragile | 1,000 | 0.04 |')).toBeLessThan(lm.indexOf('| robust | 1,000 |'));
    expect(md).toContain('| fragile | 1,000 | 0.04 | 0.3 | 91.4% | 4.5 |');
    expect(md).toContain('cost: total KL (summed over tokens)');
    expect(md).toContain('Measured whole: KL mean 0.0123 nats a token');
    // A measurement of another plan is not reported as this one's.
    const other = state(6.2, {
      ...kl,
      lmPlan: { ...(kl.lmPlan as object), check: { choice: [1, 1], result: {} } },
    } as unknown as Partial<SlimState>);
    expect(buildReport(other, 'x', new Date(), reportPlan(other))).not.toContain('Measured whole');
  });
});

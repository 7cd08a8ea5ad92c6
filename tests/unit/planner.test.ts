// The mixed-precision planner against brute force on small models.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { planMixed, uniformPlan, type PlanTensor } from '../../src/core/quant/planner.ts';

function bruteForce(tensors: PlanTensor[], budget: number): number {
  let best = Infinity;
  const walk = (t: number, bytes: number, sse: number) => {
    if (bytes > budget) return;
    if (t === tensors.length) {
      best = Math.min(best, sse);
      return;
    }
    for (const o of tensors[t]!.options) walk(t + 1, bytes + o.bytes, sse + o.sse);
  };
  walk(0, 0, 0);
  return best;
}

const model = fc.array(
  fc.record({
    params: fc.integer({ min: 1, max: 50 }),
    sensitivity: fc.double({ min: 0.01, max: 100, noNaN: true }),
  }),
  { minLength: 1, maxLength: 6 },
);
const toTensors = (m: Array<{ params: number; sensitivity: number }>): PlanTensor[] =>
  m.map((t, i) => ({
    name: `t${i}`,
    // Whole-byte sizes at 2, 4, 8 bits per weight (params × 8 keeps them integers).
    options: [2, 4, 8].map((bits) => ({
      label: `int${bits}`,
      bytes: t.params * bits,
      sse: t.params * t.sensitivity * 4 ** -bits,
    })),
  }));

describe('mixed-precision planner', () => {
  test('finds the brute-force optimum when sizes are whole units, and always fits', () => {
    fc.assert(
      fc.property(model, fc.double({ min: 0.2, max: 1, noNaN: true }), (m, frac) => {
        const tensors = toTensors(m);
        const max = uniformPlan(tensors, 2).bytes;
        const budget = Math.max(uniformPlan(tensors, 0).bytes, Math.floor(max * frac));
        const plan = planMixed(tensors, budget, budget)!;
        expect(plan).not.toBeNull();
        expect(plan.bytes).toBeLessThanOrEqual(budget);
        expect(plan.sse).toBeCloseTo(bruteForce(tensors, budget), 9);
      }),
      { numRuns: 200 },
    );
  });

  test('a coarse resolution still fits and loses little', () => {
    fc.assert(
      fc.property(model, (m) => {
        const tensors = toTensors(m);
        const budget = (uniformPlan(tensors, 0).bytes + uniformPlan(tensors, 2).bytes) / 2;
        const plan = planMixed(tensors, budget, 64)!;
        expect(plan.bytes).toBeLessThanOrEqual(budget);
        expect(plan.sse).toBeLessThanOrEqual(uniformPlan(tensors, 0).sse + 1e-12);
      }),
    );
  });

  test('says so when even the smallest options do not fit', () => {
    const tensors = toTensors([{ params: 10, sensitivity: 1 }]);
    expect(planMixed(tensors, 19)).toBeNull();
    expect(planMixed(tensors, 20)!.choice).toEqual([0]);
    expect(planMixed([], 0)).toEqual({ choice: [], bytes: 0, sse: 0 });
  });
});

// The Planner panel's plan for the report: the same knapsack at the same budget (the session's bits
// per weight over the planned weights' parameters), computed here because the planner's arithmetic
// is core's and the report is built in state, which does not import core.
import { planMixed, uniformPlan } from '../../core/quant/planner.ts';
import type { ReportPlan } from '../../state/report-quant.ts';
import type { SlimState } from '../../state/store.ts';

export function reportPlan(s: SlimState): ReportPlan | null {
  const opts = s.planOptions;
  const model = s.model;
  if (!opts || !model || opts.modelId !== model.id || !opts.tensors.length) return null;
  const params = new Map(model.tensors.map((t) => [t.name, t.params]));
  const total = opts.tensors.reduce((a, t) => a + (params.get(t.name) ?? 0), 0);
  const bpw = s.settings.plannerBpw;
  const budget = Math.floor((total * bpw) / 8);
  const plan = planMixed(opts.tensors, budget);
  const labels = opts.tensors[0]!.options.map((o) => o.label);
  return {
    modelId: model.id,
    measure: opts.measure,
    bitsPerWeight: bpw,
    budgetBytes: budget,
    plan: plan && {
      bytes: plan.bytes,
      cost: plan.sse,
      choice: opts.tensors.map((t, i) => ({
        tensor: t.name,
        option: t.options[plan.choice[i]!]!.label,
      })),
    },
    uniform: labels.map((option, i) => {
      const u = uniformPlan(opts.tensors, i);
      return { option, bytes: u.bytes, cost: u.sse };
    }),
    choiceIndex: plan?.choice ?? null,
  };
}

// Mixed precision: a bit width per weight that fits a size budget with the least total error,
// against the same bit width everywhere.
import { measurePlanOptions } from '../../state/quant/actions.ts';
import { useSetting } from '../../state/settings/hooks.ts';
import { useStore } from '../../state/store.ts';
import { JobButton } from '../common/JobButton.tsx';
import { useMemo } from 'react';
import { planMixed, uniformPlan } from '../../core/quant/planner.ts';
import { formatBytes, formatValue } from '../common/format.ts';

export function PlannerPanel() {
  const model = useStore((s) => s.model);
  const opts = useStore((s) => s.planOptions);
  const [bpw, setBpw] = useSetting('plannerBpw');
  const tensors = opts && model && opts.modelId === model.id ? opts.tensors : null;
  const params = useMemo(() => {
    if (!tensors || !model) return 0;
    const byName = new Map(model.tensors.map((t) => [t.name, t.params]));
    return tensors.reduce((a, t) => a + (byName.get(t.name) ?? 0), 0);
  }, [tensors, model]);
  const budget = Math.floor((params * bpw) / 8);
  const plan = useMemo(() => (tensors ? planMixed(tensors, budget) : null), [tensors, budget]);
  if (!model) return null;
  const labels = tensors?.[0]?.options.map((o) => o.label) ?? [];
  const original = model.tensors
    .filter((t) => tensors?.some((w) => w.name === t.name))
    .reduce((a, t) => a + t.bytes, 0);
  return (
    <section className="planner" aria-label="Mixed-precision planner" data-testid="planner">
      <header>
        <h2>Mixed-precision planner</h2>
        <p>
          Measures every weight at int2 to int8 and fp16 (with the tensor panel&apos;s scheme), then
          picks one per weight to fit the budget with the least total squared error.
        </p>
        <JobButton onClick={() => void measurePlanOptions()}>
          {tensors ? 'Measure again' : 'Measure the weights'}
        </JobButton>
      </header>
      {tensors && (
        <>
          <label className="budget">
            budget: <strong data-testid="plan-budget">{bpw.toFixed(2)}</strong> bits per weight on
            average ({formatBytes(budget)} for the weights)
            <input
              type="range"
              aria-label="Size budget in bits per weight"
              min={2}
              max={16}
              step={0.05}
              value={bpw}
              onChange={(e) => setBpw(Number(e.target.value))}
            />
          </label>
          {!plan && (
            <p className="error" role="status">
              Even int2 everywhere does not fit this budget.
            </p>
          )}
          <table data-testid="plan-summary">
            <thead>
              <tr>
                <th scope="col">choice</th>
                <th scope="col" className="num">
                  weights size
                </th>
                <th scope="col" className="num">
                  model size
                </th>
                <th scope="col" className="num">
                  total squared error
                </th>
              </tr>
            </thead>
            <tbody>
              {plan && (
                <tr className="best" data-plan="mixed" data-bytes={plan.bytes} data-sse={plan.sse}>
                  <th scope="row">this plan</th>
                  <td className="num">{formatBytes(plan.bytes)}</td>
                  <td className="num">{formatBytes(model.bytes - original + plan.bytes)}</td>
                  <td className="num">{formatValue(plan.sse)}</td>
                </tr>
              )}
              {labels.map((label, i) => {
                const u = uniformPlan(tensors, i);
                return (
                  <tr key={label} data-plan={label} data-bytes={u.bytes} data-sse={u.sse}>
                    <th scope="row">{label} everywhere</th>
                    <td className="num">{formatBytes(u.bytes)}</td>
                    <td className="num">{formatBytes(model.bytes - original + u.bytes)}</td>
                    <td className="num">{formatValue(u.sse)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {plan && (
            <details>
              <summary>The plan, tensor by tensor</summary>
              <table data-testid="plan-table">
                <tbody>
                  {tensors.map((t, i) => (
                    <tr key={t.name}>
                      <td className="name">{t.name}</td>
                      <td data-choice={t.options[plan.choice[i]!]!.label}>
                        {t.options[plan.choice[i]!]!.label}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          )}
        </>
      )}
    </section>
  );
}

// Mixed precision: a bit width per weight that fits a size budget with the least total error (the
// weights' squared error, or for a language model the KL each choice causes on the text), against
// the same bit width everywhere.
import { checkLmPlan, isLanguageModel } from '../../state/lm/actions.ts';
import { measurePlanOptions } from '../../state/quant/actions.ts';
import { useSetting } from '../../state/settings/hooks.ts';
import { useStore } from '../../state/store.ts';
import { JobButton } from '../common/JobButton.tsx';
import { useMemo } from 'react';
import { planMixed, uniformPlan } from '../../core/quant/planner.ts';
import { formatBytes, formatValue } from '../common/format.ts';
import { Term } from '../common/Term.tsx';

export function PlannerPanel() {
  const model = useStore((s) => s.model);
  const opts = useStore((s) => s.planOptions);
  const [bpw, setBpw] = useSetting('plannerBpw');
  const [measure, setMeasure, measureLocked] = useSetting('plannerMeasure');
  const shown = opts && model && opts.modelId === model.id ? opts : null;
  const tensors = shown ? shown.tensors : null;
  const lm = isLanguageModel(model);
  const used = shown?.measure ?? 'mse';
  const asked = lm && measure === 'kl' ? 'kl' : 'mse';
  const cost = used === 'kl' ? 'total KL (summed over tokens)' : 'total squared error';
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
        <h2>
          <Term k="mixed-precision">Mixed-precision</Term> planner
        </h2>
        <p>
          Measures every weight at int2 to int8 and fp16 (with the tensor panel&apos;s scheme), then
          picks one per weight to fit the budget with the least total cost: the weights&apos;
          squared error or, for a language model, the <Term k="kl-divergence">KL</Term> each
          weight&apos;s choice causes on the text.
        </p>
        {lm && (
          <label>
            Plan from{' '}
            <select
              aria-label="Plan from"
              value={measure}
              disabled={measureLocked}
              onChange={(e) => setMeasure(e.target.value)}
            >
              <option value="mse">weight MSE</option>
              <option value="kl">KL on the text (language model)</option>
            </select>{' '}
          </label>
        )}
        <JobButton onClick={() => void measurePlanOptions()}>
          {tensors ? 'Measure again' : 'Measure the weights'}
        </JobButton>
      </header>
      {tensors && (
        <>
          <p className="hint" data-testid="plan-measure" data-measure={used}>
            Planned from{' '}
            {used === 'kl'
              ? "the KL each weight's choice causes on the language model's text (each measured alone: the sum is an estimate)"
              : "the weights' squared error"}
            {used !== asked && ': measure again for the measure chosen'}.
          </p>
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
                  {cost}
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
          {plan && used === 'kl' && <PlanCheck choice={plan.choice} sum={plan.sse} />}
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

/**
 * A KL plan adds each tensor's KL as if it were quantized alone; the plan run whole says how far
 * that sum was right (errors in two layers can compound or cancel).
 */
function PlanCheck({ choice, sum }: { choice: number[]; sum: number }) {
  const model = useStore((s) => s.model);
  const lmPlan = useStore((s) => s.lmPlan);
  if (!lmPlan || lmPlan.modelId !== model?.id) return null;
  const predicted = sum / lmPlan.scored;
  const check = lmPlan.check;
  const same = check !== null && check.choice.join() === choice.join();
  return (
    <div className="controls" data-testid="plan-check">
      <span>
        Predicted <Term k="kl-divergence">KL</Term> mean (the sum of the parts):{' '}
        <strong>{formatValue(predicted)}</strong>
      </span>
      <JobButton onClick={() => void checkLmPlan(choice)}>Measure this plan whole</JobButton>
      {same && (
        <span data-testid="plan-check-result" data-kl={check.result.kl.mean}>
          measured whole: KL mean <strong>{formatValue(check.result.kl.mean)}</strong>, p99{' '}
          {formatValue(check.result.kl.p99)}, <Term k="top-token">same top token</Term>{' '}
          {check.result.sameTopPct.toFixed(1)}%, {check.result.bitsPerWeight.toFixed(2)} bits per
          weight
        </span>
      )}
      {check && !same && <span className="hint">(measured for another plan: measure again)</span>}
    </div>
  );
}

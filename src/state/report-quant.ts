// The report's sections on the whole model's quantization: the weights ranked by the error (or, for
// a language model, the KL) each one causes, and the mixed-precision plan the planner shows, with
// the uniform choices it is compared with and, where it was measured whole, its real KL.
import type { QuantSpec } from '../engine/types.ts';
import { bytes, md, num, pct, table } from './report-markdown.ts';
import type { SlimState } from './store.ts';

/**
 * The plan as the Planner panel shows it, computed by the caller (the planner's arithmetic lives
 * below this layer): the budget, the choice per tensor and the uniform baselines.
 */
export interface ReportPlan {
  modelId: string;
  measure: 'mse' | 'kl';
  bitsPerWeight: number;
  budgetBytes: number;
  /** null when even the smallest option everywhere does not fit the budget. */
  plan: { bytes: number; cost: number; choice: Array<{ tensor: string; option: string }> } | null;
  uniform: Array<{ option: string; bytes: number; cost: number }>;
  /** The option index per tensor, to match a whole-plan measurement with this plan. */
  choiceIndex: number[] | null;
}

/** 'int 4-bit symmetric, groups of 32' */
function scheme(spec: QuantSpec): string {
  const g = spec.granularity;
  const bits = spec.format === 'int' ? ` ${spec.bits}-bit` : '';
  const where =
    g.kind === 'group'
      ? `groups of ${g.size}`
      : g.kind === 'channel'
        ? `per channel (axis ${g.axis})`
        : 'per tensor';
  return `${spec.format}${bits}, ${where}`;
}

type Section = [title: string, ...parts: string[]];

function ranking(s: SlimState): Section[] {
  const m = s.model!;
  const out: Section[] = [];
  const r = s.sensitivity;
  if (r && r.modelId === m.id && r.rows.length) {
    const rows = [...r.rows].sort((a, b) => b.share - a.share);
    out.push([
      `Sensitivity: every weight under ${scheme(r.spec)}${r.filter ? ` (names containing ${md(r.filter)})` : ''}`,
      'Ranked by their share of the model’s total squared error (most first).',
      '',
      table(
        ['tensor', 'params', 'size', 'quantized', 'MSE', 'SQNR dB', 'share of error'],
        rows.map((x) => [
          x.name,
          x.params.toLocaleString('en'),
          bytes(x.bytes),
          bytes(x.bytesAfter),
          num(x.mse),
          num(x.sqnrDb),
          pct(x.share),
        ]),
      ),
    ]);
  }
  const l = s.lmSensitivity;
  if (l && l.modelId === m.id && l.rows.length) {
    const rows = [...l.rows].sort((a, b) => b.klMean - a.klMean);
    out.push([
      `Sensitivity of the language model: each weight alone under ${scheme(l.spec)}`,
      `Ranked by the KL divergence from the base model's next-token distribution that quantizing it alone causes, over ${l.scored.toLocaleString('en')} scored tokens (context ${l.ctx}).`,
      '',
      table(
        ['tensor', 'params', 'KL mean (nats)', 'KL p99', 'same top token', 'bits / weight'],
        rows.map((x) => [
          x.name,
          x.params.toLocaleString('en'),
          num(x.klMean),
          num(x.klP99),
          `${x.sameTopPct.toFixed(1)}%`,
          num(x.bitsPerWeight),
        ]),
      ),
    ]);
  }
  return out;
}

function planSection(s: SlimState, p: ReportPlan): Section {
  const cost = p.measure === 'kl' ? 'total KL (summed over tokens)' : 'total squared error';
  const head = `Budget ${num(p.bitsPerWeight)} bits per weight (${bytes(p.budgetBytes)} for the planned weights); cost: ${cost}.`;
  const rows = [
    ...(p.plan ? [['this plan', bytes(p.plan.bytes), num(p.plan.cost)]] : []),
    ...p.uniform.map((u) => [`${u.option} everywhere`, bytes(u.bytes), num(u.cost)]),
  ];
  const parts = [
    head,
    ...(p.plan ? [] : ['', 'Even the smallest option everywhere does not fit this budget.']),
    '',
    table(['choice', 'weights size', cost], rows),
  ];
  const check = s.lmPlan?.modelId === p.modelId ? s.lmPlan.check : null;
  if (
    check &&
    p.choiceIndex &&
    check.choice.length === p.choiceIndex.length &&
    check.choice.every((c, i) => c === p.choiceIndex![i])
  )
    parts.push(
      '',
      `Measured whole: KL mean ${num(check.result.kl.mean)} nats a token (the sum of the parts predicts ${num((p.plan?.cost ?? NaN) / (s.lmPlan!.scored || NaN))}), the same top token on ${check.result.sameTopPct.toFixed(1)}% of ${check.result.scored.toLocaleString('en')} tokens, ${num(check.result.bitsPerWeight)} bits per weight.`,
    );
  if (p.plan)
    parts.push(
      '',
      table(
        ['tensor', 'option'],
        p.plan.choice.map((c) => [c.tensor, c.option]),
      ),
    );
  return ['Mixed-precision plan', ...parts];
}

/** The sections, in the order the report lists them; none for results the session lacks. */
export function quantSections(s: SlimState, plan: ReportPlan | null): Section[] {
  if (!s.model) return [];
  const out = ranking(s);
  if (plan && plan.modelId === s.model.id) out.push(planSection(s, plan));
  return out;
}

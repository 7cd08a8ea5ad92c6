// Which weights of a language model matter, measured by what the model says rather than by the
// weights' own error: each matrix quantized alone (the rest kept in float), the model run on the
// first tokens of a text, and the KL divergence of its next-token distributions from the base
// model's. The same measurement, under each candidate scheme, is the cost the mixed-precision
// planner minimises; and a chosen plan is run whole to see how far the sum of the parts was right.
import { llamaTensors } from '../core/lm/config.ts';
import { llamaLogitsInSteps, type LlamaWeights } from '../core/lm/llama.ts';
import { compareLogits, summarize, windows, type Summary } from '../core/lm/metrics.ts';
import type { PlanTensor } from '../core/quant/planner.ts';
import { quantize } from '../core/quant/quant.ts';
import type { Tokenizer } from '../formats/tokenizer.ts';
import type { RunOptions } from './backend.ts';
import type { LanguageModel } from './lm.ts';
import { checkpoint, fitSpec, planLineup, type QuantSpec } from './quantize.ts';

/** Tokens scored by default: the first windows of the text only, so that a study stays quick. */
export const LM_STUDY_TOKENS = 512;

/** The text to score on: the first `maxTokens` tokens of it (BOS first), cut into windows of `ctx`. */
export interface LmStudyText {
  text: string;
  ctx: number;
  maxTokens?: number | undefined;
}

/** The base model's logits on the windows, computed once and compared with every variant. */
interface Baseline {
  windows: Int32Array[];
  logits: Float32Array[];
  tokens: number;
  scored: number;
  signal: AbortSignal | undefined;
  /** Counts one forward pass of a window done: progress is in forward passes, all alike. */
  step: () => void;
}

interface Kl {
  /** KL(base ‖ variant) of every scored token, windows in order. */
  kl: Float64Array;
  same: number;
}

export interface LmSensitivityRow {
  name: string;
  params: number;
  /** KL(base ‖ this tensor quantized) per scored token, nats: mean and 99th percentile. */
  klMean: number;
  klP99: number;
  /** Tokens (%) whose most likely next token is still the base model's. */
  sameTopPct: number;
  bitsPerWeight: number;
  /** Mean squared error of the weights themselves, for comparison with the output measure. */
  mseWeights: number;
}

export interface LmSensitivity {
  /** Most harmful first (klMean descending). */
  rows: LmSensitivityRow[];
  /** Tokens used (BOS first, at most `maxTokens`), and those scored (all but each window's first). */
  tokens: number;
  scored: number;
}

/** One option per candidate per matrix, its cost measured in KL (see `lmPlanOptions`). */
export interface LmPlanOptions {
  /** What each option's `sse` holds: KL summed over the scored tokens, not a weight error. */
  measure: 'kl';
  tensors: PlanTensor[];
  /** The candidates, in the order of every tensor's options. */
  candidates: Array<{ label: string; spec: QuantSpec }>;
  scored: number;
}

export interface LmPlanCheck {
  /** KL of the whole plan, every listed matrix under its scheme at once (the others in float). */
  kl: Summary;
  sameTopPct: number;
  scored: number;
  /** The matrices' bytes under the plan (unlisted ones at 32 bits) and their mean bits per weight. */
  bytes: number;
  bitsPerWeight: number;
}

/** The matrices of the model (projections, embedding, classifier), as the planner sees them. */
const matricesOf = (lm: LanguageModel) => llamaTensors(lm.cfg).filter((t) => t.shape.length >= 2);

/**
 * The first `max` tokens of the text (BOS first), tokenizing only a prefix of it: a long text is not
 * tokenized whole (tokenizers take time that grows faster than the text) when a study scores only
 * its first tokens. The prefix ends just before a space, where no token spans (SentencePiece's
 * pieces start at a space, and byte-level BPE splits the text there first), so its tokens are those
 * of the whole text; it is grown until it gives more than `max` tokens, or is the whole text.
 */
export function firstTokens(tok: Tokenizer, text: string, max: number): number[] {
  // Stories run at 2 to 4 characters a token: four per token is usually enough at the first try.
  for (let end = 4 * max; ; end *= 2) {
    const cut = end >= text.length ? -1 : text.lastIndexOf(' ', end);
    if (cut <= 0 && end < text.length) continue;
    const ids = tok.encode(cut > 0 ? text.slice(0, cut) : text, { bos: true });
    if (ids.length > max || cut <= 0) return ids.slice(0, max);
  }
}

async function baseline(
  lm: LanguageModel,
  tok: Tokenizer,
  o: LmStudyText,
  run: RunOptions,
  variants: number,
): Promise<Baseline> {
  const { cfg } = lm;
  const maxTokens = o.maxTokens ?? LM_STUDY_TOKENS;
  if (!o.text.trim()) throw new Error('the text is empty: there is nothing to score');
  if (!(Number.isInteger(o.ctx) && o.ctx >= 2))
    throw new Error(`the context must be at least 2 tokens, not ${o.ctx}`);
  if (o.ctx > cfg.seqLen)
    throw new Error(`a context of ${o.ctx} tokens is longer than the model's ${cfg.seqLen}`);
  if (!(Number.isInteger(maxTokens) && maxTokens >= 2))
    throw new Error(`at least 2 tokens must be scored, not ${maxTokens}`);
  const ids = firstTokens(tok, o.text, maxTokens);
  const cut = windows(ids, o.ctx);
  if (!cut.length)
    throw new Error('the text has no token after the start: there is nothing to score');
  const w = (n: string) => lm.weights.get(n)!;
  let done = 0;
  const step = () => run.onProgress?.(++done / (cut.length * (1 + variants)));
  const logits: Float32Array[] = [];
  for (const win of cut) {
    logits.push(await llamaLogitsInSteps(cfg, w, win, () => checkpoint(run.signal)));
    step();
  }
  return {
    windows: cut,
    logits,
    tokens: ids.length,
    scored: cut.reduce((a, win) => a + win.length - 1, 0),
    signal: run.signal,
    step,
  };
}

async function klOf(lm: LanguageModel, b: Baseline, weights: LlamaWeights): Promise<Kl> {
  const kl = new Float64Array(b.scored);
  let at = 0;
  let same = 0;
  for (const [i, win] of b.windows.entries()) {
    const q = await llamaLogitsInSteps(lm.cfg, weights, win, () => checkpoint(b.signal));
    const c = compareLogits(b.logits[i]!, q, lm.cfg.vocab, win);
    kl.set(c.kl, at);
    at += c.count;
    same += c.sameTop * c.count;
    b.step();
  }
  return { kl, same };
}

/** The model's weights with the given matrices replaced. */
const withReplaced =
  (lm: LanguageModel, replaced: ReadonlyMap<string, Float32Array>): LlamaWeights =>
  (n) =>
    replaced.get(n) ?? lm.weights.get(n)!;

/**
 * Each matrix quantized alone by `spec` (the rest in float), ranked by the KL divergence it causes
 * on the first tokens of the text; the base logits are computed once.
 */
export async function lmSensitivity(
  lm: LanguageModel,
  tok: Tokenizer,
  o: LmStudyText & { spec: QuantSpec },
  run: RunOptions = {},
): Promise<LmSensitivity> {
  const matrices = matricesOf(lm);
  const b = await baseline(lm, tok, o, run, matrices.length);
  const rows: LmSensitivityRow[] = [];
  for (const t of matrices) {
    await checkpoint(run.signal);
    const q = quantize(lm.weights.get(t.name)!, t.shape, fitSpec(o.spec, t.shape).spec);
    const k = await klOf(lm, b, withReplaced(lm, new Map([[t.name, q.xq!]])));
    const s = summarize(k.kl);
    rows.push({
      name: t.name,
      params: q.xq!.length,
      klMean: s.mean,
      klP99: s.p99,
      sameTopPct: (100 * k.same) / b.scored,
      bitsPerWeight: q.bitsPerWeight,
      mseWeights: q.error.mse,
    });
  }
  rows.sort((x, y) => y.klMean - x.klMean);
  return { rows, tokens: b.tokens, scored: b.scored };
}

/**
 * The planner's options measured by outputs: each matrix under each candidate of `planLineup(spec)`,
 * alone (the rest in float), costs its mean KL × the scored tokens. The planner adds the costs of
 * the chosen options as if each tensor's damage were independent of the others': an approximation
 * (errors in two layers can compound or cancel), which `checkLmPlan` measures for a chosen plan.
 */
export async function lmPlanOptions(
  lm: LanguageModel,
  tok: Tokenizer,
  o: LmStudyText & { spec: QuantSpec },
  run: RunOptions = {},
): Promise<LmPlanOptions> {
  const candidates = planLineup(o.spec);
  const matrices = matricesOf(lm);
  const b = await baseline(lm, tok, o, run, matrices.length * candidates.length);
  const tensors: PlanTensor[] = [];
  for (const t of matrices) {
    const x = lm.weights.get(t.name)!;
    const options: PlanTensor['options'] = [];
    for (const { label, spec } of candidates) {
      await checkpoint(run.signal);
      const q = quantize(x, t.shape, fitSpec(spec, t.shape).spec);
      const k = await klOf(lm, b, withReplaced(lm, new Map([[t.name, q.xq!]])));
      let sum = 0;
      for (const v of k.kl) sum += v;
      options.push({ label, bytes: Math.ceil((x.length * q.bitsPerWeight) / 8), sse: sum });
    }
    tensors.push({ name: t.name, options });
  }
  return { measure: 'kl', tensors, candidates, scored: b.scored };
}

/**
 * A plan (one scheme per matrix) applied whole and measured: the real KL, to set beside the
 * planner's prediction (the sum of the chosen options' costs ÷ the scored tokens).
 */
export async function checkLmPlan(
  lm: LanguageModel,
  tok: Tokenizer,
  o: LmStudyText & { plan: ReadonlyArray<{ name: string; spec: QuantSpec }> },
  run: RunOptions = {},
): Promise<LmPlanCheck> {
  const matrices = new Map(matricesOf(lm).map((t) => [t.name, t.shape]));
  const seen = new Set<string>();
  for (const p of o.plan) {
    if (!matrices.has(p.name))
      throw new Error(`the plan names '${p.name}', which is not a matrix of this model`);
    if (seen.has(p.name)) throw new Error(`the plan gives '${p.name}' twice`);
    seen.add(p.name);
  }
  const b = await baseline(lm, tok, o, run, 1);
  const replaced = new Map<string, Float32Array>();
  let bits = 0;
  let bytes = 0;
  for (const p of o.plan) {
    await checkpoint(run.signal);
    const shape = matrices.get(p.name)!;
    const q = quantize(lm.weights.get(p.name)!, shape, fitSpec(p.spec, shape).spec);
    replaced.set(p.name, q.xq!);
    bits += q.bitsPerWeight * q.xq!.length;
    // Rounded up per tensor, as the planner's options are: the two totals compare exactly.
    bytes += Math.ceil((q.bitsPerWeight * q.xq!.length) / 8);
  }
  let params = 0;
  for (const [name] of matrices) {
    const n = lm.weights.get(name)!.length;
    params += n;
    if (replaced.has(name)) continue;
    bits += 32 * n;
    bytes += 4 * n;
  }
  const k = await klOf(lm, b, withReplaced(lm, replaced));
  return {
    kl: summarize(k.kl),
    sameTopPct: (100 * k.same) / b.scored,
    scored: b.scored,
    bytes,
    bitsPerWeight: bits / params,
  };
}

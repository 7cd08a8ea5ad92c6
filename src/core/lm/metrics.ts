// How good a language model's predictions are, and how far a compressed model's are from the base
// model's, after llama.cpp's `tools/perplexity` (its `perplexity` and `kl_divergence` functions):
// per-token negative log-likelihood, perplexity, KL(base ‖ quantized) with its percentiles, how often
// the top token agrees, the RMS of Δp of the correct token, and ln(PPL_q / PPL_base).
// Differences from llama.cpp, on purpose: log-softmax in float64 over exact float32 logits (llama.cpp
// stores the base log-probabilities as 16-bit codes and skips base terms below e^−16 in the KL sum),
// and `windows` scores every token but the first of each window (see there).

/** Log-sum-exp of one row of logits, in float64 with the row maximum subtracted. */
function logSumExp(logits: Float32Array, o: number, vocab: number): { lse: number; top: number } {
  let m = -Infinity;
  let top = 0;
  for (let i = 0; i < vocab; i++)
    if (logits[o + i]! > m) {
      m = logits[o + i]!;
      top = i;
    }
  let s = 0;
  for (let i = 0; i < vocab; i++) s += Math.exp(logits[o + i]! - m);
  return { lse: m + Math.log(s), top };
}

function checkRows(logits: Float32Array, vocab: number, rows: number, what: string): void {
  if (logits.length < rows * vocab)
    throw new RangeError(`${what}: ${logits.length} logits, want ${rows} rows of ${vocab}`);
}

/**
 * NLL in nats of each next token of a window: logits [T, vocab] from `llamaLogits` on tokens [T];
 * row t scores tokens[t + 1], so T − 1 values (the first token is context only).
 */
export function nextTokenNll(
  logits: Float32Array,
  vocab: number,
  tokens: ArrayLike<number>,
): Float64Array {
  const n = Math.max(0, tokens.length - 1);
  checkRows(logits, vocab, n, 'nextTokenNll');
  const nll = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const o = t * vocab;
    nll[t] = logSumExp(logits, o, vocab).lse - logits[o + tokens[t + 1]!]!;
  }
  return nll;
}

/** exp(mean NLL); NaN for no tokens. */
export function perplexity(nll: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < nll.length; i++) s += nll[i]!;
  return Math.exp(s / nll.length);
}

/** The spread of a per-token statistic, as llama.cpp prints it for the KL divergence. */
export interface Summary {
  mean: number;
  median: number;
  p90: number;
  p99: number;
  p99_9: number;
  max: number;
  min: number;
}

/**
 * Mean, median (the mean of the middle two for an even count) and percentiles by linear
 * interpolation between sorted values at fraction · (n − 1), as llama.cpp's `percentile`.
 */
export function summarize(values: ArrayLike<number>): Summary {
  const v = Float64Array.from(values).sort();
  const n = v.length;
  if (n === 0)
    return { mean: NaN, median: NaN, p90: NaN, p99: NaN, p99_9: NaN, max: NaN, min: NaN };
  const at = (f: number): number => {
    const p = f * (n - 1);
    const i = Math.floor(p);
    const r = p - i;
    return (1 - r) * v[i]! + r * v[Math.min(i + 1, n - 1)]!;
  };
  let s = 0;
  for (let i = 0; i < n; i++) s += v[i]!;
  const median = n % 2 ? v[(n - 1) / 2]! : 0.5 * (v[n / 2]! + v[n / 2 - 1]!);
  return {
    mean: s / n,
    median,
    p90: at(0.9),
    p99: at(0.99),
    p99_9: at(0.999),
    max: v[n - 1]!,
    min: v[0]!,
  };
}

/** A compressed model's next-token predictions against the base model's on the same tokens. */
export interface LogitComparison {
  /** Scored tokens (T − 1 per window). */
  count: number;
  /** KL(base ‖ q) in nats per scored token, and its summary. */
  kl: Float64Array;
  klSummary: Summary;
  /** Fraction (0 … 1) of tokens where both models' most likely token is the same (llama.cpp × 100). */
  sameTop: number;
  /** √mean((p_q − p_base)²) of the correct next token's probability (a fraction; llama.cpp × 100). */
  dpRms: number;
  ppl: number;
  pplBase: number;
  /** ln(PPL_q / PPL_base) = mean NLL_q − mean NLL_base. */
  lnPplRatio: number;
}

/**
 * Compares logits [T, vocab] of a compressed model with the base model's on the same window of
 * tokens [T]; row t of each predicts tokens[t + 1].
 */
export function compareLogits(
  base: Float32Array,
  q: Float32Array,
  vocab: number,
  tokens: ArrayLike<number>,
): LogitComparison {
  const n = Math.max(0, tokens.length - 1);
  checkRows(base, vocab, n, 'compareLogits (base)');
  checkRows(q, vocab, n, 'compareLogits (quantized)');
  const kl = new Float64Array(n);
  let same = 0;
  let dp2 = 0;
  let nll = 0;
  let nllBase = 0;
  for (let t = 0; t < n; t++) {
    const o = t * vocab;
    const b = logSumExp(base, o, vocab);
    const c = logSumExp(q, o, vocab);
    let s = 0;
    for (let i = 0; i < vocab; i++) {
      const lpb = base[o + i]! - b.lse;
      s += Math.exp(lpb) * (lpb - (q[o + i]! - c.lse));
    }
    kl[t] = s;
    if (b.top === c.top) same++;
    const y = tokens[t + 1]!;
    const nb = b.lse - base[o + y]!;
    const nq = c.lse - q[o + y]!;
    nllBase += nb;
    nll += nq;
    dp2 += (Math.exp(-nq) - Math.exp(-nb)) ** 2;
  }
  return {
    count: n,
    kl,
    klSummary: summarize(kl),
    sameTop: same / n,
    dpRms: Math.sqrt(dp2 / n),
    ppl: Math.exp(nll / n),
    pplBase: Math.exp(nllBase / n),
    lnPplRatio: (nll - nllBase) / n,
  };
}

/**
 * Cuts a text's tokens (tokenized once, BOS first) into consecutive windows of `ctx` tokens, the
 * last one shorter if the count does not divide (dropped if it has a single token: nothing to score).
 * Each window is run from position 0 and every token but its first is scored, so over all windows
 * every token but the first of each window counts once. llama.cpp instead drops the remainder, puts
 * BOS in each chunk's first slot and scores only the second half of each chunk (more context per
 * scored token, half the tokens scored); this cut scores more of a short text, at the price of
 * little context for the tokens just after each cut.
 */
export function windows(tokens: ArrayLike<number>, ctx: number): Int32Array[] {
  if (!(Number.isInteger(ctx) && ctx >= 2))
    throw new RangeError(`windows: context ${ctx} must be an integer of at least 2`);
  const all = Int32Array.from(tokens);
  const out: Int32Array[] = [];
  for (let s = 0; s + 1 < all.length; s += ctx) out.push(all.slice(s, s + ctx));
  return out;
}

// Mixed-precision planning: one option (format / bit width) per tensor so that the model fits a size
// budget with the least total squared error. A multiple-choice knapsack, solved exactly by dynamic
// programming over the budget cut into `resolution` units; every option's size is rounded up to whole
// units, so a plan found always fits the real budget (and is optimal up to that rounding).

interface PlanOption {
  label: string;
  bytes: number;
  /** Total squared error of the tensor under this option (Σ (x − x̂)², not the mean). */
  sse: number;
}

export interface PlanTensor {
  name: string;
  options: PlanOption[];
}

interface Plan {
  /** Index into each tensor's options. */
  choice: number[];
  bytes: number;
  sse: number;
}

export function planMixed(
  tensors: readonly PlanTensor[],
  budgetBytes: number,
  resolution = 4096,
): Plan | null {
  if (tensors.length === 0) return { choice: [], bytes: 0, sse: 0 };
  if (!(budgetBytes > 0)) return null;
  const R = Math.max(1, Math.floor(resolution));
  const unit = budgetBytes / R;
  const INF = Infinity;
  let dp = new Float64Array(R + 1).fill(INF);
  dp[0] = 0;
  const pick = tensors.map(() => new Int16Array(R + 1).fill(-1));
  for (const [t, tensor] of tensors.entries()) {
    const next = new Float64Array(R + 1).fill(INF);
    const weights = tensor.options.map((o) => Math.ceil(o.bytes / unit - 1e-9));
    for (let j = 0; j <= R; j++) {
      if (dp[j] === INF) continue;
      for (const [c, o] of tensor.options.entries()) {
        const w = weights[c]!;
        const k = j + w;
        if (k > R || !Number.isFinite(o.sse)) continue;
        const v = dp[j]! + o.sse;
        if (v < next[k]!) {
          next[k] = v;
          pick[t]![k] = c;
        }
      }
    }
    // Keep where each capacity came from: recover it by subtracting the chosen weight.
    dp = next;
  }
  let best = -1;
  for (let j = 0; j <= R; j++) if (dp[j]! < INF && (best < 0 || dp[j]! < dp[best]!)) best = j;
  if (best < 0) return null;
  const choice = new Array<number>(tensors.length);
  let j = best;
  for (let t = tensors.length - 1; t >= 0; t--) {
    const c = pick[t]![j]!;
    choice[t] = c;
    j -= Math.ceil(tensors[t]!.options[c]!.bytes / unit - 1e-9);
  }
  let bytes = 0;
  let sse = 0;
  for (const [t, c] of choice.entries()) {
    bytes += tensors[t]!.options[c]!.bytes;
    sse += tensors[t]!.options[c]!.sse;
  }
  return { choice, bytes, sse };
}

/** The same option for every tensor (the uniform baselines a plan is compared with). */
export function uniformPlan(tensors: readonly PlanTensor[], option: number): Plan {
  let bytes = 0;
  let sse = 0;
  for (const t of tensors) {
    const o = t.options[Math.min(option, t.options.length - 1)]!;
    bytes += o.bytes;
    sse += o.sse;
  }
  return { choice: tensors.map(() => option), bytes, sse };
}

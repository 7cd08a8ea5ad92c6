// GPU-vs-CPU tolerances, one table for every parity test. Integer outputs (counts, bins) must
// match exactly; float sums differ because the GPU adds in float32, in another order.
import type { TensorStats } from '../../src/core/stats/stats.ts';

/** Relative to the scale of the data (max |x|), since cancellation makes means near 0 unstable. */
export const STATS_TOLERANCE = {
  min: 0,
  max: 0,
  absmax: 0,
  mean: 1e-6,
  std: 1e-5,
  kurtosis: 1e-4,
} as const;

export const EXACT_COUNTS: ReadonlyArray<keyof TensorStats> = [
  'count',
  'finite',
  'zeros',
  'nans',
  'posInf',
  'negInf',
];

/** Returns the names of the fields that differ beyond tolerance, with both values. */
export function statsMismatches(gpu: TensorStats, cpu: TensorStats): string[] {
  const bad: string[] = [];
  for (const k of EXACT_COUNTS)
    if (gpu[k] !== cpu[k]) bad.push(`${k}: gpu ${gpu[k]} cpu ${cpu[k]}`);
  const scale = Math.max(cpu.absmax, 1e-30);
  for (const [k, tol] of Object.entries(STATS_TOLERANCE) as Array<
    [keyof typeof STATS_TOLERANCE, number]
  >) {
    const g = gpu[k];
    const c = cpu[k];
    if (Number.isNaN(c) && Number.isNaN(g)) continue;
    const ref =
      k === 'kurtosis' ? Math.max(1, Math.abs(c)) : k === 'std' ? Math.max(c, 1e-30) : scale;
    if (!(Math.abs(g - c) <= tol * ref)) bad.push(`${k}: gpu ${g} cpu ${c}`);
  }
  return bad;
}

/**
 * Integer quantization kernel: codes equal the core's except where x / scale is within WGSL's
 * division error (2.5 ULP) of a rounding tie, at most this fraction of elements; sums are float32 on
 * the GPU (per segment of ≤ 2048) against float64 on the CPU.
 */
export const QUANT_TOLERANCE = {
  offByOneFraction: 1e-3,
  sums: 1e-5,
  withTies: 1e-3,
} as const;

/** Dense layers: float32 dot products summed in another order (tiles) than the CPU's; of max |y|. */
export const DENSE_TOLERANCE = 1e-5;

/**
 * Network forward and backward passes (net-gpu.ts against core/nn): float32 sums in another
 * order, relative to the largest |value| of each compared array.
 */
export const NET_TOLERANCE = 2e-4;

/**
 * Single network kernels (shaders/nn/*.wgsl, attention.wgsl) against their float64 CPU twins:
 * float32 arithmetic and WGSL's tanh / exp / sqrt (a few ULP), relative to the largest |value| of
 * each compared array. Gathers, transposes, max pooling (values and indices) and ReLU must match
 * exactly.
 */
export const KERNEL_TOLERANCE = 1e-5;

/**
 * Adam against its float64 twin: the betas reach the shader as float32 uniforms, and 1 − 0.999 in
 * float32 is 1.00005e-3, 5e-5 away from the twin's; v and the step inherit that, relative to max |v|.
 */
export const ADAM_TOLERANCE = 1e-4;

/**
 * Rotary embedding (rope.wgsl) against its float64 twin, relative to max |x|: the shader reduces
 * the angle in turns from exact float32 pieces and evaluates sin/cos by series (see its header),
 * leaving under 1e-6 rad of angle error at any position below 2^24; measured on SwiftShader up to
 * position 10^6: 7e-7. A plain float32 pos · freq would be off by 3e-2 rad at position 10^6, and
 * WGSL's sin/cos may be off by 2^−11 (SwiftShader's by 1e-4): either fails this.
 */
export const ROPE_TOLERANCE = 2e-6;

/**
 * Grouped-query attention (gqa_attention.wgsl) against its twin, relative to max |out|: float32
 * dot products and an online softmax (the twin sums the dot products in float64).
 */
export const GQA_TOLERANCE = 1e-5;

/**
 * The Llama forward pass on the GPU (ops/llama.ts) against the CPU pass, max |Δlogit| (logits of
 * stories260K reach about 10): float32 sums in other orders through 5 blocks.
 */
export const LLAMA_LOGITS_TOLERANCE = 5e-4;

/** The same against transformers' logits for stories260K (the CPU pass is within 1e-4 of them). */
export const LLAMA_ORACLE_TOLERANCE = 5e-4;

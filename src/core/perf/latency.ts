// A roofline latency model: each layer takes the longer of its arithmetic (FLOPs over the reachable
// peak) and its memory traffic (bytes over the reachable bandwidth), plus a fixed cost per kernel
// launch or WebGPU pass. It says which bound each layer hits and why a compression does, or does
// not, make it faster on a given profile.
import type { HardwareProfile } from './hardware.ts';

export type Precision = 'fp32' | 'fp16' | 'int8';
export type Mode = 'native' | 'webgpu';

export interface LayerWork {
  name: string;
  /** Multiply-adds for the whole batch (FLOPs = 2 · MACs). */
  macs: number;
  /** Weight bytes read (at the stored precision) and activation bytes read and written. */
  weightBytes: number;
  activationBytes: number;
  /** The precision the arithmetic runs in. */
  compute: Precision;
  /** Weights in 2:4 structured sparsity (half the multiply-adds on sparse matrix units). */
  sparse24: boolean;
  /**
   * The weight bytes a sparse kernel reads (compressed values and positions), counted only where
   * the profile runs 2:4 on sparse units; elsewhere a dense kernel reads `weightBytes`.
   */
  sparseWeightBytes?: number;
  /** Kernel launches / compute passes. */
  passes: number;
}

interface LayerEstimate {
  name: string;
  seconds: number;
  computeSeconds: number;
  memorySeconds: number;
  overheadSeconds: number;
  bound: 'compute' | 'memory' | 'overhead';
  /** FLOPs per byte moved, and the profile's ridge point (peak / bandwidth) at this precision. */
  intensity: number;
  ridge: number;
}

interface Estimate {
  profile: string;
  mode: Mode;
  seconds: number;
  layers: LayerEstimate[];
  /** Why the numbers are what they are, in plain sentences (deduplicated). */
  notes: string[];
}

/**
 * Measured 2:4 GEMM gains are 1.1–1.6× against the 2× of the datasheets (../shared KERNELS.md), so
 * the sparse peak is discounted to 0.65 of itself: 1.3× the dense rate.
 */
const SPARSE_EFFICIENCY = 0.65;

/** The reachable rate, and whether 2:4 weights run on sparse units (reading compressed bytes). */
function reach(
  p: HardwareProfile,
  mode: Mode,
  compute: Precision,
  sparse24: boolean,
  notes: Set<string>,
): { flops: number; sparse: boolean } {
  const T = 1e12;
  if (mode === 'webgpu') {
    const eff = p.efficiency.webgpuCompute;
    if (!p.webgpu.available) notes.add(`${p.name}: ${p.webgpu.note}`);
    if (sparse24)
      notes.add(
        'WebGPU has no access to sparse tensor cores: 2:4 weights run through a dense or software-sparse kernel, saving bytes, not arithmetic',
      );
    if (compute === 'fp16' && p.fp16Matrix)
      notes.add(
        `WGSL cannot reach the tensor cores of ${p.name}: fp16 runs on the shader ALUs, modelled at the fp32 rate`,
      );
    if (compute === 'int8') {
      const r = p.webgpu.dp4aOverFp32;
      notes.add(`${p.name} in the browser: ${p.webgpu.note}`);
      if (r) return { flops: p.fp32.value * r.value * eff * T, sparse: false };
    }
    return { flops: p.fp32.value * eff * T, sparse: false };
  }
  const eff = p.efficiency.nativeCompute;
  let peak = p.fp32.value;
  if (compute === 'fp16') {
    if (p.fp16Matrix) peak = p.fp16Matrix.value;
    else notes.add(`${p.name}: no fp16 matrix units, so fp16 is modelled at the fp32 rate`);
  } else if (compute === 'int8') {
    if (p.int8) peak = p.int8.value;
    else {
      peak = p.fp16Matrix?.value ?? p.fp32.value;
      notes.add(
        `${p.name}: no int8 arithmetic units, so int8 weights are dequantized and multiplied in floating point; int8 only saves memory traffic`,
      );
    }
  }
  let sparse = false;
  if (sparse24) {
    const matrix = compute === 'fp32' ? false : compute === 'fp16' ? !!p.fp16Matrix : !!p.int8;
    if (p.sparse24 && matrix) {
      sparse = true;
      peak *= 2 * SPARSE_EFFICIENCY;
      notes.add(
        `On ${p.name}, sparse tensor cores skip the zeros of 2:4 weights: modelled at 1.3× the dense rate (measured GEMM gains are 1.1–1.6×, not the datasheet's 2×)`,
      );
    } else
      notes.add(
        p.sparse24
          ? `2:4 sparsity needs ${compute === 'fp32' ? 'fp16 or int8' : compute} tensor-core math on ${p.name}: at ${compute} it saves storage, not time`
          : `${p.name}: no sparse tensor cores, so 2:4 saves storage, not time`,
      );
  }
  return { flops: peak * eff * T, sparse };
}

export function estimateLatency(
  work: readonly LayerWork[],
  p: HardwareProfile,
  mode: Mode,
): Estimate {
  const notes = new Set<string>();
  const bw =
    p.bandwidthGBs.value *
    1e9 *
    (mode === 'native' ? p.efficiency.nativeMemory : p.efficiency.webgpuMemory);
  const launch =
    (mode === 'native' ? p.efficiency.nativeLaunchUs : p.efficiency.webgpuPassUs) * 1e-6;
  const layers = work.map((w): LayerEstimate => {
    const r = reach(p, mode, w.compute, w.sparse24, notes);
    const peak = r.flops;
    const flops = 2 * w.macs;
    const bytes =
      (r.sparse && w.sparseWeightBytes !== undefined ? w.sparseWeightBytes : w.weightBytes) +
      w.activationBytes;
    const computeSeconds = flops / peak;
    const memorySeconds = bytes / bw;
    const overheadSeconds = w.passes * launch;
    const work = Math.max(computeSeconds, memorySeconds);
    const bound =
      overheadSeconds > work ? 'overhead' : computeSeconds >= memorySeconds ? 'compute' : 'memory';
    return {
      name: w.name,
      seconds: work + overheadSeconds,
      computeSeconds,
      memorySeconds,
      overheadSeconds,
      bound,
      intensity: bytes ? flops / bytes : Infinity,
      ridge: peak / bw,
    };
  });
  const memoryBound = layers.filter((l) => l.bound === 'memory').length;
  const overheadBound = layers.filter((l) => l.bound === 'overhead').length;
  if (overheadBound > layers.length / 2)
    notes.add(
      `Most layers are too small to keep ${p.name} busy: launch overhead dominates, and no compression of the arithmetic or the weights changes that (batching does)`,
    );
  else if (memoryBound > layers.length / 2)
    notes.add(
      'Most layers are memory-bound here: fewer weight bytes (weight-only quantization, smaller models) help; faster arithmetic does not',
    );
  return {
    profile: p.id,
    mode,
    seconds: layers.reduce((a, l) => a + l.seconds, 0),
    layers,
    notes: [...notes],
  };
}

/** Work for a batch of `b` from per-sample work: arithmetic and activations scale, weights do not. */
export function atBatch(work: readonly LayerWork[], b: number): LayerWork[] {
  return work.map((w) => ({ ...w, macs: w.macs * b, activationBytes: w.activationBytes * b }));
}

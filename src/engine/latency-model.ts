// The Latency panel's numbers for a preset, without the panel (`slimlab run`): the roofline
// estimate of a network's per-sample work under a deployment and batch on every hardware profile
// (and per layer on one profile), and the KV-cache explorer's memory per token and waste. Both are
// the arithmetic of core/perf on the inputs the panel gives it.
import { mulberry32 } from '../core/base/rng.ts';
import { deploymentOf } from '../core/perf/deployments.ts';
import { PROFILES, profileById } from '../core/perf/hardware.ts';
import { bytesPerToken, contiguousUse, pagedUse, sequencesThatFit } from '../core/perf/kvcache.ts';
import { atBatch, estimateLatency, type LayerWork } from '../core/perf/latency.ts';

/** A deployment by its preset id (the panel's menu). */
export { deploymentOf };

export interface LatencyRun {
  deployment: string;
  batch: number;
  /** What `batch` counts: samples of a demo, or tokens through a model's own weights. */
  of: 'samples' | 'tokens';
  /** Seconds for one batch on each profile: fp32 natively, the deployment natively and in WebGPU. */
  profiles: Array<{
    id: string;
    name: string;
    fp32_s: number;
    native_s: number;
    /** null where the profile has no WebGPU. */
    webgpu_s: number | null;
  }>;
  /** The panel's per-layer table on the link's profile, natively. */
  profile: string;
  layers: Array<{
    name: string;
    seconds: number;
    /** FLOPs per byte; null for a layer that moves no bytes. */
    intensity: number | null;
    ridge: number;
    bound: 'compute' | 'memory' | 'overhead';
  }>;
  notes: string[];
}

/** The estimate for per-sample work `fp32` (the baseline) and `chosen` (the link's deployment). */
export function latencyRun(
  fp32: readonly LayerWork[],
  chosen: readonly LayerWork[],
  s: { deployment: string; batch: number; of?: 'samples' | 'tokens'; profile: string },
): LatencyRun {
  const b = s.batch;
  const t = (w: readonly LayerWork[], p: (typeof PROFILES)[number], mode: 'native' | 'webgpu') =>
    estimateLatency(atBatch(w, b), p, mode).seconds;
  const p = profileById(s.profile) ?? PROFILES[0]!;
  const detail = estimateLatency(atBatch(chosen, b), p, 'native');
  return {
    deployment: s.deployment,
    batch: b,
    of: s.of ?? 'samples',
    profiles: PROFILES.map((q) => ({
      id: q.id,
      name: q.name,
      fp32_s: t(fp32, q, 'native'),
      native_s: t(chosen, q, 'native'),
      webgpu_s: q.webgpu.available ? t(chosen, q, 'webgpu') : null,
    })),
    profile: p.id,
    layers: detail.layers.map((l) => ({
      name: l.name,
      seconds: l.seconds,
      intensity: Number.isFinite(l.intensity) ? l.intensity : null,
      ridge: l.ridge,
      bound: l.bound,
    })),
    notes: detail.notes,
  };
}

export interface KvRun {
  bytes_per_token: number;
  max_len: number;
  block: number;
  budget_bytes: number;
  contiguous: { waste: number; fit: number };
  paged: { waste: number; fit: number };
}

export interface KvSizes {
  layers: number;
  kvHeads: number;
  headDim: number;
  bytesPerValue: number;
  /** Tokens a block (paged), the longest request (tokens) and the memory budget (GiB). */
  block: number;
  maxLen: number;
  budgetGiB: number;
}

/** The explorer's numbers: 1,000 requests of seeded lengths, uniform from 1 to the longest. */
export function kvRun(s: KvSizes): KvRun {
  const c = s;
  // The panel's draw: seed 7, one uniform length a request.
  const r = mulberry32(7);
  const lengths = Array.from({ length: 1000 }, () => 1 + Math.floor(r() * s.maxLen));
  const budget = s.budgetGiB * 2 ** 30;
  return {
    bytes_per_token: bytesPerToken(c),
    max_len: s.maxLen,
    block: s.block,
    budget_bytes: budget,
    contiguous: {
      waste: contiguousUse(lengths, s.maxLen, c).waste,
      fit: sequencesThatFit(lengths, budget, c, { kind: 'contiguous', maxLen: s.maxLen }),
    },
    paged: {
      waste: pagedUse(lengths, s.block, c).waste,
      fit: sequencesThatFit(lengths, budget, c, { kind: 'paged', block: s.block }),
    },
  };
}

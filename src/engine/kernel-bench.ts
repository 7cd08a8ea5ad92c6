// Kernel measurements on one WebGPU device, shared by `npm run bench:kernels` (the full plan, with
// onnxruntime-web as the peer) and the app's benchmark panel (a short plan on the user's own GPU).
// Times are the best of a few runs, wall-clock around upload, dispatch and read-back; GPU times come
// from timestamp queries where the device has them. Only ratios on the same adapter mean much.
import type {
  AttentionRow,
  KernelReport,
  MatmulRow,
  SparseReport,
} from '../core/perf/bench-report.ts';
import { attentionBytes } from '../core/nn/attention.ts';
import { chooseMatmul, type MatmulVariant } from '../core/nn/matmul.ts';
import { magnitudeMask, nmMask } from '../core/prune/prune.ts';
import { normalArray as normal } from '../core/base/rng.ts';
import { compress24, toCsr } from '../core/prune/sparse.ts';
import { flashAttention, naiveAttention } from '../gpu/ops/attention.ts';
import { denseStackGpu } from '../gpu/ops/dense.ts';
import { adapterLabel, type GpuContext } from '../gpu/device.ts';
import { f16Layer } from '../gpu/ops/f16-linear.ts';
import { int8Layer } from '../gpu/ops/int8-matmul.ts';
import { matmulLayer } from '../gpu/ops/matmul.ts';
import { csrLayer, directLayer, sparse24Layer } from '../gpu/ops/sparse.ts';
import { passTimer, type PassTimer } from '../gpu/timing.ts';

export interface KernelPlan {
  /** [M, K, N] shapes of C = A[M, K] · B[K, N]. */
  matmul: Array<[number, number, number]>;
  /** Sequence lengths for attention, 2 heads × 64. */
  attention: number[];
  /** One layer [B, K] · [N, K]ᵀ for the sparse, int8 and f16 comparisons (null: skip them). */
  layer: [number, number, number] | null;
  /** CSR sparsities to sweep on that layer. */
  sparsities: number[];
  repeats: number;
}

/** What `npm run bench:kernels` runs. */
export const FULL_PLAN: KernelPlan = {
  matmul: [
    [1, 4096, 4096],
    [8, 2048, 2048],
    [64, 1024, 1024],
    [256, 1024, 1024],
    [1024, 256, 1024],
  ],
  attention: [256, 512, 1024, 2048, 4096],
  layer: [64, 1024, 1024],
  sparsities: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99],
  repeats: 5,
};

/** What the app runs on the user's device: seconds on a software adapter, less on a GPU. */
export const QUICK_PLAN: KernelPlan = {
  matmul: [
    [1, 1024, 1024],
    [64, 512, 512],
    [256, 512, 512],
  ],
  attention: [128, 256, 512],
  layer: [64, 512, 512],
  sparsities: [0.5, 0.7, 0.9],
  repeats: 3,
};

/** A library to compare against (the bench page passes onnxruntime-web's WebGPU backend). */
export interface KernelPeer {
  name: string;
  matmul(b: Float32Array, k: number, n: number): Promise<PeerOp>;
  /** MultiHeadAttention on [1, tokens, heads × d] inputs. */
  attention(heads: number, n: number, d: number): Promise<PeerOp>;
}

export interface PeerOp {
  run(...inputs: Float32Array[]): Promise<Float32Array>;
  release(): void;
}

export interface BenchHooks {
  peer?: KernelPeer | null;
  peerError?: string | null;
  signal?: AbortSignal;
  onProgress?: (fraction: number, label: string) => void;
}

async function bestOf(
  repeats: number,
  fn: () => Promise<unknown>,
  timer: PassTimer | null,
  /** A cancelled run stops at the next repeat, not at the next section. */
  signal: AbortSignal | undefined,
): Promise<{ ms: number; gpuMs: number | null }> {
  let ms = Infinity;
  let gpuMs: number | null = null;
  for (let r = 0; r < repeats; r++) {
    signal?.throwIfAborted();
    const t0 = performance.now();
    await fn();
    ms = Math.min(ms, performance.now() - t0);
    if (timer) {
      const g = await timer.read();
      gpuMs = gpuMs === null ? g : Math.min(gpuMs, g);
    }
  }
  return { ms, gpuMs };
}

/** Largest |a − b| over max |b|. */
export function relDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let scale = 1e-30;
  let e = 0;
  for (let i = 0; i < b.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]!));
    e = Math.max(e, Math.abs(a[i]! - b[i]!));
  }
  return e / scale;
}

/** [heads, tokens, d] to [tokens, heads × d], the layout of MultiHeadAttention's inputs. */
export function headsToTokens(x: Float32Array, h: number, n: number, d: number): Float32Array {
  const y = new Float32Array(x.length);
  for (let i = 0; i < h; i++)
    for (let t = 0; t < n; t++)
      y.set(x.subarray((i * n + t) * d, (i * n + t + 1) * d), (t * h + i) * d);
  return y;
}

export async function runKernelBench(
  ctx: GpuContext,
  plan: KernelPlan,
  hooks: BenchHooks = {},
): Promise<KernelReport> {
  const { peer = null, signal } = hooks;
  let peerError = hooks.peerError ?? null;
  const steps =
    plan.matmul.length + plan.attention.length + (plan.layer ? 2 + plan.sparsities.length : 0);
  let done = 0;
  const step = (label: string) => {
    signal?.throwIfAborted();
    hooks.onProgress?.(done++ / steps, label);
  };
  const timer = passTimer(ctx);
  const matmul: MatmulRow[] = [];
  const attention: AttentionRow[] = [];
  let sparse: SparseReport | null = null;
  let int8: KernelReport['int8'] = null;
  let f16: KernelReport['f16'] = null;
  try {
    for (const [m, k, n] of plan.matmul) {
      step(`matmul ${m}×${k}×${n}`);
      const a = normal(m * k, m + k, 1);
      const b = normal(k * n, k + n, 0.05);
      const chosen = chooseMatmul({ m, k, n });
      const row: MatmulRow = { m, k, n, chosen, ms: {}, gpuMs: {}, peerMs: null, peerDiff: null };
      let ours: Float32Array | null = null;
      const layer = matmulLayer(ctx, b, { k, n });
      try {
        const variants: MatmulVariant[] = m <= 8 ? ['matvec', 'tiled'] : ['tiled', 'blocked'];
        for (const variant of variants) {
          const c = await layer.run(a, m, { variant }); // compiles outside the timing
          if (variant === chosen) ours = c;
          const t = await bestOf(
            plan.repeats,
            () => layer.run(a, m, { variant, timer }),
            timer,
            signal,
          );
          row.ms[variant] = t.ms;
          if (t.gpuMs !== null) row.gpuMs[variant] = t.gpuMs;
        }
      } finally {
        layer.destroy();
      }
      if (peer)
        try {
          const op = await peer.matmul(b, k, n);
          try {
            row.peerDiff = ours ? relDiff(ours, await op.run(a)) : null;
            row.peerMs = (await bestOf(plan.repeats, () => op.run(a), null, signal)).ms;
          } finally {
            op.release();
          }
        } catch (e) {
          peerError = (e as Error).message;
        }
      matmul.push(row);
    }
    const [h, d] = [2, 64];
    for (const n of plan.attention) {
      step(`attention, ${n} tokens`);
      const size = h * n * d;
      const a = {
        q: normal(size, n, 1),
        k: normal(size, n + 1, 1),
        v: normal(size, n + 2, 1),
        bh: h,
        n,
        d,
        causal: false,
      };
      // Fewer repeats where one run takes seconds on a software adapter.
      const repeats = n >= 2048 ? Math.min(2, plan.repeats) : plan.repeats;
      const f = await flashAttention(ctx, a);
      const flash = await bestOf(repeats, () => flashAttention(ctx, a, timer), timer, signal);
      let naive: { ms: number; gpuMs: number | null } | null = null;
      let naiveNote: string | null = null;
      try {
        await naiveAttention(ctx, a);
        naive = await bestOf(repeats, () => naiveAttention(ctx, a, timer), timer, signal);
      } catch (e) {
        naiveNote = (e as Error).message;
      }
      let peerMs: number | null = null;
      let peerDiff: number | null = null;
      if (peer && n <= 2048)
        try {
          const op = await peer.attention(h, n, d);
          try {
            const [q, k, v] = [a.q, a.k, a.v].map((x) => headsToTokens(x, h, n, d));
            peerDiff = relDiff(headsToTokens(f.o, h, n, d), await op.run(q!, k!, v!));
            peerMs = (await bestOf(repeats, () => op.run(q!, k!, v!), null, signal)).ms;
          } finally {
            op.release();
          }
        } catch (e) {
          peerError = (e as Error).message;
        }
      attention.push({
        n,
        flashMs: flash.ms,
        flashBytes: f.bytes,
        naiveMs: naive?.ms ?? null,
        naiveBytes: attentionBytes(h, n, d).naive,
        naiveNote,
        flashGpuMs: flash.gpuMs,
        naiveGpuMs: naive?.gpuMs ?? null,
        peerMs,
        peerDiff,
      });
    }
    if (plan.layer) {
      const [bRows, k, n] = plan.layer;
      const best = async (fn: () => Promise<unknown>) => {
        await fn();
        return (await bestOf(plan.repeats, fn, null, signal)).ms;
      };
      step('dense, 2:4 and int8 layers');
      const w0 = normal(n * k, 500, 0.05);
      const x = normal(bRows * k, 501);
      const dense = [{ weight: w0, bias: null, in: k, out: n }];
      const denseMs = await best(() => denseStackGpu(ctx, dense, x, bRows));
      const direct = directLayer(ctx, w0, n, k, null);
      const directMs = await best(() => direct.run(x, bRows));
      direct.destroy();
      const blocked = matmulLayer(ctx, w0, { k, n, transB: true });
      const blockedMs = await best(() => blocked.run(x, bRows));
      blocked.destroy();
      const m24 = nmMask(w0, k, 2, 4);
      const s24 = sparse24Layer(
        ctx,
        compress24(
          w0.map((v, i) => (m24[i] ? v : 0)),
          n,
          k,
        ),
        null,
      );
      const sparse24Ms = await best(() => s24.run(x, bRows));
      s24.destroy();
      const q = (v: Float32Array) =>
        Int8Array.from(v, (t) => Math.max(-127, Math.min(127, Math.round(t * 40))));
      const [wq, xq] = [q(w0), q(x)];
      const int8Time = async (prefer?: 'unpacked') => {
        const l = int8Layer(ctx, wq, n, k, prefer);
        try {
          return { ms: await best(() => l.run(xq, bRows)), variant: l.variant };
        } finally {
          l.destroy();
        }
      };
      const chosen = await int8Time();
      const unpacked = await int8Time('unpacked');
      int8 = {
        variant: chosen.variant,
        f32Ms: directMs,
        int8Ms: chosen.ms,
        unpackedMs: unpacked.ms,
      };
      step('f16 layer');
      const hl = f16Layer(ctx, w0, n, k, null);
      f16 = { variant: hl.variant, f32Ms: directMs, f16Ms: await best(() => hl.run(x, bRows)) };
      hl.destroy();
      const csr: SparseReport['csr'] = [];
      for (const sparsity of plan.sparsities) {
        step(`CSR at ${Math.round(sparsity * 100)}% sparsity`);
        const m = magnitudeMask(w0, sparsity);
        const g = csrLayer(
          ctx,
          toCsr(
            w0.map((v, i) => (m[i] ? v : 0)),
            n,
            k,
          ),
          null,
        );
        csr.push({ sparsity, ms: await best(() => g.run(x, bRows)) });
        g.destroy();
      }
      sparse = {
        shape: { b: bRows, k, n },
        denseMs,
        directMs,
        blockedMs,
        sparse24Ms,
        csr,
        breakEven: csr.find((c) => c.ms < Math.min(denseMs, directMs))?.sparsity ?? null,
      };
    }
  } finally {
    timer?.destroy();
  }
  hooks.onProgress?.(1, 'done');
  return {
    adapter: adapterLabel(ctx.summary),
    date: new Date().toISOString(),
    peer: peer?.name ?? null,
    peerError,
    gpuTiming: timer ? 'timestamp-query' : null,
    matmul,
    attention,
    sparse,
    int8,
    f16,
  };
}

// Kernels: flash_attention, naive_attention (shaders/attention).
// FlashAttention-style and naive attention kernels against the CPU reference: causal and not, odd
// lengths (partial tiles and workgroups), head sizes up to 128, lengths up to 512.
import { beforeAll, describe, expect, test } from 'vitest';
import { attentionBytes, attentionReference } from '../../src/core/nn/attention.ts';
import { acquireGpu, type GpuContext } from '../../src/gpu/device.ts';
import { flashAttention, naiveAttention } from '../../src/gpu/ops/attention.ts';
import { roundToF16 } from '../../src/gpu/f16.ts';
import { normal } from '../helpers/random.ts';

let ctx: GpuContext;

beforeAll(async () => {
  const got = await acquireGpu(navigator.gpu);
  if (!got.ok) throw new Error(`this tier needs a WebGPU adapter: ${got.reason}`);
  ctx = got.ctx;
});

function worst(a: Float32Array, b: Float32Array): number {
  let w = 0;
  for (let i = 0; i < b.length; i++) w = Math.max(w, Math.abs(a[i]! - b[i]!));
  return w;
}

describe('attention kernels match the reference within 1e-4', () => {
  for (const [bh, n, d, causal] of [
    [1, 1, 8, false],
    [2, 17, 16, true],
    [3, 100, 64, false],
    [2, 130, 128, true],
    [1, 512, 64, true],
    [1, 512, 32, false],
  ] as const)
    test(`${bh} heads × ${n} tokens × ${d}${causal ? ', causal' : ''}`, async () => {
      const size = bh * n * d;
      const a = {
        q: normal(size, n + d, 1),
        k: normal(size, n + d + 1, 1),
        v: normal(size, n + d + 2, 1),
        bh,
        n,
        d,
        causal,
      };
      const want = attentionReference(a.q, a.k, a.v, bh, n, d, causal);
      const flash = await flashAttention(ctx, a);
      expect(worst(flash.o, want)).toBeLessThan(1e-4);
      const naive = await naiveAttention(ctx, a);
      expect(worst(naive.o, want)).toBeLessThan(1e-4);
      expect(naive.bytes - flash.bytes).toBe(bh * n * n * 4);
    });

  test('naive attention refuses scores over the binding limit, with the numbers', async () => {
    const small = { ...ctx, maxBindingBytes: 1 << 20 };
    const n = 1024;
    const a = {
      q: new Float32Array(n * 8),
      k: new Float32Array(n * 8),
      v: new Float32Array(n * 8),
      bh: 1,
      n,
      d: 8,
      causal: false,
    };
    await expect(naiveAttention(small, a)).rejects.toThrow(
      /4194304 bytes, over the 1048576-byte binding limit/,
    );
    expect(attentionBytes(32, 4096, 128).scores).toBe(2 * 2 ** 30);
    const r = await flashAttention(small, a);
    expect(r.o.every((x) => x === 0)).toBe(true);
  });

  test('f16: native where the device has shader-f16, else f32 on rounded inputs; equal to the reference on rounded inputs', async () => {
    const [bh, n, d] = [2, 70, 32];
    const size = bh * n * d;
    const a = {
      q: normal(size, 11, 1),
      k: normal(size, 12, 1),
      v: normal(size, 13, 1),
      bh,
      n,
      d,
      causal: true,
    };
    const want = attentionReference(
      roundToF16(a.q),
      roundToF16(a.k),
      roundToF16(a.v),
      bh,
      n,
      d,
      true,
    );
    const r = await flashAttention(ctx, a, null, 'f16');
    const native = ctx.summary.features.includes('shader-f16');
    expect(r.precision).toBe(native ? 'f16' : 'f16 (f32 fallback)');
    expect(worst(r.o, want)).toBeLessThan(1e-4);
    expect(r.bytes).toBe(attentionBytes(bh, n, d).flash - (native ? (3 * size * 4) / 2 : 0));
  });
});

// Kernels: rms_norm, rope, swiglu, gqa_attention (shaders/lm).
// Each Llama kernel alone against its CPU twin in src/core/lm: odd sizes (rows and widths that are
// not multiples of the workgroup), both rotary layouts at offsets from 0 to 10^6, grouped-query
// attention with 2 and 1 query heads per key/value head, a window (pos0 = 0) and a step over a
// longer cache (pos0 > 0).
import { beforeAll, describe, expect, test } from 'vitest';
import { gqaAttention } from '../../src/core/lm/attention.ts';
import { rmsNorm, rope, swiglu, type RopeLayout } from '../../src/core/lm/ops.ts';
import type { GpuContext } from '../../src/gpu/device.ts';
import { encodeGqaAttention } from '../../src/gpu/kernels/gqa_attention.ts';
import { encodeRmsNorm } from '../../src/gpu/kernels/rms_norm.ts';
import { encodeRope, ropeTurns } from '../../src/gpu/kernels/rope.ts';
import { encodeSwiglu } from '../../src/gpu/kernels/swiglu.ts';
import { normal } from '../helpers/random.ts';
import { buffer, expectMatch, f32, gpuContext, run } from './kernel-harness.ts';
import { GQA_TOLERANCE, KERNEL_TOLERANCE, ROPE_TOLERANCE } from './tolerances.ts';

let ctx: GpuContext;
let device: GPUDevice;

beforeAll(async () => {
  ctx = await gpuContext();
  device = ctx.device;
});

describe('rms_norm', () => {
  for (const [rows, dim] of [
    [1, 1],
    [37, 67],
    [5, 300],
    [130, 64],
  ] as const)
    test(`${rows} rows × ${dim}`, async () => {
      const x = normal(rows * dim, rows + dim, 3);
      const w = normal(dim, dim, 1, 1);
      const want = rmsNorm(x, w, rows, dim, 1e-5);
      const [bx, bw, by] = [buffer(device, x), buffer(device, w), buffer(device, rows * dim)];
      const [got] = await run(
        device,
        (enc) => encodeRmsNorm(device, enc, { x: bx, w: bw, y: by }, rows, dim, 1e-5),
        [by],
      );
      expectMatch(f32(got!, rows * dim), want, KERNEL_TOLERANCE, 'rms_norm');
    });

  test('refuses a short output buffer, naming the kernel and the field', async () => {
    const small = buffer(device, 4);
    const enc = device.createCommandEncoder();
    await expect(
      encodeRmsNorm(device, enc, { x: small, w: small, y: small }, 2, 3, 1e-5),
    ).rejects.toThrow(/rms_norm: x holds 16 bytes, needs 6 values/);
  });
});

describe('swiglu', () => {
  for (const n of [1, 257, 4099])
    test(`${n} values, with large negative and positive gates`, async () => {
      const gate = normal(n, n, 6);
      gate[0] = -120;
      if (n > 1) gate[1] = 95;
      const up = normal(n, n + 1, 1);
      const want = swiglu(gate, up);
      const [bg, bu, by] = [buffer(device, gate), buffer(device, up), buffer(device, n)];
      const [got] = await run(
        device,
        (enc) => encodeSwiglu(device, enc, { gate: bg, up: bu, y: by }, n),
        [by],
      );
      expectMatch(f32(got!, n), want, KERNEL_TOLERANCE, 'swiglu');
    });
});

describe('rope', () => {
  test('the turns table sums back to theta^(−2i/d) / 2π, with exact 12-bit leading pieces', () => {
    const t = ropeTurns(64, 500000);
    for (let i = 0; i < 32; i++) {
      const want = Math.pow(500000, (-2 * i) / 64) / (2 * Math.PI);
      expect(Math.abs(t[3 * i]! + t[3 * i + 1]! + t[3 * i + 2]! - want)).toBeLessThan(want * 1e-14);
      for (const c of [t[3 * i]!, t[3 * i + 1]!]) {
        if (c === 0) continue;
        const q = 2 ** (Math.floor(Math.log2(Math.abs(c))) - 11);
        expect(Number.isInteger(c / q)).toBe(true);
      }
    }
  });

  for (const layout of ['interleaved', 'half'] as const satisfies readonly RopeLayout[])
    for (const [rows, heads, hd, pos0, theta] of [
      [1, 1, 2, 0, 10000],
      [37, 3, 10, 0, 10000],
      [20, 4, 64, 5, 10000],
      [9, 2, 128, 1000003, 500000],
      [70, 5, 6, 65530, 10000],
    ] as const)
      test(`${layout}: ${rows} rows × ${heads} heads × ${hd} at pos0 ${pos0}, theta ${theta}`, async () => {
        const n = rows * heads * hd;
        const x = normal(n, n + pos0, 1);
        const want = x.slice();
        rope(want, rows, heads, hd, pos0, theta, layout);
        const bx = buffer(device, x);
        const [got] = await run(
          device,
          (enc) => encodeRope(device, enc, bx, { rows, heads, headDim: hd, pos0, theta, layout }),
          [bx],
        );
        const out = f32(got!, n);
        let worst = 0;
        for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(out[i]! - want[i]!));
        console.log(`rope ${layout} at pos0 ${pos0}: max |Δ| ${worst.toExponential(2)}`);
        expectMatch(out, want, ROPE_TOLERANCE, `rope ${layout}`);
      });
});

describe('gqa_attention', () => {
  for (const [rows, pos0, heads, kvHeads, d] of [
    [1, 0, 1, 1, 8],
    [70, 0, 8, 4, 8],
    [33, 0, 6, 6, 16],
    [3, 100, 4, 2, 64],
    [1, 129, 4, 4, 128],
    [65, 31, 2, 1, 32],
  ] as const)
    test(`${rows} rows at pos0 ${pos0}, ${heads} heads on ${kvHeads} kv heads × ${d}`, async () => {
      const positions = pos0 + rows;
      const q = normal(rows * heads * d, rows + d, 1);
      const k = normal(positions * kvHeads * d, positions + d, 1);
      const v = normal(positions * kvHeads * d, positions + d + 1, 1);
      const want = gqaAttention(q, k, v, { rows, pos0, heads, kvHeads, headDim: d });
      const [bq, bk, bv, bo] = [
        buffer(device, q),
        buffer(device, k),
        buffer(device, v),
        buffer(device, rows * heads * d),
      ];
      const [got] = await run(
        device,
        (enc) =>
          encodeGqaAttention(
            device,
            enc,
            { q: bq, k: bk, v: bv, out: bo },
            { rows, pos0, heads, kvHeads, headDim: d },
          ),
        [bo],
      );
      expectMatch(f32(got!, rows * heads * d), want, GQA_TOLERANCE, 'gqa_attention');
    });

  test('refuses a key cache shorter than pos0 + rows', async () => {
    const b = buffer(device, 64);
    const enc = device.createCommandEncoder();
    await expect(
      encodeGqaAttention(
        device,
        enc,
        { q: b, k: b, v: b, out: buffer(device, 64) },
        { rows: 2, pos0: 7, heads: 2, kvHeads: 1, headDim: 8 },
      ),
    ).rejects.toThrow(/gqa_attention: k holds 256 bytes, needs 72 values/);
  });
});

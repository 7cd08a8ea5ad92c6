// The networks' multi-head attention kernel (shaders/attention/attention.wgsl, stages 0, 1 and 2)
// alone against its CPU twins attentionForward / attentionBackward (src/core/nn/mha.ts): one token,
// odd lengths, the 64-token maximum, and a NaN in one sample's queries staying in that sample.
import { beforeAll, describe, expect, test } from 'vitest';
import { attentionBackward, attentionForward } from '../../src/core/nn/mha.ts';
import type { GpuContext } from '../../src/gpu/device.ts';
import { ATTENTION_MAX_T, encodeAttention } from '../../src/gpu/kernels/attention.ts';
import { normal } from '../helpers/random.ts';
import { buffer, expectMatch, f32, gpuContext, run } from './kernel-harness.ts';
import { KERNEL_TOLERANCE } from './tolerances.ts';

let ctx: GpuContext;

beforeAll(async () => {
  ctx = await gpuContext();
});

async function gpuAttention(
  x: Float32Array,
  dy: Float32Array,
  B: number,
  T: number,
  D: number,
  H: number,
) {
  const { device } = ctx;
  const bufs = {
    qkv: buffer(device, x),
    dy: buffer(device, dy),
    probs: buffer(device, B * H * T * T),
    ds: buffer(device, B * H * T * T),
    y: buffer(device, B * T * D),
    dx: buffer(device, x.length),
  };
  const b = { qkv: bufs.qkv, dy: bufs.dy, probs: bufs.probs, ds: bufs.ds };
  try {
    const [y, probs, dx] = await run(
      device,
      async (e) => [
        ...(await encodeAttention(
          device,
          e,
          0,
          { ...b, dy: null, ds: null, out: bufs.y },
          B,
          T,
          D,
          H,
        )),
        ...(await encodeAttention(device, e, 1, { ...b, out: bufs.dx }, B, T, D, H)),
        ...(await encodeAttention(device, e, 2, { ...b, out: bufs.dx }, B, T, D, H)),
      ],
      [bufs.y, bufs.probs, bufs.dx],
    );
    return { y: f32(y!, B * T * D), probs: f32(probs!, B * H * T * T), dx: f32(dx!, x.length) };
  } finally {
    Object.values(bufs).forEach((t) => t.destroy());
  }
}

describe('attention kernel matches the CPU twin', () => {
  for (const [B, T, D, H] of [
    [1, 1, 4, 1],
    [3, 17, 12, 3],
    [2, ATTENTION_MAX_T, 16, 2],
    [257, 5, 4, 2],
  ] as const)
    test(`B ${B}, T ${T}, D ${D}, ${H} heads: output, probabilities and dqkv`, async () => {
      const x = normal(B * T * 3 * D, B + T, 1);
      const dy = normal(B * T * D, D, 1);
      const got = await gpuAttention(x, dy, B, T, D, H);
      const want = attentionForward(x, B, T, D, H);
      expectMatch(got.y, want.y, KERNEL_TOLERANCE, 'y');
      expectMatch(got.probs, want.probs, KERNEL_TOLERANCE, 'probs');
      expectMatch(
        got.dx,
        attentionBackward(x, want.probs, dy, B, T, D, H),
        KERNEL_TOLERANCE,
        'dqkv',
      );
    });

  test('a NaN in one sample turns that sample NaN on both sides and leaves the others alone', async () => {
    const [B, T, D, H] = [2, 5, 4, 2];
    const x = normal(B * T * 3 * D, 3, 1);
    x[1] = NaN; // sample 0, token 0, head 0 query
    const dy = normal(B * T * D, 4, 1);
    const got = await gpuAttention(x, dy, B, T, D, H);
    const want = attentionForward(x, B, T, D, H);
    expectMatch(got.y, want.y, KERNEL_TOLERANCE, 'y');
    expect(got.y.subarray(T * D).every(Number.isFinite)).toBe(true);
  });

  test(`more than ${ATTENTION_MAX_T} tokens are refused`, async () => {
    const { device } = ctx;
    const b = buffer(device, 4);
    const bindings = { qkv: b, dy: null, probs: b, ds: null, out: b };
    await expect(
      encodeAttention(device, device.createCommandEncoder(), 0, bindings, 1, 65, 4, 1),
    ).rejects.toThrow(/65 tokens: this kernel takes 64/);
    b.destroy();
  });
});

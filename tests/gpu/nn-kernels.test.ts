// Each network kernel alone against its CPU twin, on a real adapter: elementwise, colsum, gather,
// transpose, im2col, maxpool, layernorm, mean_tokens, cross_entropy and adam (shaders/nn/*.wgsl),
// at awkward sizes (1, 255, 257, 65,537 elements or rows) and with NaN and ±Inf where the kernel
// can meet them. Integer outputs (max-pool indices) and pure data movement match exactly.
import { beforeAll, describe, expect, test } from 'vitest';
import { adamUpdate } from '../../src/core/nn/adam.ts';
import {
  ELEMENTWISE_OP as OP,
  elementwise,
  type ElementwiseOp,
} from '../../src/core/nn/elementwise.ts';
import { crossEntropyRows } from '../../src/core/nn/nn.ts';
import { colsum, layerNormBackward, layerNormForward } from '../../src/core/nn/norm.ts';
import { maxPool2Backward, maxPool2Forward } from '../../src/core/nn/pool.ts';
import {
  col2im,
  gather,
  im2col,
  meanTokens,
  meanTokensBackward,
  transposeBatched,
  type ConvShape,
} from '../../src/core/nn/reorder.ts';
import type { GpuContext } from '../../src/gpu/device.ts';
import { encodeAdam } from '../../src/gpu/kernels/adam.ts';
import { encodeColsum } from '../../src/gpu/kernels/colsum.ts';
import { encodeCrossEntropy } from '../../src/gpu/kernels/cross_entropy.ts';
import { encodeElementwise } from '../../src/gpu/kernels/elementwise.ts';
import { encodeGather } from '../../src/gpu/kernels/gather.ts';
import { encodeIm2col } from '../../src/gpu/kernels/im2col.ts';
import { encodeLayernorm } from '../../src/gpu/kernels/layernorm.ts';
import { encodeMaxpool } from '../../src/gpu/kernels/maxpool.ts';
import { encodeMeanTokens } from '../../src/gpu/kernels/mean_tokens.ts';
import { encodeTranspose } from '../../src/gpu/kernels/transpose.ts';
import { normal } from '../helpers/random.ts';
import { buffer, expectMatch, f32, gpuContext, run, u32 } from './kernel-harness.ts';
import { ADAM_TOLERANCE, KERNEL_TOLERANCE } from './tolerances.ts';

let ctx: GpuContext;
let device: GPUDevice;

beforeAll(async () => {
  ctx = await gpuContext();
  device = ctx.device;
});

const SIZES = [1, 255, 257, 65_537];

/** Seeded normal values with NaN, ±Inf and ±0 sprinkled in (when n allows). */
function withSpecials(n: number, seed: number, scale = 2): Float32Array {
  const x = normal(n, seed, scale);
  const specials = [NaN, Infinity, -Infinity, 0, -0];
  for (let i = 0; i < specials.length && i * 37 + 3 < n; i++) x[i * 37 + 3] = specials[i]!;
  return x;
}

async function gpuElementwise(
  op: ElementwiseOp,
  a: Float32Array,
  b: Float32Array | null,
  period = 1,
) {
  const n = a.length;
  const [ab, bb, yb] = [buffer(device, a), b && buffer(device, b), buffer(device, n)];
  try {
    const [y] = await run(device, (e) => encodeElementwise(device, e, op, ab, bb, yb, n, period), [
      yb,
    ]);
    return f32(y!, n);
  } finally {
    [ab, bb, yb].forEach((t) => t?.destroy());
  }
}

describe('elementwise', () => {
  const exact: ElementwiseOp[] = [OP.relu, OP.reluBackward, OP.add, OP.multiply];
  for (const n of SIZES)
    test(`n = ${n}: every op, finite values`, async () => {
      const a = normal(n, n, 2);
      const b = normal(n, n + 1, 2);
      for (const op of Object.values(OP)) {
        const period = op === OP.addPeriodic ? Math.max(1, n >> 3) : 1;
        const got = await gpuElementwise(op, a, b, period);
        expectMatch(
          got,
          elementwise(op, a, b, n, period),
          exact.includes(op) ? 0 : KERNEL_TOLERANCE,
          `op ${op}`,
        );
      }
    });

  test('NaN and ±Inf: sums, products and GELU propagate them as the CPU does', async () => {
    const a = withSpecials(300, 1);
    const b = withSpecials(300, 2).reverse();
    for (const op of [OP.add, OP.addPeriodic, OP.multiply, OP.geluBackward]) {
      const got = await gpuElementwise(op, a, b, 7);
      expectMatch(got, elementwise(op, a, b, a.length, 7), KERNEL_TOLERANCE, `op ${op}`);
    }
    expectMatch(
      await gpuElementwise(OP.gelu, a, null),
      elementwise(OP.gelu, a, null),
      KERNEL_TOLERANCE,
      'gelu',
    );
  });

  test('GELU and its gradient at large finite inputs', async () => {
    const a = Float32Array.from([5, 9, 10, 20, 50, 100, 1e4, 1e10, -5, -10, -50, -1e4, -1e10]);
    const dy = new Float32Array(a.length).fill(1);
    expectMatch(
      await gpuElementwise(OP.gelu, a, null),
      elementwise(OP.gelu, a, null),
      KERNEL_TOLERANCE,
      'gelu',
    );
    expectMatch(
      await gpuElementwise(OP.geluBackward, a, dy),
      elementwise(OP.geluBackward, a, dy),
      KERNEL_TOLERANCE,
      'gelu′',
    );
  });

  test('ReLU and its gradient at NaN, ±Inf and ±0 follow the CPU twin', async () => {
    const a = Float32Array.from([NaN, Infinity, -Infinity, 0, -0, 1.5, -2]);
    const dy = Float32Array.from([1, 2, 3, 4, 5, NaN, Infinity]);
    expectMatch(await gpuElementwise(OP.relu, a, null), elementwise(OP.relu, a, null), 0, 'relu');
    const back = await gpuElementwise(OP.reluBackward, a, dy);
    expectMatch(back.subarray(1), elementwise(OP.reluBackward, a, dy).subarray(1), 0, 'relu′');
  });

  test('a second operand is required where the op reads one', async () => {
    const a = buffer(device, 4);
    await expect(
      encodeElementwise(device, device.createCommandEncoder(), OP.add, a, null, a, 4),
    ).rejects.toThrow(/needs a second operand/);
    a.destroy();
  });
});

describe('colsum', () => {
  for (const [rows, n] of [
    [1, 1],
    [255, 3],
    [3, 257],
    [2, 65_537],
  ] as const)
    test(`[${rows}, ${n}], plain and accumulating, with NaN and ±Inf`, async () => {
      const a = withSpecials(rows * n, rows + n);
      const init = normal(n, 5);
      const [ab, ob] = [buffer(device, a), buffer(device, init)];
      try {
        const [o1] = await run(device, (e) => encodeColsum(device, e, ab, ob, rows, n, true), [ob]);
        expectMatch(f32(o1!, n), colsum(a, rows, n, init), KERNEL_TOLERANCE, 'accumulate');
        const [o2] = await run(device, (e) => encodeColsum(device, e, ab, ob, rows, n), [ob]);
        expectMatch(f32(o2!, n), colsum(a, rows, n), KERNEL_TOLERANCE, 'plain');
      } finally {
        [ab, ob].forEach((t) => t.destroy());
      }
    });
});

describe('gather and transpose move values exactly', () => {
  for (const n of SIZES)
    test(`gather: 3 samples of ${n}, NaN payloads kept in place`, async () => {
      const samples = 3;
      const x = withSpecials(samples * n, n);
      const idx = Uint32Array.from({ length: n }, (_, i) => (i * 7919) % n);
      const [xb, ib, yb] = [buffer(device, x), buffer(device, idx), buffer(device, samples * n)];
      try {
        const [y] = await run(device, (e) => encodeGather(device, e, xb, ib, yb, samples, n), [yb]);
        expectMatch(f32(y!, samples * n), gather(x, idx, samples, n), 0);
      } finally {
        [xb, ib, yb].forEach((t) => t.destroy());
      }
    });

  for (const [batches, rows, cols] of [
    [1, 1, 1],
    [2, 255, 3],
    [3, 17, 257],
    [1, 65_537, 1],
  ] as const)
    test(`transpose: ${batches} × [${rows}, ${cols}]`, async () => {
      const total = batches * rows * cols;
      const x = withSpecials(total, total);
      const [xb, yb] = [buffer(device, x), buffer(device, total)];
      try {
        const [y] = await run(
          device,
          (e) => encodeTranspose(device, e, xb, yb, batches, rows, cols),
          [yb],
        );
        expectMatch(f32(y!, total), transposeBatched(x, batches, rows, cols), 0);
      } finally {
        [xb, yb].forEach((t) => t.destroy());
      }
    });
});

describe('im2col', () => {
  const shapes: ConvShape[] = [
    { b: 1, c: 1, h: 1, w: 1, k: 1, pad: 0, oh: 1, ow: 1 },
    { b: 2, c: 3, h: 10, w: 6, k: 2, pad: 0, oh: 9, ow: 5 },
    { b: 3, c: 5, h: 9, w: 5, k: 3, pad: 1, oh: 9, ow: 5 },
    { b: 1, c: 1, h: 257, w: 255, k: 1, pad: 0, oh: 257, ow: 255 },
  ];
  for (const s of shapes)
    test(`${s.b} × ${s.c} × ${s.h} × ${s.w}, kernel ${s.k}, padding ${s.pad}: columns exact, col2im summed`, async () => {
      const image = s.b * s.c * s.h * s.w;
      const cols = s.b * s.oh * s.ow * s.c * s.k * s.k;
      const x = withSpecials(image, image);
      const dcols = normal(cols, cols);
      const [xb, cb, db, gb] = [
        buffer(device, x),
        buffer(device, cols),
        buffer(device, dcols),
        buffer(device, image),
      ];
      try {
        const [c, g] = await run(
          device,
          async (e) => [
            ...(await encodeIm2col(device, e, xb, cb, s, false)),
            ...(await encodeIm2col(device, e, db, gb, s, true)),
          ],
          [cb, gb],
        );
        expectMatch(f32(c!, cols), im2col(x, s), 0, 'im2col');
        expectMatch(f32(g!, image), col2im(dcols, s), KERNEL_TOLERANCE, 'col2im');
      } finally {
        [xb, cb, db, gb].forEach((t) => t.destroy());
      }
    });

  test('a shape whose output size does not follow from the kernel is refused', async () => {
    const b = buffer(device, 64);
    const bad = { b: 1, c: 1, h: 4, w: 4, k: 3, pad: 0, oh: 4, ow: 4 };
    await expect(
      encodeIm2col(device, device.createCommandEncoder(), b, b, bad, false),
    ).rejects.toThrow(/im2col: output 4 × 4/);
    b.destroy();
  });
});

describe('maxpool', () => {
  for (const [planes, h, w] of [
    [1, 2, 2],
    [255, 2, 4],
    [257, 6, 2],
    [65_537, 2, 2],
  ] as const)
    test(`${planes} planes of ${h} × ${w}: values and indices exact, ties and NaN as the CPU`, async () => {
      const n = planes * h * w;
      const x = withSpecials(n, n);
      for (let i = 0; i + 1 < n; i += 5) x[i + 1] = x[i]!; // ties
      const dy = normal(n / 4, 3);
      const [xb, yb, ab, db, gb] = [
        buffer(device, x),
        buffer(device, n / 4),
        buffer(device, n / 4),
        buffer(device, dy),
        buffer(device, n),
      ];
      try {
        const [y, arg, dx] = await run(
          device,
          async (e) => [
            ...(await encodeMaxpool(device, e, xb, yb, ab, planes, h, w, false)),
            ...(await encodeMaxpool(device, e, db, gb, ab, planes, h, w, true)),
          ],
          [yb, ab, gb],
        );
        const want = maxPool2Forward(x, planes, h, w);
        expect([...u32(arg!, n / 4)]).toEqual([...want.arg]);
        expectMatch(f32(y!, n / 4), want.y, 0, 'y');
        expectMatch(f32(dx!, n), maxPool2Backward(dy, want.arg, n), 0, 'dx');
      } finally {
        [xb, yb, ab, db, gb].forEach((t) => t.destroy());
      }
    });
});

describe('layernorm', () => {
  for (const [rows, dim] of [
    [1, 1],
    [255, 7],
    [257, 64],
    [65_537, 3],
  ] as const)
    test(`${rows} rows of ${dim}: forward and backward; a NaN or ∞ row stays NaN`, async () => {
      const x = normal(rows * dim, rows, 3, 1);
      if (rows > 2) [x[0], x[dim]] = [NaN, Infinity];
      const gamma = normal(dim, 1, 1, 1);
      const beta = normal(dim, 2);
      const dy = normal(rows * dim, rows + 1);
      const want = layerNormForward(x, gamma, beta, rows, dim);
      const bufs = {
        x: buffer(device, x),
        gamma: buffer(device, gamma),
        beta: buffer(device, beta),
        y: buffer(device, rows * dim),
        xhat: buffer(device, rows * dim),
        rstd: buffer(device, rows),
      };
      const [dyb, dxb] = [buffer(device, dy), buffer(device, rows * dim)];
      try {
        const [y, xhat, rstd, dx] = await run(
          device,
          async (e) => [
            ...(await encodeLayernorm(device, e, bufs, rows, dim, 1e-5, false)),
            ...(await encodeLayernorm(
              device,
              e,
              { ...bufs, x: dyb, y: dxb },
              rows,
              dim,
              1e-5,
              true,
            )),
          ],
          [bufs.y, bufs.xhat, bufs.rstd, dxb],
        );
        expectMatch(f32(y!, rows * dim), want.y, KERNEL_TOLERANCE, 'y');
        expectMatch(f32(xhat!, rows * dim), want.xhat, KERNEL_TOLERANCE, 'xhat');
        expectMatch(f32(rstd!, rows), want.rstd, KERNEL_TOLERANCE, 'rstd');
        const wantDx = layerNormBackward(dy, gamma, want.xhat, want.rstd, rows, dim);
        expectMatch(f32(dx!, rows * dim), wantDx, KERNEL_TOLERANCE, 'dx');
      } finally {
        [...Object.values(bufs), dyb, dxb].forEach((t) => t.destroy());
      }
    });
});

describe('mean_tokens', () => {
  for (const [batch, tokens, dim] of [
    [1, 1, 1],
    [255, 3, 1],
    [1, 257, 2],
    [65_537, 2, 1],
  ] as const)
    test(`[${batch}, ${tokens}, ${dim}]: forward and backward, NaN and ±Inf carried`, async () => {
      const full = batch * tokens * dim;
      const x = withSpecials(full, full);
      const dy = withSpecials(batch * dim, batch + 9);
      const [xb, yb, db, gb] = [
        buffer(device, x),
        buffer(device, batch * dim),
        buffer(device, dy),
        buffer(device, full),
      ];
      try {
        const [y, dx] = await run(
          device,
          async (e) => [
            ...(await encodeMeanTokens(device, e, xb, yb, batch, tokens, dim, false)),
            ...(await encodeMeanTokens(device, e, db, gb, batch, tokens, dim, true)),
          ],
          [yb, gb],
        );
        expectMatch(f32(y!, batch * dim), meanTokens(x, batch, tokens, dim), KERNEL_TOLERANCE, 'y');
        expectMatch(
          f32(dx!, full),
          meanTokensBackward(dy, batch, tokens, dim),
          KERNEL_TOLERANCE,
          'dx',
        );
      } finally {
        [xb, yb, db, gb].forEach((t) => t.destroy());
      }
    });
});

describe('cross_entropy', () => {
  for (const [batch, classes] of [
    [1, 1],
    [255, 10],
    [257, 3],
    [65_537, 2],
  ] as const)
    test(`${batch} rows of ${classes} classes; rows with NaN or +∞ come out NaN`, async () => {
      const logits = normal(batch * classes, batch, 3);
      if (batch > 2) [logits[classes], logits[2 * classes]] = [NaN, Infinity];
      const labels = Uint32Array.from({ length: batch }, (_, i) => (i * 7) % classes);
      const bufs = {
        logits: buffer(device, logits),
        labels: buffer(device, labels),
        grad: buffer(device, batch * classes),
        loss: buffer(device, batch),
      };
      try {
        const [grad, loss] = await run(
          device,
          (e) => encodeCrossEntropy(device, e, bufs, batch, classes),
          [bufs.grad, bufs.loss],
        );
        const want = crossEntropyRows(logits, batch, classes, labels);
        expectMatch(f32(loss!, batch), want.loss, KERNEL_TOLERANCE, 'loss');
        expectMatch(f32(grad!, batch * classes), want.grad, KERNEL_TOLERANCE, 'grad');
      } finally {
        Object.values(bufs).forEach((t) => t.destroy());
      }
    });
});

describe('adam', () => {
  for (const n of SIZES)
    for (const masked of [false, true])
      test(`n = ${n}${masked ? ', masked' : ''}: two AdamW steps; a NaN gradient poisons only its entry`, async () => {
        const p = normal(n, n, 0.5);
        const g1 = normal(n, n + 1, 0.1);
        const g2 = normal(n, n + 2, 0.1);
        if (n > 3) g1[2] = NaN;
        const mask = masked ? Float32Array.from({ length: n }, (_, i) => (i % 3 ? 1 : 0)) : null;
        const cpu = { p: Float32Array.from(p), m: new Float32Array(n), v: new Float32Array(n) };
        const bufs = { p: buffer(device, p), m: buffer(device, n), v: buffer(device, n) };
        const [gb1, gb2, mb] = [
          buffer(device, g1),
          buffer(device, g2),
          mask && buffer(device, mask),
        ];
        try {
          let got: ArrayBuffer[] = [];
          for (const [t, gb, g] of [
            [1, gb1, g1],
            [2, gb2, g2],
          ] as const) {
            const step = {
              lr: 1e-2,
              beta1: 0.9,
              beta2: 0.999,
              eps: 1e-8,
              t,
              decay: 1 - 1e-2 * 0.1,
            };
            got = await run(
              device,
              (e) => encodeAdam(device, e, { g: gb, mask: mb, ...bufs }, n, step),
              [bufs.p, bufs.m, bufs.v],
            );
            adamUpdate(cpu.p, cpu.m, cpu.v, g, mask, step);
          }
          expectMatch(f32(got[0]!, n), cpu.p, ADAM_TOLERANCE, 'p');
          expectMatch(f32(got[1]!, n), cpu.m, ADAM_TOLERANCE, 'm');
          expectMatch(f32(got[2]!, n), cpu.v, ADAM_TOLERANCE, 'v');
        } finally {
          [...Object.values(bufs), gb1, gb2, mb].forEach((t) => t?.destroy());
        }
      });
});

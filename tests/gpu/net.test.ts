// Parity of the network kernels (matmul, im2col, transpose, maxpool, layernorm, attention, GELU,
// mean, cross-entropy, Adam) with the CPU reference layers, through whole networks: logits, every
// parameter's gradient, and parameters after Adam steps.
import { beforeAll, describe, expect, test } from 'vitest';
import { Conv2d } from '../../src/core/nn/conv2d.ts';
import { Dense } from '../../src/core/nn/dense.ts';
import { factorNet } from '../../src/core/nn/factor-net.ts';
import type { Params } from '../../src/core/nn/layer.ts';
import { backward, forward, netParams, type Net } from '../../src/core/nn/network.ts';
import { MaxPool2, Relu } from '../../src/core/nn/pointwise-layers.ts';
import { adamState, adamStep, crossEntropy } from '../../src/core/nn/nn.ts';
import { acquireGpu, type GpuContext } from '../../src/gpu/device.ts';
import { GpuNet } from '../../src/gpu/ops/net-gpu.ts';
import { cnn, initParams, mlp, vit } from '../../src/models/zoo.ts';
import { train } from '../../src/models/train.ts';
import type { Digits } from '../../src/models/mnist.ts';
import { normal } from '../helpers/random.ts';
import { NET_TOLERANCE } from './tolerances.ts';

let ctx: GpuContext;

beforeAll(async () => {
  const got = await acquireGpu(navigator.gpu);
  if (!got.ok) throw new Error(`this tier needs a WebGPU adapter: ${got.reason}`);
  ctx = got.ctx;
});

function expectClose(gpu: Float32Array, cpu: Float32Array, what: string) {
  expect(gpu.length, what).toBe(cpu.length);
  const scale = cpu.reduce((m, v) => Math.max(m, Math.abs(v)), 1e-12);
  let worst = 0;
  for (let i = 0; i < cpu.length; i++) worst = Math.max(worst, Math.abs(gpu[i]! - cpu[i]!));
  expect(worst / scale, what).toBeLessThanOrEqual(NET_TOLERANCE);
}

/** A convolution net with odd shapes: no padding, a 2×2 kernel, 3 channels, 10×6 images. */
function oddCnn(): Net {
  return {
    arch: 'odd',
    about: '',
    inSize: 3 * 10 * 6,
    classes: 4,
    layers: [
      new Conv2d('c1', 3, 5, 2, 0, 10, 6),
      new Relu(5 * 9 * 5),
      new Conv2d('c2', 5, 2, 3, 1, 9, 5),
      new Dense('fc', 2 * 9 * 5, 4),
    ],
  };
}

function withPool(): Net {
  return {
    arch: 'pool',
    about: '',
    inSize: 2 * 6 * 4,
    classes: 3,
    layers: [new MaxPool2(2, 6, 4), new Dense('fc', 12, 3)],
  };
}

const NETS: Array<[string, () => Net]> = [
  ['MLP 784-64-10', () => mlp([784, 64, 10], 'm')],
  ['odd convolutions', oddCnn],
  ['max pooling (with ties)', withPool],
  ['the demo CNN', cnn],
  ['the demo ViT', vit],
  [
    'a factorized CNN and ViT (layers without bias, 1×1 convolutions)',
    () => {
      const c = factorNet(
        cnn(),
        new Map([
          ['conv2', 4],
          ['fc1', 8],
        ]),
      );
      const v = factorNet(vit(), new Map([['blocks.0.attn.qkv', 8]]));
      return {
        ...v,
        layers: [...c.layers.slice(0, -2), new Dense('to-image', 64, 784), ...v.layers],
      };
    },
  ],
];

function batch(net: Net, B: number, seed: number, ties = false) {
  const x = normal(B * net.inSize, seed, 1);
  // Repeated values make max-pool windows with ties (the first maximum wins on both sides).
  if (ties) for (let i = 0; i < x.length; i += 3) x[i + 1] = x[i]!;
  const labels = Array.from({ length: B }, (_, i) => (i * 7 + seed) % net.classes);
  return { x, labels };
}

describe('networks on the GPU match the CPU reference', () => {
  for (const [name, make] of NETS)
    test(`${name}: logits, loss and every gradient`, async () => {
      const net = make();
      const p = initParams(net, 11);
      const B = 6;
      const { x, labels } = batch(net, B, 3, name.includes('ties'));
      const g = new GpuNet(ctx, net, p);
      try {
        const f = forward(net, p, x, B);
        expectClose(await g.logits(x, B), f.logits, 'logits');
        const ce = crossEntropy(f.logits, B, net.classes, labels);
        const cpu = backward(net, p, f, ce.grad, B);
        const gpu = await g.gradients(x, labels, B);
        expect(gpu.loss).toBeCloseTo(ce.loss, 4);
        for (const [n] of netParams(net)) expectClose(gpu.grads[n]!, cpu[n]!, n);
      } finally {
        g.destroy();
      }
    });

  test('logits in chunks past a small binding limit', async () => {
    const net = cnn();
    const p = initParams(net, 2);
    const small = { ...ctx, maxBindingBytes: 64 * 1024 };
    const g = new GpuNet(small, net, p);
    try {
      expect(g.chunk).toBeLessThan(5);
      const { x } = batch(net, 13, 4);
      expectClose(await g.logits(x, 13), forward(net, p, x, 13).logits, 'logits');
    } finally {
      g.destroy();
    }
  });

  test('three Adam steps (with weight decay and a pruning mask) land where the CPU lands', async () => {
    const net = mlp([784, 32, 10], 'm');
    const p = initParams(net, 5);
    const mask = Float32Array.from(p['fc1.weight']!, (_, i) => (i % 3 === 0 ? 0 : 1));
    const cpuP: Params = Object.fromEntries(
      Object.entries(p).map(([k, v]) => [k, Float32Array.from(v)]),
    );
    // Masked weights start at zero (as the training loop leaves them before its first step).
    cpuP['fc1.weight'] = cpuP['fc1.weight']!.map((v, i) => (mask[i] ? v : 0));
    const g = new GpuNet(ctx, net, p, { 'fc1.weight': mask });
    const state = Object.fromEntries(netParams(net).map(([n]) => [n, adamState(p[n]!.length)]));
    try {
      for (let s = 0; s < 3; s++) {
        const { x, labels } = batch(net, 8, 10 + s);
        const lr = 1e-3;
        await g.step(x, labels, 8, { lr, weightDecay: 0.1 });
        const f = forward(net, cpuP, x, 8);
        const grads = backward(net, cpuP, f, crossEntropy(f.logits, 8, 10, labels).grad, 8);
        for (const [n, shape] of netParams(net)) {
          const w = cpuP[n]!;
          if (n === 'fc1.weight') for (let i = 0; i < w.length; i++) if (!mask[i]) grads[n]![i] = 0;
          if (shape.length >= 2) for (let i = 0; i < w.length; i++) w[i]! *= 1 - lr * 0.1;
          adamStep(w, grads[n]!, state[n]!, lr);
          if (n === 'fc1.weight') for (let i = 0; i < w.length; i++) if (!mask[i]) w[i] = 0;
        }
      }
      const after = await g.download();
      for (const [n] of netParams(net)) expectClose(after[n]!, cpuP[n]!, n);
      expect(after['fc1.weight']!.filter((v, i) => !mask[i] && v !== 0).length).toBe(0);
    } finally {
      g.destroy();
    }
  });

  test('the training loop with the GPU trainer follows the CPU loop (masks held, shifted batches)', async () => {
    const net = cnn();
    const p0 = initParams(net, 8);
    const count = 48;
    const digits: Digits = {
      count,
      labels: Uint8Array.from({ length: count }, (_, i) => i % 10),
      images: Uint8Array.from(normal(count * 784, 4, 60, 100), (v) =>
        Math.max(0, Math.min(255, v)),
      ),
    };
    const idx = Uint32Array.from({ length: count }, (_, i) => i);
    const masks: Params = {
      'fc1.weight': Float32Array.from(p0['fc1.weight']!, (v) => (Math.abs(v) > 0.02 ? 1 : 0)),
    };
    const copy = () =>
      Object.fromEntries(Object.entries(p0).map(([k, v]) => [k, Float32Array.from(v)]));
    const o = { epochs: 1, batch: 16, lr: 2e-3, seed: 3, shift: 1, masks };
    const cpu = copy();
    await train(net, cpu, digits, idx, o);
    const gpu = copy();
    const trainer = new GpuNet(ctx, net, gpu, masks);
    try {
      await train(net, gpu, digits, idx, { ...o, trainer });
    } finally {
      trainer.destroy();
    }
    // Adam turns a gradient near zero into a step of about ±lr whose sign float32 noise decides,
    // so a few entries may part by up to 2·lr per step; all others must agree closely (different
    // batches, shifts or masks would move most of them).
    for (const [n] of netParams(net)) {
      const a = gpu[n]!;
      const b = cpu[n]!;
      const scale = b.reduce((m, v) => Math.max(m, Math.abs(v)), 1e-12);
      let off = 0;
      for (let i = 0; i < b.length; i++) {
        const diff = Math.abs(a[i]! - b[i]!);
        expect(diff, n).toBeLessThanOrEqual(2 * o.lr * 3);
        if (diff > NET_TOLERANCE * scale) off++;
      }
      expect(off / b.length, n).toBeLessThan(0.02);
    }
    const m = masks['fc1.weight']!;
    expect(gpu['fc1.weight']!.some((v, i) => !m[i] && v !== 0)).toBe(false);
  });
});

// The network layers (forward and backward) and the distillation loss against torch autograd, on
// small networks described in scripts/oracles/make_net_fixtures.py; plus gradient checks by finite
// differences on the full-size demo architectures.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Conv2d } from '../../src/core/nn/conv2d.ts';
import { Dense } from '../../src/core/nn/dense.ts';
import type { Layer, Params } from '../../src/core/nn/layer.ts';
import { backward, forward, netParams, type Net } from '../../src/core/nn/network.ts';
import { Gelu, MaxPool2, Relu } from '../../src/core/nn/pointwise-layers.ts';
import { Residual } from '../../src/core/nn/sequence.ts';
import {
  AddPosition,
  Attention,
  LayerNorm,
  MeanTokens,
  Patchify,
} from '../../src/core/nn/token-layers.ts';
import { crossEntropy, distillationLoss } from '../../src/core/nn/nn.ts';
import { ORACLE_DIR } from '../helpers/fixtures.ts';

type Desc = [string, ...unknown[]];
interface NetCase {
  name: string;
  spec: { in: number[]; classes: number; layers: Desc[] };
  batch: number;
  params: Record<string, number[]>;
  x: number[];
  labels: number[];
  logits: number[];
  loss: number;
  grads: Record<string, number[]>;
}
interface DistillCase {
  T: number;
  alpha: number;
  batch: number;
  classes: number;
  student: number[];
  teacher: number[];
  labels: number[];
  soft: number;
  hard: number;
  loss: number;
  grad: number[];
}

const fixtures = JSON.parse(readFileSync(`${ORACLE_DIR}net_cases.json`, 'utf8')) as {
  nets: NetCase[];
  distill: DistillCase[];
};

/** Builds layers from the fixture's descriptions; elementwise sizes come from the previous layer. */
function build(descs: Desc[], inSize: number): Layer[] {
  const out: Layer[] = [];
  let size = inSize;
  for (const [kind, ...a] of descs) {
    const n = a as number[];
    const s = a as string[];
    let l: Layer;
    if (kind === 'dense') l = new Dense(s[0]!, n[1]!, n[2]!, n[3]!);
    else if (kind === 'conv') l = new Conv2d(s[0]!, n[1]!, n[2]!, n[3]!, n[4]!, n[5]!, n[6]!);
    else if (kind === 'relu') l = new Relu(size);
    else if (kind === 'gelu') l = new Gelu(size);
    else if (kind === 'pool') l = new MaxPool2(n[0]!, n[1]!, n[2]!);
    else if (kind === 'ln') l = new LayerNorm(s[0]!, n[1]!, n[2]!);
    else if (kind === 'patchify') l = new Patchify(n[0]!, n[1]!, n[2]!);
    else if (kind === 'pos') l = new AddPosition(s[0]!, n[1]!, n[2]!);
    else if (kind === 'attn') l = new Attention(n[0]!, n[1]!, n[2]!);
    else if (kind === 'mean') l = new MeanTokens(n[0]!, n[1]!);
    else if (kind === 'residual') l = new Residual(build(a[0] as Desc[], size));
    else throw new Error(kind);
    out.push(l);
    size = l.outSize;
  }
  return out;
}

function closeTo(actual: ArrayLike<number>, expected: number[], tol: number) {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++)
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / (1e-3 + Math.abs(expected[i]!)));
  expect(worst).toBeLessThan(tol);
}

describe('layers against torch autograd', () => {
  for (const c of fixtures.nets)
    it(`${c.name}: logits, loss and every parameter's gradient`, () => {
      const inSize = c.spec.in.reduce((a, b) => a * b, 1);
      const net: Net = {
        arch: c.name,
        about: '',
        inSize,
        classes: c.spec.classes,
        layers: build(c.spec.layers, inSize),
      };
      const p: Params = {};
      for (const [name, shape] of netParams(net)) {
        p[name] = Float32Array.from(c.params[name]!);
        expect(p[name].length).toBe(shape.reduce((a, b) => a * b, 1));
      }
      expect(Object.keys(p).sort()).toEqual(Object.keys(c.params).sort());
      const f = forward(net, p, Float32Array.from(c.x), c.batch);
      closeTo(f.logits, c.logits, 1e-4);
      const ce = crossEntropy(f.logits, c.batch, c.spec.classes, c.labels);
      expect(ce.loss).toBeCloseTo(c.loss, 4);
      const g = backward(net, p, f, ce.grad, c.batch);
      for (const name of Object.keys(c.grads)) closeTo(g[name]!, c.grads[name]!, 2e-3);
    });
});

describe('distillation loss against torch', () => {
  for (const c of fixtures.distill)
    it(`T=${c.T}, α=${c.alpha}`, () => {
      const r = distillationLoss(
        Float32Array.from(c.student),
        Float32Array.from(c.teacher),
        c.labels,
        c.batch,
        c.classes,
        c.T,
        c.alpha,
      );
      expect(r.soft).toBeCloseTo(c.soft, 5);
      expect(r.hard).toBeCloseTo(c.hard, 5);
      expect(r.loss).toBeCloseTo(c.loss, 5);
      closeTo(r.grad, c.grad, 1e-4);
    });
});

// The demo models, all on 28×28 MNIST digits with 10 classes: their architectures (as core/nn layer
// lists, with torch's parameter names), recognition from a file's tensors, and initialisation
// as torch's defaults (Linear and Conv2d: U(−1/√fan_in, 1/√fan_in) for weights and biases; LayerNorm
// weight 1, bias 0; position embedding ~ N(0, 0.02²) approximated by a uniform of the same spread).
import { Conv2d } from '../core/nn/conv2d.ts';
import { Dense, type DenseLayer } from '../core/nn/dense.ts';
import type { Layer, Params } from '../core/nn/layer.ts';
import { matchesShapes, netParams, type Net } from '../core/nn/network.ts';
import { Gelu, MaxPool2, Relu } from '../core/nn/pointwise-layers.ts';
import { Residual } from '../core/nn/sequence.ts';
import {
  AddPosition,
  Attention,
  LayerNorm,
  MeanTokens,
  Patchify,
} from '../core/nn/token-layers.ts';
import { mulberry32 } from '../core/base/rng.ts';

/** An MLP with ReLU between its layers: sizes [784, …, 10], layers fc1, fc2, … */
export function mlp(sizes: readonly number[], arch: string): Net {
  const layers: Layer[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    layers.push(new Dense(`fc${l + 1}`, sizes[l]!, sizes[l + 1]!));
    if (l + 2 < sizes.length) layers.push(new Relu(sizes[l + 1]!));
  }
  return {
    arch,
    about: `MLP ${sizes.join('-')}`,
    inSize: sizes[0]!,
    classes: sizes.at(-1)!,
    layers,
  };
}

export const MLP_ARCH = 'mnist-mlp';
export const CNN_ARCH = 'mnist-cnn';
export const VIT_ARCH = 'mnist-vit';

export function cnn(): Net {
  return {
    arch: CNN_ARCH,
    about: 'CNN: conv 3×3 ×8, pool, conv 3×3 ×16, pool, 784-64-10',
    inSize: 784,
    classes: 10,
    layers: [
      new Conv2d('conv1', 1, 8, 3, 1, 28, 28),
      new Relu(8 * 28 * 28),
      new MaxPool2(8, 28, 28),
      new Conv2d('conv2', 8, 16, 3, 1, 14, 14),
      new Relu(16 * 14 * 14),
      new MaxPool2(16, 14, 14),
      new Dense('fc1', 16 * 7 * 7, 64),
      new Relu(64),
      new Dense('fc2', 64, 10),
    ],
  };
}

/** A tiny vision transformer: 7×7 patches → 16 tokens, width 64, 2 pre-norm blocks of 4 heads. */
export function vit(): Net {
  const T = 16;
  const D = 64;
  const blocks: Layer[] = [];
  for (let i = 0; i < 2; i++) {
    const b = `blocks.${i}`;
    blocks.push(
      new Residual([
        new LayerNorm(`${b}.ln1`, D, T),
        new Dense(`${b}.attn.qkv`, D, 3 * D, T),
        new Attention(T, D, 4),
        new Dense(`${b}.attn.proj`, D, D, T),
      ]),
      new Residual([
        new LayerNorm(`${b}.ln2`, D, T),
        new Dense(`${b}.mlp.fc1`, D, 2 * D, T),
        new Gelu(2 * D * T),
        new Dense(`${b}.mlp.fc2`, 2 * D, D, T),
      ]),
    );
  }
  return {
    arch: VIT_ARCH,
    about: 'ViT: 7×7 patches → 16 tokens, width 64, 2 blocks × 4 heads, mean pooling',
    inSize: 784,
    classes: 10,
    layers: [
      new Patchify(7, 28, 28),
      new Dense('patch', 49, D, T),
      new AddPosition('pos', T, D),
      ...blocks,
      new LayerNorm('norm', D, T),
      new MeanTokens(T, D),
      new Dense('head', D, 10),
    ],
  };
}

/** The three demo models, by architecture name. */
const DEMO_NETS: Record<string, () => Net> = {
  [MLP_ARCH]: () => mlp([784, 256, 128, 10], MLP_ARCH),
  [CNN_ARCH]: cnn,
  [VIT_ARCH]: vit,
};

export const ARCHITECTURES = Object.keys(DEMO_NETS);

/**
 * Students for distillation: small MLPs, recognised by their metadata (names alone would also
 * match any MLP of these sizes).
 */
export const STUDENTS: Record<string, readonly number[]> = {
  'mlp-784-32-10': [784, 32, 10],
  'mlp-784-64-10': [784, 64, 10],
  'mlp-784-128-64-10': [784, 128, 64, 10],
};

export function netFor(arch: string): Net {
  const make = DEMO_NETS[arch];
  if (make) return make();
  const sizes = STUDENTS[arch];
  if (sizes) return mlp(sizes, arch);
  throw new Error(`unknown architecture ${arch}`);
}

/** The architecture a file's tensors implement: its metadata if the shapes agree, else by shape. */
export function detectArchitecture(
  metadata: Record<string, string>,
  shapes: ReadonlyMap<string, readonly number[]>,
): string | null {
  const claimed = metadata['slimlab.architecture'];
  if (claimed && (claimed in DEMO_NETS || claimed in STUDENTS)) {
    const net = netFor(claimed);
    if (matchesShapes(net, shapes) && netParams(net).length === shapes.size) return claimed;
  }
  for (const arch of ARCHITECTURES) {
    const net = netFor(arch);
    if (matchesShapes(net, shapes) && netParams(net).length === shapes.size) return arch;
  }
  return null;
}

export function initParams(net: Net, seed: number): Params {
  const rand = mulberry32(seed);
  const p: Params = {};
  let fanIn = 1;
  for (const [name, shape] of netParams(net)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const a = new Float32Array(n);
    if (/(^|\.)(ln\d|norm)\.weight$/.test(name)) a.fill(1);
    else if (/(^|\.)(ln\d|norm)\.bias$/.test(name)) a.fill(0);
    else if (name === 'pos')
      for (let i = 0; i < n; i++) a[i] = (2 * rand() - 1) * 0.02 * Math.sqrt(3);
    else {
      if (name.endsWith('.weight')) fanIn = n / shape[0]!;
      const bound = 1 / Math.sqrt(fanIn);
      for (let i = 0; i < n; i++) a[i] = (2 * rand() - 1) * bound;
    }
    p[name] = a;
  }
  return p;
}

/** Whether a net is Dense layers with ReLU between them (what the GPU dense stack runs). */
export function isDenseStack(net: Net): boolean {
  return net.layers.every((l, i) =>
    i % 2 === 0
      ? l instanceof Dense && l.tokens === 1
      : l instanceof Relu && i < net.layers.length - 1,
  );
}

/** The net as the GPU dense stack takes it, or null when it is not a dense stack. */
export function denseStack(net: Net, p: Params): DenseLayer[] | null {
  if (!isDenseStack(net)) return null;
  return (net.layers.filter((l) => l instanceof Dense) as Dense[]).map((l) => ({
    weight: p[`${l.name}.weight`]!,
    bias: p[`${l.name}.bias`]!,
    in: l.cols,
    out: l.rows,
  }));
}

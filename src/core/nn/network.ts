// A small sequential network on the CPU: the reference for the demo models (MLP, CNN, vision
// transformer) and for everything that trains them (plain training, QAT, fine-tuning with pruning
// masks, distillation). The Net record, its parameters and weight layers, forward and backward.
import { Conv2d } from './conv2d.ts';
import { Dense } from './dense.ts';
import type { Hooks, Layer, Params, WeightLayer } from './layer.ts';
import { backLayers, runLayers } from './sequence.ts';

export interface Net {
  arch: string;
  /** One line for people. */
  about: string;
  inSize: number;
  classes: number;
  layers: Layer[];
}

function walk(layers: Layer[], visit: (l: Layer) => void) {
  for (const l of layers) {
    visit(l);
    if (l.children) walk(l.children(), visit);
  }
}

/** Every parameter's name and torch shape, in forward order. */
export function netParams(net: Net): Array<[string, number[]]> {
  return net.layers.flatMap((l) => l.params());
}

export function parameterCount(net: Net): number {
  return netParams(net).reduce((a, [, s]) => a + s.reduce((x, y) => x * y, 1), 0);
}

/** The weight layers (Linear, Conv2d) in forward order, with their `index` set. */
export function weightLayers(net: Net): WeightLayer[] {
  const out: WeightLayer[] = [];
  walk(net.layers, (l) => {
    if (l instanceof Dense || l instanceof Conv2d) {
      l.index = out.length;
      out.push(l);
    }
  });
  return out;
}

/** Multiply-accumulates per sample over the weight layers (attention products not included). */
export function macsPerSample(net: Net): number {
  return weightLayers(net).reduce((a, l) => a + l.macs, 0);
}

export interface Forward {
  logits: Float32Array;
  caches: unknown[];
}

export function forward(
  net: Net,
  p: Params,
  x: Float32Array,
  B: number,
  hooks: Hooks = {},
): Forward {
  weightLayers(net);
  const r = runLayers(net.layers, p, x, B, hooks);
  return { logits: r.y, caches: r.caches };
}

/** Gradients of every parameter given dL/dlogits. */
export function backward(
  net: Net,
  p: Params,
  f: Forward,
  dlogits: Float32Array,
  B: number,
): Params {
  const grads: Params = {};
  backLayers(net.layers, p, f.caches, dlogits, B, grads, false);
  for (const [name, shape] of netParams(net))
    grads[name] ??= new Float32Array(shape.reduce((a, b) => a * b, 1));
  return grads;
}

/** The logits only, in slices of `chunk` samples (bounded memory for the caches). */
export function logitsOf(
  net: Net,
  p: Params,
  x: Float32Array,
  B: number,
  hooks: Hooks = {},
  chunk = 256,
): Float32Array {
  const out = new Float32Array(B * net.classes);
  for (let s = 0; s < B; s += chunk) {
    const n = Math.min(chunk, B - s);
    const { logits } = forward(net, p, x.subarray(s * net.inSize, (s + n) * net.inSize), n, hooks);
    out.set(logits, s * net.classes);
  }
  return out;
}

/** Each weight layer's input on x (the float model), [B, in] per layer, in forward order. */
export function layerInputs(net: Net, p: Params, x: Float32Array, B: number): Float32Array[] {
  const out: Float32Array[] = [];
  forward(net, p, x, B, {
    input: (l, v) => {
      out[l.index] = v;
      return null;
    },
  });
  return out;
}

/** Whether named tensors match a network's parameters, names and shapes. */
export function matchesShapes(net: Net, shapes: ReadonlyMap<string, readonly number[]>): boolean {
  return netParams(net).every(([n, s]) => {
    const t = shapes.get(n);
    return t !== undefined && t.length === s.length && t.every((d, i) => d === s[i]);
  });
}

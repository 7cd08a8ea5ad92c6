// The layer contract of the CPU network (src/core/nn/network.ts): what every layer kind implements,
// the hooks the forward pass offers, and the helpers layers share for gradients and hooked inputs.
//
// Activations are row-major float32, batch first: images NCHW, token sequences [B, T, D]. Parameter
// names and layouts follow torch (Linear weight [out, in], Conv2d weight [out, in, k, k], LayerNorm
// weight and bias [D]), so a torch module with the same names loads the same safetensors.

export type Params = Record<string, Float32Array>;

/** A layer that multiplies by a weight (Linear, Conv2d): the points where inputs get quantized. */
export interface WeightLayer {
  readonly name: string;
  /** Position among the network's weight layers, in forward order. */
  index: number;
  /** The weight's torch shape, and the same as a matrix [out, in·k·k]. */
  readonly weightShape: number[];
  readonly rows: number;
  readonly cols: number;
  /** Multiply-accumulates per sample. */
  readonly macs: number;
}

/**
 * What the forward pass does besides computing: `input` sees a copy of each weight layer's input
 * (and may change it in place, e.g. fake-quantize it), returning the mask of values the gradient passes
 * through (straight-through estimator), or null for all of them.
 */
export interface Hooks {
  input?: (layer: WeightLayer, x: Float32Array, B: number) => Uint8Array | null;
}

export interface Layer {
  readonly kind: string;
  /** Values per sample going in and coming out. */
  readonly inSize: number;
  readonly outSize: number;
  params(): Array<[string, number[]]>;
  children?(): Layer[];
  forward(p: Params, x: Float32Array, B: number, hooks: Hooks): { y: Float32Array; cache: unknown };
  /** dL/dx (null when not needed), accumulating parameter gradients into `grads`. */
  backward(
    p: Params,
    cache: unknown,
    dy: Float32Array,
    B: number,
    grads: Params,
    needDx: boolean,
  ): Float32Array | null;
}

export function gradOf(grads: Params, name: string, n: number): Float32Array {
  return (grads[name] ??= new Float32Array(n));
}

/** The input a weight layer computes with: a copy the hook may change, or x itself. */
export function hookInput(layer: WeightLayer, x: Float32Array, B: number, hooks: Hooks) {
  if (!hooks.input) return { x, mask: null };
  const copy = Float32Array.from(x);
  return { x: copy, mask: hooks.input(layer, copy, B) };
}

export function maskInPlace(dx: Float32Array | null, mask: Uint8Array | null): Float32Array | null {
  if (dx && mask) for (let i = 0; i < dx.length; i++) if (!mask[i]) dx[i] = 0;
  return dx;
}

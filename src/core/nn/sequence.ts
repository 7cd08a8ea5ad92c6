// Running a list of layers forward and backward, and the residual block built on it.
import type { Hooks, Layer, Params } from './layer.ts';

/** x + f(x), f a sequence of layers. */
export class Residual implements Layer {
  readonly kind = 'residual';
  constructor(readonly inner: Layer[]) {}
  get inSize() {
    return this.inner[0]!.inSize;
  }
  get outSize() {
    return this.inSize;
  }
  params() {
    return this.inner.flatMap((l) => l.params());
  }
  children() {
    return this.inner;
  }
  forward(p: Params, x: Float32Array, B: number, hooks: Hooks) {
    const r = runLayers(this.inner, p, x, B, hooks);
    const y = r.y;
    for (let i = 0; i < y.length; i++) y[i]! += x[i]!;
    return { y, cache: r.caches };
  }
  backward(p: Params, cache: unknown, dy: Float32Array, B: number, grads: Params) {
    const d = backLayers(this.inner, p, cache as unknown[], dy, B, grads, true)!;
    for (let i = 0; i < d.length; i++) d[i]! += dy[i]!;
    return d;
  }
}

export function runLayers(layers: Layer[], p: Params, x: Float32Array, B: number, hooks: Hooks) {
  const caches: unknown[] = [];
  let h = x;
  for (const l of layers) {
    const r = l.forward(p, h, B, hooks);
    caches.push(r.cache);
    h = r.y;
  }
  return { y: h, caches };
}

export function backLayers(
  layers: Layer[],
  p: Params,
  caches: unknown[],
  dy: Float32Array,
  B: number,
  grads: Params,
  needDx: boolean,
): Float32Array | null {
  let d: Float32Array | null = dy;
  for (let i = layers.length - 1; i >= 0 && d; i--)
    d = layers[i]!.backward(p, caches[i], d, B, grads, needDx || i > 0);
  return d;
}

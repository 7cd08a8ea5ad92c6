// Layers without parameters that act on each value or each small window of an image: ReLU, GELU
// and 2×2 max pooling.
import { gelu, geluDerivative } from './elementwise.ts';
import type { Layer, Params } from './layer.ts';
import { maxPool2Backward, maxPool2Forward } from './pool.ts';

abstract class Elementwise implements Layer {
  abstract readonly kind: string;
  constructor(readonly inSize: number) {}
  get outSize() {
    return this.inSize;
  }
  params(): Array<[string, number[]]> {
    return [];
  }
  abstract f(v: number): number;
  /** Derivative at input v. */
  abstract df(v: number): number;
  forward(_p: Params, x: Float32Array) {
    const y = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) y[i] = this.f(x[i]!);
    return { y, cache: x };
  }
  backward(_p: Params, cache: unknown, dy: Float32Array) {
    const x = cache as Float32Array;
    const dx = new Float32Array(dy.length);
    for (let i = 0; i < dy.length; i++) dx[i] = dy[i]! * this.df(x[i]!);
    return dx;
  }
}

export class Relu extends Elementwise {
  readonly kind = 'relu';
  f(v: number) {
    return v > 0 ? v : 0;
  }
  df(v: number) {
    return v > 0 ? 1 : 0;
  }
}

/** GELU, tanh approximation (torch's approximate='tanh'). */
export class Gelu extends Elementwise {
  readonly kind = 'gelu';
  f(v: number) {
    return gelu(v);
  }
  df(v: number) {
    return geluDerivative(v);
  }
}

/** 2×2 max pooling with stride 2 over NCHW (even H and W); ties go to the first maximum. */
export class MaxPool2 implements Layer {
  readonly kind = 'maxpool2';
  constructor(
    readonly c: number,
    readonly h: number,
    readonly w: number,
  ) {}
  get inSize() {
    return this.c * this.h * this.w;
  }
  get outSize() {
    return (this.c * this.h * this.w) / 4;
  }
  params(): Array<[string, number[]]> {
    return [];
  }
  forward(_p: Params, x: Float32Array, B: number) {
    const { y, arg } = maxPool2Forward(x, B * this.c, this.h, this.w);
    return { y, cache: { arg, n: x.length } };
  }
  backward(_p: Params, cache: unknown, dy: Float32Array) {
    const { arg, n } = cache as { arg: Uint32Array; n: number };
    return maxPool2Backward(dy, arg, n);
  }
}

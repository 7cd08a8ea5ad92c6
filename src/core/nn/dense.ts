// The Linear layer of the CPU network, and the plain record of a dense layer (weights and sizes)
// that the GPU dense stack (src/gpu/ops/dense.ts) and the demo models (src/models/zoo.ts) share.
import { linearBackward, linearForward } from './nn.ts';
import {
  gradOf,
  hookInput,
  maskInPlace,
  type Hooks,
  type Layer,
  type Params,
  type WeightLayer,
} from './layer.ts';

/** A dense layer as data: y = x·weightᵀ + bias, no activation. */
export interface DenseLayer {
  /** [out, in], torch's layout. */
  weight: Float32Array;
  bias: Float32Array | null;
  in: number;
  out: number;
}

/** y = x·Wᵀ + b on the last axis, over `tokens` positions per sample. */
export class Dense implements Layer, WeightLayer {
  readonly kind = 'dense';
  index = -1;
  constructor(
    readonly name: string,
    readonly cols: number,
    readonly rows: number,
    readonly tokens = 1,
    readonly bias = true,
  ) {}
  get inSize() {
    return this.cols * this.tokens;
  }
  get outSize() {
    return this.rows * this.tokens;
  }
  get weightShape() {
    return [this.rows, this.cols];
  }
  get macs() {
    return this.rows * this.cols * this.tokens;
  }
  params(): Array<[string, number[]]> {
    const w: [string, number[]] = [`${this.name}.weight`, [this.rows, this.cols]];
    return this.bias ? [w, [`${this.name}.bias`, [this.rows]]] : [w];
  }
  forward(p: Params, x0: Float32Array, B: number, hooks: Hooks) {
    const { x, mask } = hookInput(this, x0, B, hooks);
    const n = B * this.tokens;
    const y = linearForward(
      x,
      n,
      this.cols,
      p[`${this.name}.weight`]!,
      this.rows,
      this.bias ? p[`${this.name}.bias`]! : null,
    );
    return { y, cache: { x, mask } };
  }
  backward(p: Params, cache: unknown, dy: Float32Array, B: number, grads: Params, needDx: boolean) {
    const { x, mask } = cache as { x: Float32Array; mask: Uint8Array | null };
    const n = B * this.tokens;
    const dx = needDx ? new Float32Array(n * this.cols) : null;
    linearBackward(
      x,
      n,
      this.cols,
      p[`${this.name}.weight`]!,
      this.rows,
      dy,
      gradOf(grads, `${this.name}.weight`, this.rows * this.cols),
      this.bias ? gradOf(grads, `${this.name}.bias`, this.rows) : null,
      dx,
    );
    return maskInPlace(dx, mask);
  }
}

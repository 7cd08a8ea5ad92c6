// The Conv2d layer of the CPU network: stride 1, zero padding, as im2col and a matrix product.
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
import { col2im, im2col, type ConvShape } from './reorder.ts';

/** 2-D convolution, stride 1, zero padding `pad`, as im2col followed by a matrix product. */
export class Conv2d implements Layer, WeightLayer {
  readonly kind = 'conv2d';
  index = -1;
  constructor(
    readonly name: string,
    readonly cin: number,
    readonly cout: number,
    readonly k: number,
    readonly pad: number,
    readonly h: number,
    readonly w: number,
    readonly bias = true,
  ) {}
  get oh() {
    return this.h + 2 * this.pad - this.k + 1;
  }
  get ow() {
    return this.w + 2 * this.pad - this.k + 1;
  }
  get inSize() {
    return this.cin * this.h * this.w;
  }
  get outSize() {
    return this.cout * this.oh * this.ow;
  }
  get rows() {
    return this.cout;
  }
  get cols() {
    return this.cin * this.k * this.k;
  }
  get weightShape() {
    return [this.cout, this.cin, this.k, this.k];
  }
  get macs() {
    return this.cout * this.cols * this.oh * this.ow;
  }
  params(): Array<[string, number[]]> {
    const w: [string, number[]] = [`${this.name}.weight`, this.weightShape];
    return this.bias ? [w, [`${this.name}.bias`, [this.cout]]] : [w];
  }
  convShape(B: number): ConvShape {
    const { cin: c, h, w, k, pad, oh, ow } = this;
    return { b: B, c, h, w, k, pad, oh, ow };
  }
  /** cols[b·P + pixel, c·k² + ky·k + kx] for P output pixels. */
  im2col(x: Float32Array, B: number): Float32Array {
    return im2col(x, this.convShape(B));
  }
  col2im(cols: Float32Array, B: number): Float32Array {
    return col2im(cols, this.convShape(B));
  }
  forward(p: Params, x0: Float32Array, B: number, hooks: Hooks) {
    const { x, mask } = hookInput(this, x0, B, hooks);
    const cols = this.im2col(x, B);
    const P = this.oh * this.ow;
    const t = linearForward(
      cols,
      B * P,
      this.cols,
      p[`${this.name}.weight`]!,
      this.cout,
      this.bias ? p[`${this.name}.bias`]! : null,
    );
    // [B, P, cout] → [B, cout, P]
    const y = new Float32Array(B * this.cout * P);
    for (let b = 0; b < B; b++)
      for (let q = 0; q < P; q++)
        for (let c = 0; c < this.cout; c++)
          y[(b * this.cout + c) * P + q] = t[(b * P + q) * this.cout + c]!;
    return { y, cache: { cols, mask } };
  }
  backward(p: Params, cache: unknown, dy: Float32Array, B: number, grads: Params, needDx: boolean) {
    const { cols, mask } = cache as { cols: Float32Array; mask: Uint8Array | null };
    const P = this.oh * this.ow;
    const dt = new Float32Array(B * P * this.cout);
    for (let b = 0; b < B; b++)
      for (let c = 0; c < this.cout; c++)
        for (let q = 0; q < P; q++)
          dt[(b * P + q) * this.cout + c] = dy[(b * this.cout + c) * P + q]!;
    const dcols = needDx ? new Float32Array(cols.length) : null;
    linearBackward(
      cols,
      B * P,
      this.cols,
      p[`${this.name}.weight`]!,
      this.cout,
      dt,
      gradOf(grads, `${this.name}.weight`, this.cout * this.cols),
      this.bias ? gradOf(grads, `${this.name}.bias`, this.cout) : null,
      dcols,
    );
    return maskInPlace(dcols && this.col2im(dcols, B), mask);
  }
}

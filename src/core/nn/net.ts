// A small sequential network with forward and backward passes on the CPU: the reference for the
// demo models (MLP, CNN, vision transformer) and for everything that trains them (plain training,
// QAT, fine-tuning with pruning masks, distillation).
//
// Activations are row-major float32, batch first: images NCHW, token sequences [B, T, D]. Parameter
// names and layouts follow torch (Linear weight [out, in], Conv2d weight [out, in, k, k], LayerNorm
// weight and bias [D]), so a torch module with the same names loads the same safetensors.
import { linearBackward, linearForward } from './nn.ts';

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

function gradOf(grads: Params, name: string, n: number): Float32Array {
  return (grads[name] ??= new Float32Array(n));
}

/** The input a weight layer computes with: a copy the hook may change, or x itself. */
function hookInput(layer: WeightLayer, x: Float32Array, B: number, hooks: Hooks) {
  if (!hooks.input) return { x, mask: null };
  const copy = Float32Array.from(x);
  return { x: copy, mask: hooks.input(layer, copy, B) };
}

function maskInPlace(dx: Float32Array | null, mask: Uint8Array | null): Float32Array | null {
  if (dx && mask) for (let i = 0; i < dx.length; i++) if (!mask[i]) dx[i] = 0;
  return dx;
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
  /** cols[b·P + pixel, c·k² + ky·k + kx] for P output pixels. */
  im2col(x: Float32Array, B: number): Float32Array {
    const { cin, h, w, k, pad, oh, ow } = this;
    const K = this.cols;
    const out = new Float32Array(B * oh * ow * K);
    for (let b = 0; b < B; b++)
      for (let oy = 0; oy < oh; oy++)
        for (let ox = 0; ox < ow; ox++) {
          const row = ((b * oh + oy) * ow + ox) * K;
          for (let c = 0; c < cin; c++)
            for (let ky = 0; ky < k; ky++) {
              const iy = oy + ky - pad;
              if (iy < 0 || iy >= h) continue;
              const src = ((b * cin + c) * h + iy) * w;
              const dst = row + (c * k + ky) * k;
              for (let kx = 0; kx < k; kx++) {
                const ix = ox + kx - pad;
                if (ix >= 0 && ix < w) out[dst + kx] = x[src + ix]!;
              }
            }
        }
    return out;
  }
  col2im(cols: Float32Array, B: number): Float32Array {
    const { cin, h, w, k, pad, oh, ow } = this;
    const K = this.cols;
    const dx = new Float32Array(B * cin * h * w);
    for (let b = 0; b < B; b++)
      for (let oy = 0; oy < oh; oy++)
        for (let ox = 0; ox < ow; ox++) {
          const row = ((b * oh + oy) * ow + ox) * K;
          for (let c = 0; c < cin; c++)
            for (let ky = 0; ky < k; ky++) {
              const iy = oy + ky - pad;
              if (iy < 0 || iy >= h) continue;
              const dst = ((b * cin + c) * h + iy) * w;
              const src = row + (c * k + ky) * k;
              for (let kx = 0; kx < k; kx++) {
                const ix = ox + kx - pad;
                if (ix >= 0 && ix < w) dx[dst + ix]! += cols[src + kx]!;
              }
            }
        }
    return dx;
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

const GELU_C = Math.sqrt(2 / Math.PI);

/** GELU, tanh approximation (torch's approximate='tanh'). */
export class Gelu extends Elementwise {
  readonly kind = 'gelu';
  f(v: number) {
    return 0.5 * v * (1 + Math.tanh(GELU_C * (v + 0.044715 * v * v * v)));
  }
  df(v: number) {
    const u = GELU_C * (v + 0.044715 * v * v * v);
    const t = Math.tanh(u);
    return 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * GELU_C * (1 + 3 * 0.044715 * v * v);
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
    const oh = this.h / 2;
    const ow = this.w / 2;
    const y = new Float32Array(B * this.c * oh * ow);
    const arg = new Uint32Array(y.length);
    let o = 0;
    for (let bc = 0; bc < B * this.c; bc++)
      for (let oy = 0; oy < oh; oy++)
        for (let ox = 0; ox < ow; ox++, o++) {
          const base = (bc * this.h + 2 * oy) * this.w + 2 * ox;
          let best = base;
          for (const j of [base + 1, base + this.w, base + this.w + 1])
            if (x[j]! > x[best]!) best = j;
          y[o] = x[best]!;
          arg[o] = best;
        }
    return { y, cache: { arg, n: x.length } };
  }
  backward(_p: Params, cache: unknown, dy: Float32Array) {
    const { arg, n } = cache as { arg: Uint32Array; n: number };
    const dx = new Float32Array(n);
    for (let i = 0; i < dy.length; i++) dx[arg[i]!]! += dy[i]!;
    return dx;
  }
}

/** Layer normalisation over the last axis (D) at each of `tokens` positions, eps 1e-5. */
export class LayerNorm implements Layer {
  readonly kind = 'layernorm';
  constructor(
    readonly name: string,
    readonly dim: number,
    readonly tokens: number,
    readonly eps = 1e-5,
  ) {}
  get inSize() {
    return this.dim * this.tokens;
  }
  get outSize() {
    return this.inSize;
  }
  params(): Array<[string, number[]]> {
    return [
      [`${this.name}.weight`, [this.dim]],
      [`${this.name}.bias`, [this.dim]],
    ];
  }
  forward(p: Params, x: Float32Array, B: number) {
    const D = this.dim;
    const g = p[`${this.name}.weight`]!;
    const be = p[`${this.name}.bias`]!;
    const n = B * this.tokens;
    const y = new Float32Array(n * D);
    const xhat = new Float32Array(n * D);
    const rstd = new Float32Array(n);
    for (let r = 0; r < n; r++) {
      const o = r * D;
      let mean = 0;
      for (let i = 0; i < D; i++) mean += x[o + i]!;
      mean /= D;
      let v = 0;
      for (let i = 0; i < D; i++) v += (x[o + i]! - mean) ** 2;
      const rs = 1 / Math.sqrt(v / D + this.eps);
      rstd[r] = rs;
      for (let i = 0; i < D; i++) {
        const h = (x[o + i]! - mean) * rs;
        xhat[o + i] = h;
        y[o + i] = h * g[i]! + be[i]!;
      }
    }
    return { y, cache: { xhat, rstd } };
  }
  backward(p: Params, cache: unknown, dy: Float32Array, B: number, grads: Params) {
    const { xhat, rstd } = cache as { xhat: Float32Array; rstd: Float32Array };
    const D = this.dim;
    const g = p[`${this.name}.weight`]!;
    const dg = gradOf(grads, `${this.name}.weight`, D);
    const db = gradOf(grads, `${this.name}.bias`, D);
    const n = B * this.tokens;
    const dx = new Float32Array(n * D);
    for (let r = 0; r < n; r++) {
      const o = r * D;
      let s1 = 0;
      let s2 = 0;
      for (let i = 0; i < D; i++) {
        const d = dy[o + i]!;
        dg[i]! += d * xhat[o + i]!;
        db[i]! += d;
        const dh = d * g[i]!;
        s1 += dh;
        s2 += dh * xhat[o + i]!;
      }
      s1 /= D;
      s2 /= D;
      for (let i = 0; i < D; i++)
        dx[o + i] = rstd[r]! * (dy[o + i]! * g[i]! - s1 - xhat[o + i]! * s2);
    }
    return dx;
  }
}

/**
 * Image [B, 1, H, W] to non-overlapping p×p patches [B, (H/p)·(W/p), p²], patches in row-major
 * order, pixels within a patch row-major (torch: x.unfold(2,p,p).unfold(3,p,p).reshape(B, -1, p*p)).
 */
export class Patchify implements Layer {
  readonly kind = 'patchify';
  constructor(
    readonly size: number,
    readonly h: number,
    readonly w: number,
  ) {}
  get inSize() {
    return this.h * this.w;
  }
  get outSize() {
    return this.h * this.w;
  }
  get tokens() {
    return (this.h / this.size) * (this.w / this.size);
  }
  params(): Array<[string, number[]]> {
    return [];
  }
  /** For each output position, the input pixel it takes. */
  index(): Uint32Array {
    const { size: s, h, w } = this;
    const idx = new Uint32Array(h * w);
    let o = 0;
    for (let py = 0; py < h / s; py++)
      for (let px = 0; px < w / s; px++)
        for (let y = 0; y < s; y++)
          for (let x = 0; x < s; x++) idx[o++] = (py * s + y) * w + px * s + x;
    return idx;
  }
  forward(_p: Params, x: Float32Array, B: number) {
    const idx = this.index();
    const n = this.inSize;
    const y = new Float32Array(B * n);
    for (let b = 0; b < B; b++) for (let i = 0; i < n; i++) y[b * n + i] = x[b * n + idx[i]!]!;
    return { y, cache: null };
  }
  backward(_p: Params, _c: unknown, dy: Float32Array, B: number) {
    const idx = this.index();
    const n = this.inSize;
    const dx = new Float32Array(B * n);
    for (let b = 0; b < B; b++) for (let i = 0; i < n; i++) dx[b * n + idx[i]!] = dy[b * n + i]!;
    return dx;
  }
}

/** Adds a learned position embedding `name` [T, D] to every sample. */
export class AddPosition implements Layer {
  readonly kind = 'position';
  constructor(
    readonly name: string,
    readonly tokens: number,
    readonly dim: number,
  ) {}
  get inSize() {
    return this.tokens * this.dim;
  }
  get outSize() {
    return this.inSize;
  }
  params(): Array<[string, number[]]> {
    return [[this.name, [this.tokens, this.dim]]];
  }
  forward(p: Params, x: Float32Array, B: number) {
    const e = p[this.name]!;
    const n = this.inSize;
    const y = new Float32Array(B * n);
    for (let b = 0; b < B; b++) for (let i = 0; i < n; i++) y[b * n + i] = x[b * n + i]! + e[i]!;
    return { y, cache: null };
  }
  backward(_p: Params, _c: unknown, dy: Float32Array, B: number, grads: Params) {
    const n = this.inSize;
    const de = gradOf(grads, this.name, n);
    for (let b = 0; b < B; b++) for (let i = 0; i < n; i++) de[i]! += dy[b * n + i]!;
    return dy;
  }
}

/**
 * Multi-head self-attention core: [B, T, 3D] (q, k, v side by side, each D = heads·dh) to [B, T, D],
 * softmax(q·kᵀ/√dh)·v per head, heads concatenated (torch scaled_dot_product_attention layout).
 */
export class Attention implements Layer {
  readonly kind = 'attention';
  constructor(
    readonly tokens: number,
    readonly dim: number,
    readonly heads: number,
  ) {}
  get inSize() {
    return 3 * this.dim * this.tokens;
  }
  get outSize() {
    return this.dim * this.tokens;
  }
  params(): Array<[string, number[]]> {
    return [];
  }
  forward(_p: Params, x: Float32Array, B: number) {
    const { tokens: T, dim: D, heads: H } = this;
    const dh = D / H;
    const scale = 1 / Math.sqrt(dh);
    const probs = new Float32Array(B * H * T * T);
    const y = new Float32Array(B * T * D);
    const row = new Float64Array(T);
    for (let b = 0; b < B; b++)
      for (let h = 0; h < H; h++) {
        const P = (b * H + h) * T * T;
        for (let i = 0; i < T; i++) {
          const qo = (b * T + i) * 3 * D + h * dh;
          let m = -Infinity;
          for (let j = 0; j < T; j++) {
            const ko = (b * T + j) * 3 * D + D + h * dh;
            let s = 0;
            for (let c = 0; c < dh; c++) s += x[qo + c]! * x[ko + c]!;
            row[j] = s * scale;
            if (row[j]! > m) m = row[j]!;
          }
          let sum = 0;
          for (let j = 0; j < T; j++) sum += row[j] = Math.exp(row[j]! - m);
          const yo = (b * T + i) * D + h * dh;
          for (let j = 0; j < T; j++) {
            const pj = (probs[P + i * T + j] = row[j]! / sum);
            const vo = (b * T + j) * 3 * D + 2 * D + h * dh;
            for (let c = 0; c < dh; c++) y[yo + c]! += pj * x[vo + c]!;
          }
        }
      }
    return { y, cache: { x, probs } };
  }
  backward(_p: Params, cache: unknown, dy: Float32Array, B: number) {
    const { x, probs } = cache as { x: Float32Array; probs: Float32Array };
    const { tokens: T, dim: D, heads: H } = this;
    const dh = D / H;
    const scale = 1 / Math.sqrt(dh);
    const dx = new Float32Array(x.length);
    const dp = new Float64Array(T);
    for (let b = 0; b < B; b++)
      for (let h = 0; h < H; h++) {
        const P = (b * H + h) * T * T;
        for (let i = 0; i < T; i++) {
          const yo = (b * T + i) * D + h * dh;
          let dot = 0;
          for (let j = 0; j < T; j++) {
            const vo = (b * T + j) * 3 * D + 2 * D + h * dh;
            const pj = probs[P + i * T + j]!;
            let s = 0;
            for (let c = 0; c < dh; c++) {
              s += dy[yo + c]! * x[vo + c]!;
              dx[vo + c]! += pj * dy[yo + c]!;
            }
            dp[j] = s;
            dot += pj * s;
          }
          const qo = (b * T + i) * 3 * D + h * dh;
          for (let j = 0; j < T; j++) {
            const ds = probs[P + i * T + j]! * (dp[j]! - dot) * scale;
            if (ds === 0) continue;
            const ko = (b * T + j) * 3 * D + D + h * dh;
            for (let c = 0; c < dh; c++) {
              dx[qo + c]! += ds * x[ko + c]!;
              dx[ko + c]! += ds * x[qo + c]!;
            }
          }
        }
      }
    return dx;
  }
}

/** Mean over the T tokens: [B, T, D] to [B, D]. */
export class MeanTokens implements Layer {
  readonly kind = 'mean-tokens';
  constructor(
    readonly tokens: number,
    readonly dim: number,
  ) {}
  get inSize() {
    return this.tokens * this.dim;
  }
  get outSize() {
    return this.dim;
  }
  params(): Array<[string, number[]]> {
    return [];
  }
  forward(_p: Params, x: Float32Array, B: number) {
    const { tokens: T, dim: D } = this;
    const y = new Float32Array(B * D);
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++)
        for (let i = 0; i < D; i++) y[b * D + i]! += x[(b * T + t) * D + i]! / T;
    return { y, cache: null };
  }
  backward(_p: Params, _c: unknown, dy: Float32Array, B: number) {
    const { tokens: T, dim: D } = this;
    const dx = new Float32Array(B * T * D);
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++)
        for (let i = 0; i < D; i++) dx[(b * T + t) * D + i] = dy[b * D + i]! / T;
    return dx;
  }
}

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

function runLayers(layers: Layer[], p: Params, x: Float32Array, B: number, hooks: Hooks) {
  const caches: unknown[] = [];
  let h = x;
  for (const l of layers) {
    const r = l.forward(p, h, B, hooks);
    caches.push(r.cache);
    h = r.y;
  }
  return { y: h, caches };
}

function backLayers(
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

/**
 * The network with some weight layers replaced by two thinner ones (low-rank factorization): a
 * Linear [out, in] by `NAME.a` [k, in] (no bias) then `NAME.b` [out, k] (with the bias); a Conv2d by
 * a k-channel convolution `NAME.a` of the same kernel (no bias) then a 1×1 convolution `NAME.b`.
 */
export function factorNet(net: Net, ranks: ReadonlyMap<string, number>): Net {
  const map = (layers: Layer[]): Layer[] =>
    layers.flatMap((l): Layer[] => {
      if (l instanceof Residual) return [new Residual(map(l.inner))];
      const k = ranks.get(l instanceof Dense || l instanceof Conv2d ? l.name : '');
      if (k === undefined) return [l];
      if (l instanceof Dense)
        return [
          new Dense(`${l.name}.a`, l.cols, k, l.tokens, false),
          new Dense(`${l.name}.b`, k, l.rows, l.tokens, l.bias),
        ];
      const c = l as Conv2d;
      return [
        new Conv2d(`${c.name}.a`, c.cin, k, c.k, c.pad, c.h, c.w, false),
        new Conv2d(`${c.name}.b`, k, c.cout, 1, 0, c.oh, c.ow, c.bias),
      ];
    });
  return { ...net, arch: `${net.arch} (factorized)`, layers: map(net.layers) };
}

// The layers of the vision transformer that work on token sequences [B, T, D]: patches, position
// embedding, layer normalisation, attention and the mean over tokens.
import { gradOf, type Layer, type Params } from './layer.ts';
import { attentionBackward, attentionForward } from './mha.ts';
import { layerNormForward } from './norm.ts';
import { meanTokens, meanTokensBackward } from './reorder.ts';

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
    const g = p[`${this.name}.weight`]!;
    const be = p[`${this.name}.bias`]!;
    const { y, xhat, rstd } = layerNormForward(x, g, be, B * this.tokens, this.dim, this.eps);
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
    const { y, probs } = attentionForward(x, B, this.tokens, this.dim, this.heads);
    return { y, cache: { x, probs } };
  }
  backward(_p: Params, cache: unknown, dy: Float32Array, B: number) {
    const { x, probs } = cache as { x: Float32Array; probs: Float32Array };
    return attentionBackward(x, probs, dy, B, this.tokens, this.dim, this.heads);
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
    return { y: meanTokens(x, B, this.tokens, this.dim), cache: null };
  }
  backward(_p: Params, _c: unknown, dy: Float32Array, B: number) {
    return meanTokensBackward(dy, B, this.tokens, this.dim);
  }
}

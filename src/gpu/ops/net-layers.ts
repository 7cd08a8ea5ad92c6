// The GPU forward and backward pass of each layer kind of src/core/nn's network, as a table
// (layer kind → functions) that GpuNet (net-gpu.ts) dispatches through. Each function encodes its
// kernels into the encoder of the pass it is given and returns its output buffer.
import type { Conv2d } from '../../core/nn/conv2d.ts';
import type { Dense } from '../../core/nn/dense.ts';
import type { Layer } from '../../core/nn/layer.ts';
import type { MaxPool2, Relu } from '../../core/nn/pointwise-layers.ts';
import type { Residual } from '../../core/nn/sequence.ts';
import type {
  AddPosition,
  Attention,
  LayerNorm,
  MeanTokens,
  Patchify,
} from '../../core/nn/token-layers.ts';
import { encodeAttention } from '../kernels/attention.ts';
import { encodeColsum } from '../kernels/colsum.ts';
import { encodeElementwise, OP } from '../kernels/elementwise.ts';
import { encodeGather } from '../kernels/gather.ts';
import { encodeIm2col, type ConvShape } from '../kernels/im2col.ts';
import { encodeLayernorm } from '../kernels/layernorm.ts';
import { encodeMatmul } from '../kernels/matmul.ts';
import { encodeMaxpool } from '../kernels/maxpool.ts';
import { encodeMeanTokens } from '../kernels/mean_tokens.ts';
import { encodeTranspose } from '../kernels/transpose.ts';

/** What a layer's forward pass keeps for its backward pass. */
export interface Cache {
  x: GPUBuffer;
  saved: Record<string, GPUBuffer>;
  inner?: Cache[];
}

/** One pass of B samples being encoded: buffers, parameters and the recursion into sublayers. */
export interface NetPass {
  device: GPUDevice;
  enc: GPUCommandEncoder;
  B: number;
  /** A storage buffer destroyed with the pass's other temporaries. */
  buf(floats: number): GPUBuffer;
  /** Adds a kernel's temporaries to the pass's. */
  keep(temps: Promise<GPUBuffer[]>): Promise<void>;
  param(name: string): GPUBuffer | null;
  grad(name: string): GPUBuffer;
  patchIndex(l: Patchify): { fwd: GPUBuffer; inv: GPUBuffer };
  forward(layers: Layer[], x: GPUBuffer, caches: Cache[]): Promise<GPUBuffer>;
  backward(layers: Layer[], caches: Cache[], dy: GPUBuffer): Promise<GPUBuffer>;
}

export interface GpuLayer<L extends Layer = Layer> {
  forward(p: NetPass, l: L, x: GPUBuffer, cache: Cache): Promise<GPUBuffer>;
  backward(p: NetPass, l: L, dy: GPUBuffer, cache: Cache): Promise<GPUBuffer>;
  /** Bytes one sample needs for the layer's largest buffer, when more than its input or output. */
  bytes?(l: L): number;
}

function kind<L extends Layer>(ops: GpuLayer<L>): GpuLayer {
  return ops as unknown as GpuLayer;
}

const need = (b: GPUBuffer | null, what: string): GPUBuffer => {
  if (!b) throw new Error(`GpuNet: no parameter ${what}`);
  return b;
};

function convShape(l: Conv2d, B: number): ConvShape {
  return { b: B, c: l.cin, h: l.h, w: l.w, k: l.k, pad: l.pad, oh: l.oh, ow: l.ow };
}

const dense = kind<Dense>({
  async forward(p, l, x) {
    const M = p.B * l.tokens;
    const y = p.buf(M * l.rows);
    const b = {
      a: x,
      b: need(p.param(`${l.name}.weight`), l.name),
      bias: p.param(`${l.name}.bias`),
      c: y,
    };
    await p.keep(encodeMatmul(p.device, p.enc, b, M, l.cols, l.rows, { transB: true }));
    return y;
  },
  async backward(p, l, g, c) {
    const M = p.B * l.tokens;
    if (l.bias) await p.keep(encodeColsum(p.device, p.enc, g, p.grad(`${l.name}.bias`), M, l.rows));
    const dW = { a: g, b: c.x, c: p.grad(`${l.name}.weight`) };
    await p.keep(encodeMatmul(p.device, p.enc, dW, l.rows, M, l.cols, { transA: true }));
    const dx = p.buf(M * l.cols);
    const w = need(p.param(`${l.name}.weight`), l.name);
    await p.keep(encodeMatmul(p.device, p.enc, { a: g, b: w, c: dx }, M, l.rows, l.cols));
    return dx;
  },
});

const conv2d = kind<Conv2d>({
  async forward(p, l, x, cache) {
    const P = l.oh * l.ow;
    const cols = p.buf(p.B * P * l.cols);
    await p.keep(encodeIm2col(p.device, p.enc, x, cols, convShape(l, p.B), false));
    const t = p.buf(p.B * P * l.cout);
    const w = need(p.param(`${l.name}.weight`), l.name);
    const b = { a: cols, b: w, bias: p.param(`${l.name}.bias`), c: t };
    await p.keep(encodeMatmul(p.device, p.enc, b, p.B * P, l.cols, l.cout, { transB: true }));
    const y = p.buf(p.B * P * l.cout);
    await p.keep(encodeTranspose(p.device, p.enc, t, y, p.B, P, l.cout));
    cache.saved.cols = cols;
    return y;
  },
  async backward(p, l, g, c) {
    const { device, enc, B } = p;
    const P = l.oh * l.ow;
    const dt = p.buf(B * P * l.cout);
    await p.keep(encodeTranspose(device, enc, g, dt, B, l.cout, P));
    if (l.bias)
      await p.keep(encodeColsum(device, enc, dt, p.grad(`${l.name}.bias`), B * P, l.cout));
    const dW = { a: dt, b: c.saved.cols!, c: p.grad(`${l.name}.weight`) };
    await p.keep(encodeMatmul(device, enc, dW, l.cout, B * P, l.cols, { transA: true }));
    const dcols = p.buf(B * P * l.cols);
    const w = need(p.param(`${l.name}.weight`), l.name);
    await p.keep(encodeMatmul(device, enc, { a: dt, b: w, c: dcols }, B * P, l.cout, l.cols));
    const dx = p.buf(B * l.inSize);
    await p.keep(encodeIm2col(device, enc, dcols, dx, convShape(l, B), true));
    return dx;
  },
  bytes: (l) => l.oh * l.ow * l.cols * 4,
});

function activation(forwardOp: typeof OP.relu | typeof OP.gelu) {
  const backwardOp = forwardOp === OP.relu ? OP.reluBackward : OP.geluBackward;
  return kind<Relu>({
    async forward(p, l, x) {
      const y = p.buf(p.B * l.inSize);
      await p.keep(encodeElementwise(p.device, p.enc, forwardOp, x, null, y, p.B * l.inSize));
      return y;
    },
    async backward(p, l, g, c) {
      const dx = p.buf(p.B * l.inSize);
      await p.keep(encodeElementwise(p.device, p.enc, backwardOp, c.x, g, dx, p.B * l.inSize));
      return dx;
    },
  });
}

const maxpool2 = kind<MaxPool2>({
  async forward(p, l, x, cache) {
    const y = p.buf(p.B * l.outSize);
    const arg = p.buf(p.B * l.outSize);
    await p.keep(encodeMaxpool(p.device, p.enc, x, y, arg, p.B * l.c, l.h, l.w, false));
    cache.saved.arg = arg;
    return y;
  },
  async backward(p, l, g, c) {
    const dx = p.buf(p.B * l.inSize);
    await p.keep(encodeMaxpool(p.device, p.enc, g, dx, c.saved.arg!, p.B * l.c, l.h, l.w, true));
    return dx;
  },
});

const layernorm = kind<LayerNorm>({
  async forward(p, l, x, cache) {
    const rows = p.B * l.tokens;
    const y = p.buf(rows * l.dim);
    const xhat = p.buf(rows * l.dim);
    const rstd = p.buf(rows);
    const gamma = need(p.param(`${l.name}.weight`), l.name);
    const beta = need(p.param(`${l.name}.bias`), l.name);
    const b = { x, gamma, beta, y, xhat, rstd };
    await p.keep(encodeLayernorm(p.device, p.enc, b, rows, l.dim, l.eps, false));
    cache.saved.xhat = xhat;
    cache.saved.rstd = rstd;
    return y;
  },
  async backward(p, l, g, c) {
    const { device, enc } = p;
    const rows = p.B * l.tokens;
    const dx = p.buf(rows * l.dim);
    const xhat = c.saved.xhat!;
    const gamma = need(p.param(`${l.name}.weight`), l.name);
    const beta = need(p.param(`${l.name}.bias`), l.name);
    const b = { x: g, gamma, beta, y: dx, xhat, rstd: c.saved.rstd! };
    await p.keep(encodeLayernorm(device, enc, b, rows, l.dim, l.eps, true));
    const prod = p.buf(rows * l.dim);
    await p.keep(encodeElementwise(device, enc, OP.multiply, g, xhat, prod, rows * l.dim));
    await p.keep(encodeColsum(device, enc, prod, p.grad(`${l.name}.weight`), rows, l.dim));
    await p.keep(encodeColsum(device, enc, g, p.grad(`${l.name}.bias`), rows, l.dim));
    return dx;
  },
});

const patchify = kind<Patchify>({
  async forward(p, l, x) {
    const y = p.buf(p.B * l.outSize);
    await p.keep(encodeGather(p.device, p.enc, x, p.patchIndex(l).fwd, y, p.B, l.inSize));
    return y;
  },
  async backward(p, l, g) {
    const dx = p.buf(p.B * l.inSize);
    await p.keep(encodeGather(p.device, p.enc, g, p.patchIndex(l).inv, dx, p.B, l.inSize));
    return dx;
  },
});

const position = kind<AddPosition>({
  async forward(p, l, x) {
    const y = p.buf(p.B * l.outSize);
    const e = need(p.param(l.name), l.name);
    const n = p.B * l.inSize;
    await p.keep(encodeElementwise(p.device, p.enc, OP.addPeriodic, x, e, y, n, l.inSize));
    return y;
  },
  async backward(p, l, g) {
    await p.keep(encodeColsum(p.device, p.enc, g, p.grad(l.name), p.B, l.inSize));
    return g;
  },
});

const attention = kind<Attention>({
  async forward(p, l, x, cache) {
    const y = p.buf(p.B * l.outSize);
    const probs = p.buf(p.B * l.heads * l.tokens * l.tokens);
    const b = { qkv: x, dy: null, probs, ds: null, out: y };
    await p.keep(encodeAttention(p.device, p.enc, 0, b, p.B, l.tokens, l.dim, l.heads));
    cache.saved.probs = probs;
    return y;
  },
  async backward(p, l, g, c) {
    const dx = p.buf(p.B * l.inSize);
    const ds = p.buf(p.B * l.heads * l.tokens * l.tokens);
    const b = { qkv: c.x, dy: g, probs: c.saved.probs!, ds, out: dx };
    for (const stage of [1, 2] as const)
      await p.keep(encodeAttention(p.device, p.enc, stage, b, p.B, l.tokens, l.dim, l.heads));
    return dx;
  },
  bytes: (l) => l.heads * l.tokens * l.tokens * 4,
});

const meanTokens = kind<MeanTokens>({
  async forward(p, l, x) {
    const y = p.buf(p.B * l.dim);
    await p.keep(encodeMeanTokens(p.device, p.enc, x, y, p.B, l.tokens, l.dim, false));
    return y;
  },
  async backward(p, l, g) {
    const dx = p.buf(p.B * l.inSize);
    await p.keep(encodeMeanTokens(p.device, p.enc, g, dx, p.B, l.tokens, l.dim, true));
    return dx;
  },
});

const residual = kind<Residual>({
  async forward(p, l, x, cache) {
    cache.inner = [];
    const r = await p.forward(l.inner, x, cache.inner);
    const y = p.buf(p.B * l.inSize);
    await p.keep(encodeElementwise(p.device, p.enc, OP.add, x, r, y, p.B * l.inSize));
    return y;
  },
  async backward(p, l, g, c) {
    const r = await p.backward(l.inner, c.inner!, g);
    const dx = p.buf(p.B * l.inSize);
    await p.keep(encodeElementwise(p.device, p.enc, OP.add, r, g, dx, p.B * l.inSize));
    return dx;
  },
  bytes: (l) => perSampleBytes(l.inner),
});

/** Layer kind (Layer.kind) → its GPU passes. */
export const GPU_LAYERS: Readonly<Record<string, GpuLayer>> = {
  dense,
  conv2d,
  relu: activation(OP.relu),
  gelu: activation(OP.gelu),
  maxpool2,
  layernorm,
  patchify,
  position,
  attention,
  'mean-tokens': meanTokens,
  residual,
};

export function gpuLayer(l: Layer): GpuLayer {
  const ops = GPU_LAYERS[l.kind];
  if (!ops) throw new Error(`no GPU kernel for layer ${l.kind}`);
  return ops;
}

/** Bytes of the largest activation or scratch buffer one sample needs, over all layers. */
export function perSampleBytes(layers: Layer[]): number {
  let most = 0;
  for (const l of layers)
    most = Math.max(most, l.inSize * 4, l.outSize * 4, gpuLayer(l).bytes?.(l) ?? 0);
  return most;
}

// Wrappers of the network kernels (shaders/matmul/matmul.wgsl, shaders/nn/*.wgsl,
// shaders/attention/attention.wgsl). Each encodes one dispatch and returns the temporaries (uniform
// buffers) to destroy after submission. Twins: the layers of src/core/net.ts and src/core/nn.ts.
import matmulCode from '../../../shaders/matmul/matmul.wgsl?raw';
import elementwiseCode from '../../../shaders/nn/elementwise.wgsl?raw';
import colsumCode from '../../../shaders/nn/colsum.wgsl?raw';
import gatherCode from '../../../shaders/nn/gather.wgsl?raw';
import im2colCode from '../../../shaders/nn/im2col.wgsl?raw';
import transposeCode from '../../../shaders/nn/transpose.wgsl?raw';
import maxpoolCode from '../../../shaders/nn/maxpool.wgsl?raw';
import layernormCode from '../../../shaders/nn/layernorm.wgsl?raw';
import meanTokensCode from '../../../shaders/nn/mean_tokens.wgsl?raw';
import crossEntropyCode from '../../../shaders/nn/cross_entropy.wgsl?raw';
import adamCode from '../../../shaders/nn/adam.wgsl?raw';
import attentionCode from '../../../shaders/attention/attention.wgsl?raw';
import { pipeline, uniform } from '../buffers.ts';

const TILE = 16;
const MAX_GROUPS = 65535;

type Fields = ReadonlyArray<['u32' | 'f32', number]>;

async function dispatch(
  device: GPUDevice,
  enc: GPUCommandEncoder,
  key: string,
  code: string,
  constants: Record<string, number>,
  buffers: readonly GPUBuffer[],
  fields: Fields,
  groups: [number, number],
): Promise<GPUBuffer[]> {
  const p = await pipeline(device, key, code, constants);
  const params = uniform(device, fields);
  const bind = device.createBindGroup({
    layout: p.getBindGroupLayout(0),
    entries: [...buffers, params].map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  const pass = enc.beginComputePass();
  pass.setPipeline(p);
  pass.setBindGroup(0, bind);
  pass.dispatchWorkgroups(groups[0], groups[1]);
  pass.end();
  return [params];
}

/** A 2-D grid of 256-wide workgroups covering n invocations: [x groups, y groups, row length]. */
function grid(n: number, wg = 256): [number, number, number] {
  const gx = Math.max(1, Math.min(MAX_GROUPS, Math.ceil(n / wg)));
  const row = gx * wg;
  return [gx, Math.max(1, Math.ceil(n / row)), row];
}

function groups1d(n: number, wg: number): [number, number] {
  const g = Math.ceil(n / wg);
  if (g > MAX_GROUPS) throw new RangeError(`${n} invocations exceed one dispatch`);
  return [Math.max(1, g), 1];
}

export interface Device {
  device: GPUDevice;
  /** A 4-byte buffer bound where a kernel variant reads nothing. */
  dummy: GPUBuffer;
  /** Another, bound where a kernel variant writes nothing (a buffer may not be both in one pass). */
  sink: GPUBuffer;
}

/** C[m, n] (+)= op(A) · op(B) (+ bias). */
export function matmul(
  d: Device,
  enc: GPUCommandEncoder,
  b: { a: GPUBuffer; b: GPUBuffer; bias?: GPUBuffer | null; c: GPUBuffer },
  m: number,
  k: number,
  n: number,
  o: { transA?: boolean; transB?: boolean; accumulate?: boolean } = {},
): Promise<GPUBuffer[]> {
  const gy = Math.ceil(m / TILE);
  if (gy > MAX_GROUPS) throw new RangeError(`${m} rows exceed one dispatch`);
  return dispatch(
    d.device,
    enc,
    'matmul',
    matmulCode,
    {
      TILE,
      TRANS_A: o.transA ? 1 : 0,
      TRANS_B: o.transB ? 1 : 0,
      BIAS: b.bias ? 1 : 0,
      ACCUMULATE: o.accumulate ? 1 : 0,
    },
    [b.a, b.b, b.bias ?? d.dummy, b.c],
    [
      ['u32', m],
      ['u32', k],
      ['u32', n],
    ],
    [Math.max(1, Math.ceil(n / TILE)), Math.max(1, gy)],
  );
}

export const OP = {
  relu: 0,
  gelu: 1,
  reluBackward: 2,
  geluBackward: 3,
  add: 4,
  addPeriodic: 5,
  multiply: 6,
} as const;

export function elementwise(
  d: Device,
  enc: GPUCommandEncoder,
  op: number,
  a: GPUBuffer,
  b: GPUBuffer | null,
  y: GPUBuffer,
  n: number,
  period = 1,
): Promise<GPUBuffer[]> {
  const [gx, gy, row] = grid(n);
  return dispatch(
    d.device,
    enc,
    'elementwise',
    elementwiseCode,
    { OP: op },
    [a, b ?? d.dummy, y],
    [
      ['u32', n],
      ['u32', period],
      ['u32', row],
    ],
    [gx, gy],
  );
}

export function colsum(
  d: Device,
  enc: GPUCommandEncoder,
  a: GPUBuffer,
  out: GPUBuffer,
  rows: number,
  n: number,
  accumulate = false,
): Promise<GPUBuffer[]> {
  return dispatch(
    d.device,
    enc,
    'colsum',
    colsumCode,
    { ACCUMULATE: accumulate ? 1 : 0 },
    [a, out],
    [
      ['u32', rows],
      ['u32', n],
    ],
    groups1d(n, 64),
  );
}

export function gather(
  d: Device,
  enc: GPUCommandEncoder,
  x: GPUBuffer,
  idx: GPUBuffer,
  y: GPUBuffer,
  samples: number,
  n: number,
): Promise<GPUBuffer[]> {
  const [gx, gy, row] = grid(samples * n);
  return dispatch(
    d.device,
    enc,
    'gather',
    gatherCode,
    {},
    [x, idx, y],
    [
      ['u32', samples * n],
      ['u32', n],
      ['u32', row],
    ],
    [gx, gy],
  );
}

export interface ConvShape {
  b: number;
  c: number;
  h: number;
  w: number;
  k: number;
  pad: number;
  oh: number;
  ow: number;
}

/** im2col (forward) or col2im (backward, summing the columns back onto the input). */
export function im2col(
  d: Device,
  enc: GPUCommandEncoder,
  src: GPUBuffer,
  dst: GPUBuffer,
  s: ConvShape,
  backward: boolean,
): Promise<GPUBuffer[]> {
  const total = backward ? s.b * s.c * s.h * s.w : s.b * s.oh * s.ow * s.c * s.k * s.k;
  const [gx, gy, row] = grid(total);
  return dispatch(
    d.device,
    enc,
    'im2col',
    im2colCode,
    { KS: s.k, PAD: s.pad, BACKWARD: backward ? 1 : 0 },
    [src, dst],
    [
      ['u32', total],
      ['u32', s.c],
      ['u32', s.h],
      ['u32', s.w],
      ['u32', s.oh],
      ['u32', s.ow],
      ['u32', row],
    ],
    [gx, gy],
  );
}

/** y[s] = x[s]ᵀ for `batches` matrices [rows, cols]. */
export function transpose(
  d: Device,
  enc: GPUCommandEncoder,
  x: GPUBuffer,
  y: GPUBuffer,
  batches: number,
  rows: number,
  cols: number,
): Promise<GPUBuffer[]> {
  const total = batches * rows * cols;
  const [gx, gy, row] = grid(total);
  return dispatch(
    d.device,
    enc,
    'transpose',
    transposeCode,
    {},
    [x, y],
    [
      ['u32', total],
      ['u32', rows],
      ['u32', cols],
      ['u32', row],
    ],
    [gx, gy],
  );
}

export function maxpool(
  d: Device,
  enc: GPUCommandEncoder,
  src: GPUBuffer,
  dst: GPUBuffer,
  arg: GPUBuffer,
  planes: number,
  h: number,
  w: number,
  backward: boolean,
): Promise<GPUBuffer[]> {
  const total = backward ? planes * h * w : (planes * h * w) / 4;
  const [gx, gy, row] = grid(total);
  return dispatch(
    d.device,
    enc,
    'maxpool',
    maxpoolCode,
    { BACKWARD: backward ? 1 : 0 },
    [src, dst, arg],
    [
      ['u32', total],
      ['u32', h],
      ['u32', w],
      ['u32', row],
    ],
    [gx, gy],
  );
}

/** Forward: x → y, xhat, rstd. Backward: x holds dy, y receives dx (xhat, rstd from forward). */
export function layernorm(
  d: Device,
  enc: GPUCommandEncoder,
  b: {
    x: GPUBuffer;
    gamma: GPUBuffer;
    beta: GPUBuffer;
    y: GPUBuffer;
    xhat: GPUBuffer;
    rstd: GPUBuffer;
  },
  rows: number,
  dim: number,
  eps: number,
  backward: boolean,
): Promise<GPUBuffer[]> {
  return dispatch(
    d.device,
    enc,
    'layernorm',
    layernormCode,
    { EPS: eps, BACKWARD: backward ? 1 : 0 },
    [b.x, b.gamma, b.beta, b.y, b.xhat, b.rstd],
    [
      ['u32', rows],
      ['u32', dim],
    ],
    groups1d(rows, 64),
  );
}

/** MAX_T of attention.wgsl. */
export const ATTENTION_MAX_T = 64;

export function attention(
  d: Device,
  enc: GPUCommandEncoder,
  stage: 0 | 1 | 2,
  b: {
    qkv: GPUBuffer;
    dy: GPUBuffer | null;
    probs: GPUBuffer;
    ds: GPUBuffer | null;
    out: GPUBuffer;
  },
  batch: number,
  tokens: number,
  dim: number,
  heads: number,
): Promise<GPUBuffer[]> {
  if (tokens > ATTENTION_MAX_T)
    throw new RangeError(`attention over ${tokens} tokens: this kernel takes ${ATTENTION_MAX_T}`);
  return dispatch(
    d.device,
    enc,
    'attention',
    attentionCode,
    { STAGE: stage },
    [b.qkv, b.dy ?? d.dummy, b.probs, b.ds ?? d.sink, b.out],
    [
      ['u32', batch],
      ['u32', tokens],
      ['u32', dim],
      ['u32', heads],
    ],
    groups1d(batch * heads * tokens, 64),
  );
}

export function meanTokens(
  d: Device,
  enc: GPUCommandEncoder,
  src: GPUBuffer,
  dst: GPUBuffer,
  batch: number,
  tokens: number,
  dim: number,
  backward: boolean,
): Promise<GPUBuffer[]> {
  const total = backward ? batch * tokens * dim : batch * dim;
  return dispatch(
    d.device,
    enc,
    'mean_tokens',
    meanTokensCode,
    { BACKWARD: backward ? 1 : 0 },
    [src, dst],
    [
      ['u32', total],
      ['u32', tokens],
      ['u32', dim],
    ],
    groups1d(total, 64),
  );
}

export function crossEntropy(
  d: Device,
  enc: GPUCommandEncoder,
  b: { logits: GPUBuffer; labels: GPUBuffer; grad: GPUBuffer; loss: GPUBuffer },
  batch: number,
  classes: number,
): Promise<GPUBuffer[]> {
  return dispatch(
    d.device,
    enc,
    'cross_entropy',
    crossEntropyCode,
    {},
    [b.logits, b.labels, b.grad, b.loss],
    [
      ['u32', batch],
      ['u32', classes],
    ],
    groups1d(batch, 64),
  );
}

export interface AdamStep {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** Step number, from 1 (for the bias corrections). */
  t: number;
  /** Multiplier applied to the weights first: 1 − lr·weight decay (1 for none). */
  decay: number;
}

export function adam(
  d: Device,
  enc: GPUCommandEncoder,
  b: { g: GPUBuffer; mask: GPUBuffer | null; p: GPUBuffer; m: GPUBuffer; v: GPUBuffer },
  n: number,
  s: AdamStep,
): Promise<GPUBuffer[]> {
  const [gx, gy, row] = grid(n);
  return dispatch(
    d.device,
    enc,
    'adam',
    adamCode,
    { MASKED: b.mask ? 1 : 0 },
    [b.g, b.mask ?? d.dummy, b.p, b.m, b.v],
    [
      ['u32', n],
      ['u32', row],
      ['f32', s.lr],
      ['f32', s.beta1],
      ['f32', s.beta2],
      ['f32', s.eps],
      ['f32', 1 - s.beta1 ** s.t],
      ['f32', 1 - s.beta2 ** s.t],
      ['f32', s.decay],
    ],
    [gx, gy],
  );
}

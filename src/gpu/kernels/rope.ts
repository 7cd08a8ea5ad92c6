// Wrapper of shaders/lm/rope.wgsl: rotary position embedding of q or k rows in place, in either
// pairing of a head's dimensions (twin: rope in src/core/lm/ops.ts). The per-pair rotation speeds
// are computed here in float64 and handed to the shader as exact float32 pieces (see the shader's
// header for why: the angle stays accurate to about 1e-6 rad at any position below 2^24).
import code from '../../../shaders/lm/rope.wgsl?raw';
import type { RopeLayout } from '../../core/lm/ops.ts';
import { uploadF32, pipeline } from '../buffers.ts';
import { check, checkCounts, checkSize, encodePass, grid2d, type KernelRecord } from '../kernel.ts';

/** Positions must stay below this for the shader's split of pos into two 12-bit halves. */
export const ROPE_MAX_POS = 2 ** 24;

/** x rounded to at most `bits` significant bits (0 stays 0). */
function leadingBits(x: number, bits: number): number {
  if (x === 0) return 0;
  const q = 2 ** (Math.floor(Math.log2(Math.abs(x))) - bits + 1);
  return Math.round(x / q) * q;
}

/**
 * Each pair's turns per position, theta^(−2i/headDim) / 2π, as three float32 pieces [half, 3]: two
 * with at most 12 significant bits (so the shader's products with 12-bit integers are exact) and
 * the float32-rounded remainder.
 */
export function ropeTurns(headDim: number, theta: number): Float32Array {
  const half = headDim / 2;
  const out = new Float32Array(half * 3);
  for (let i = 0; i < half; i++) {
    const t = Math.pow(theta, (-2 * i) / headDim) / (2 * Math.PI);
    const c0 = leadingBits(t, 12);
    const c1 = leadingBits(t - c0, 12);
    out[3 * i] = c0;
    out[3 * i + 1] = c1;
    out[3 * i + 2] = t - c0 - c1;
  }
  return out;
}

export interface RopeShape {
  rows: number;
  heads: number;
  headDim: number;
  /** Position of the first row. */
  pos0: number;
  theta: number;
  layout: RopeLayout;
}

/** Encodes the rotation of x [rows, heads · headDim] in place; returns temporaries to destroy. */
export async function encodeRope(
  device: GPUDevice,
  enc: GPUCommandEncoder,
  x: GPUBuffer,
  s: RopeShape,
): Promise<GPUBuffer[]> {
  checkCounts('rope', { rows: s.rows, heads: s.heads, headDim: s.headDim });
  checkCounts('rope', { pos0: s.pos0 }, 0);
  check(s.headDim % 2 === 0, 'rope', `headDim must be even, got ${s.headDim}`);
  check(
    s.pos0 + s.rows <= ROPE_MAX_POS,
    'rope',
    `positions up to ${s.pos0 + s.rows - 1} pass the kernel's limit of ${ROPE_MAX_POS - 1}`,
  );
  check(Number.isFinite(s.theta) && s.theta > 0, 'rope', `theta must be > 0, got ${s.theta}`);
  check(
    s.layout === 'interleaved' || s.layout === 'half',
    'rope',
    `layout must be 'interleaved' or 'half', got ${String(s.layout)}`,
  );
  const n = (s.rows * s.heads * s.headDim) / 2;
  checkSize('rope', 'x', x, 2 * n);
  const turnsData = ropeTurns(s.headDim, s.theta);
  const turns = uploadF32(device, turnsData, 0, turnsData.length);
  const [gx, gy, row] = grid2d(n);
  const p = await pipeline(device, 'rope', code, { HALF_SPLIT: s.layout === 'half' ? 1 : 0 });
  return [
    turns,
    ...encodePass(device, enc, p, {
      buffers: [turns, x],
      params: [
        ['u32', n],
        ['u32', s.heads],
        ['u32', s.headDim],
        ['u32', s.pos0],
        ['u32', row],
      ],
      groups: [gx, gy],
    }),
  ];
}

export const kernel: KernelRecord = {
  stem: 'rope',
  shader: 'shaders/lm/rope.wgsl',
  code,
  twin: { module: 'src/core/lm/ops.ts', name: 'rope' },
  encode: encodeRope,
};

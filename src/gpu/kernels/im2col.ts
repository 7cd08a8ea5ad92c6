// Wrapper of shaders/nn/im2col.wgsl: convolution columns (forward) or their sum back onto the
// input (backward, col2im), one invocation per written value on a 2-D grid (twins: im2col and
// col2im in src/core/nn/reorder.ts).
import code from '../../../shaders/nn/im2col.wgsl?raw';
import type { ConvShape } from '../../core/nn/reorder.ts';
import { pipeline } from '../buffers.ts';
import { check, checkCounts, checkSize, encodePass, grid2d, type KernelRecord } from '../kernel.ts';

export type { ConvShape };

/** im2col (forward) or col2im (backward, summing the columns back onto the input). */
export async function encodeIm2col(
  device: GPUDevice,
  enc: GPUCommandEncoder,
  src: GPUBuffer,
  dst: GPUBuffer,
  s: ConvShape,
  backward: boolean,
): Promise<GPUBuffer[]> {
  checkCounts('im2col', { b: s.b, c: s.c, h: s.h, w: s.w, k: s.k, oh: s.oh, ow: s.ow });
  checkCounts('im2col', { pad: s.pad }, 0);
  check(
    s.oh === s.h + 2 * s.pad - s.k + 1 && s.ow === s.w + 2 * s.pad - s.k + 1,
    'im2col',
    `output ${s.oh} × ${s.ow} is not that of a ${s.k} × ${s.k} kernel with padding ${s.pad} on ${s.h} × ${s.w}`,
  );
  const image = s.b * s.c * s.h * s.w;
  const cols = s.b * s.oh * s.ow * s.c * s.k * s.k;
  checkSize('im2col', 'src', src, backward ? cols : image);
  checkSize('im2col', 'dst', dst, backward ? image : cols);
  const total = backward ? image : cols;
  const [gx, gy, row] = grid2d(total);
  const p = await pipeline(device, 'im2col', code, {
    KS: s.k,
    PAD: s.pad,
    BACKWARD: backward ? 1 : 0,
  });
  return encodePass(device, enc, p, {
    buffers: [src, dst],
    params: [
      ['u32', total],
      ['u32', s.c],
      ['u32', s.h],
      ['u32', s.w],
      ['u32', s.oh],
      ['u32', s.ow],
      ['u32', row],
    ],
    groups: [gx, gy],
  });
}

export const kernel: KernelRecord = {
  stem: 'im2col',
  shader: 'shaders/nn/im2col.wgsl',
  code,
  twin: { module: 'src/core/nn/reorder.ts', name: 'im2col' },
  encode: encodeIm2col,
};

// Wrapper of shaders/nn/maxpool.wgsl: 2×2 max pooling, stride 2, with the flat index of each
// maximum (forward) and the gradient routed back through it (backward), one invocation per
// written value on a 2-D grid (twins: maxPool2Forward and maxPool2Backward in src/core/nn/pool.ts).
import code from '../../../shaders/nn/maxpool.wgsl?raw';
import { pipeline } from '../buffers.ts';
import { check, checkCounts, checkSize, encodePass, grid2d, type KernelRecord } from '../kernel.ts';

/** Forward: src x → dst y, arg. Backward: src dy → dst dx, reading arg. */
export async function encodeMaxpool(
  device: GPUDevice,
  enc: GPUCommandEncoder,
  src: GPUBuffer,
  dst: GPUBuffer,
  arg: GPUBuffer,
  planes: number,
  h: number,
  w: number,
  backward: boolean,
): Promise<GPUBuffer[]> {
  checkCounts('maxpool', { planes, h, w });
  check(h % 2 === 0 && w % 2 === 0, 'maxpool', `planes of ${h} × ${w}: both must be even`);
  const input = planes * h * w;
  checkSize('maxpool', 'arg', arg, input / 4);
  checkSize('maxpool', 'dst', dst, backward ? input : input / 4);
  const total = backward ? input : input / 4;
  const [gx, gy, row] = grid2d(total);
  const p = await pipeline(device, 'maxpool', code, { BACKWARD: backward ? 1 : 0 });
  return encodePass(device, enc, p, {
    buffers: [src, dst, arg],
    params: [
      ['u32', total],
      ['u32', h],
      ['u32', w],
      ['u32', row],
    ],
    groups: [gx, gy],
  });
}

export const kernel: KernelRecord = {
  stem: 'maxpool',
  shader: 'shaders/nn/maxpool.wgsl',
  code,
  twin: { module: 'src/core/nn/pool.ts', name: 'maxPool2Forward' },
  encode: encodeMaxpool,
};

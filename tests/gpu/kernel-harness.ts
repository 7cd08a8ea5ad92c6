// Helpers of the single-kernel parity tests: upload arrays, run one encode function, read back,
// and compare with a CPU twin (NaN and ±Inf where they are, finite values within a tolerance).
import { expect } from 'vitest';
import { readBack } from '../../src/gpu/buffers.ts';
import { acquireGpu, type GpuContext } from '../../src/gpu/device.ts';

export async function gpuContext(): Promise<GpuContext> {
  const got = await acquireGpu(navigator.gpu);
  if (!got.ok) throw new Error(`this tier needs a WebGPU adapter: ${got.reason}`);
  return got.ctx;
}

/** A storage buffer holding `a` (or `a` zeros when a number), readable back. */
export function buffer(device: GPUDevice, a: Float32Array | Uint32Array | number): GPUBuffer {
  const bytes = typeof a === 'number' ? a * 4 : a.byteLength;
  const b = device.createBuffer({
    size: Math.max(4, Math.ceil(bytes / 4) * 4),
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
  });
  if (typeof a !== 'number' && a.length) device.queue.writeBuffer(b, 0, a);
  return b;
}

/**
 * Runs `encode` (one wrapper call, or several in order) and reads back `outputs` as float32 (or
 * u32 where asked); destroys the kernels' temporaries, not the caller's buffers.
 */
export async function run(
  device: GPUDevice,
  encode: (enc: GPUCommandEncoder) => Promise<GPUBuffer[]>,
  outputs: readonly GPUBuffer[],
): Promise<ArrayBuffer[]> {
  const enc = device.createCommandEncoder();
  const temps = await encode(enc);
  try {
    return await readBack(device, enc, outputs);
  } finally {
    temps.forEach((t) => t.destroy());
  }
}

export const f32 = (b: ArrayBuffer, n: number) => new Float32Array(b, 0, n);
export const u32 = (b: ArrayBuffer, n: number) => new Uint32Array(b, 0, n);

/**
 * NaN where the twin has NaN, the same infinities, finite values within `tol` of the largest finite
 * |want| (exact when tol is 0; ±0 count as equal).
 */
export function expectMatch(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  tol: number,
  what = '',
) {
  expect(got.length, what).toBe(want.length);
  let scale = 1e-30;
  for (let i = 0; i < want.length; i++)
    if (Number.isFinite(want[i]!)) scale = Math.max(scale, Math.abs(want[i]!));
  const bad: string[] = [];
  for (let i = 0; i < want.length && bad.length < 5; i++) {
    const g = got[i]!;
    const w = want[i]!;
    const ok = Number.isFinite(w)
      ? Number.isFinite(g) && Math.abs(g - w) <= tol * scale
      : Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w));
    if (!ok) bad.push(`[${i}] gpu ${g} cpu ${w}`);
  }
  expect(bad, what).toEqual([]);
}

// Sparse dense-layer products on the GPU: upload, dispatch, read back (twins in src/core/prune/sparse.ts).
// Weights stay resident between calls in a SparseLayer so a benchmark can time the products alone.
import type { Csr, Sparse24 } from '../../core/prune/sparse.ts';
import { readBack, storage, uploadF32, uploadU32 } from '../buffers.ts';
import type { GpuContext } from '../device.ts';
import { encodeCsrMatmul } from '../kernels/csr_matmul.ts';
import { encodeLinearDirect } from '../kernels/linear_direct.ts';
import { encodeSparse24Matmul } from '../kernels/sparse24_matmul.ts';

export interface SparseLayer {
  run(x: Float32Array, B: number): Promise<Float32Array>;
  destroy(): void;
}

export function sparse24Layer(
  ctx: GpuContext,
  w: Sparse24,
  bias: Float32Array | null,
): SparseLayer {
  const { device } = ctx;
  const values = uploadF32(device, w.values, 0, w.values.length);
  const meta = uploadU32(device, w.meta);
  const b = bias ? uploadF32(device, bias, 0, bias.length) : null;
  return {
    async run(x, B) {
      const xb = uploadF32(device, x, 0, B * w.k);
      const y = storage(device, B * w.n * 4);
      const temps: GPUBuffer[] = [xb, y];
      try {
        const enc = device.createCommandEncoder();
        temps.push(
          ...(await encodeSparse24Matmul(
            device,
            enc,
            { x: xb, values, meta, bias: b, y },
            B,
            w.k,
            w.n,
          )),
        );
        const [bytes] = await readBack(device, enc, [y]);
        return new Float32Array(bytes!, 0, B * w.n);
      } finally {
        temps.forEach((t) => t.destroy());
      }
    },
    destroy() {
      [values, meta, b].forEach((t) => t?.destroy());
    },
  };
}

export function csrLayer(ctx: GpuContext, w: Csr, bias: Float32Array | null): SparseLayer {
  const { device } = ctx;
  const rowPtr = uploadU32(device, w.rowPtr);
  const colIdx = uploadU32(device, w.colIdx);
  const values = uploadF32(device, w.values, 0, w.values.length);
  const b = bias ? uploadF32(device, bias, 0, bias.length) : null;
  return {
    async run(x, B) {
      const xb = uploadF32(device, x, 0, B * w.k);
      const y = storage(device, B * w.n * 4);
      const temps: GPUBuffer[] = [xb, y];
      try {
        const enc = device.createCommandEncoder();
        temps.push(
          ...(await encodeCsrMatmul(
            device,
            enc,
            { x: xb, rowPtr, colIdx, values, bias: b, y },
            B,
            w.k,
            w.n,
          )),
        );
        const [bytes] = await readBack(device, enc, [y]);
        return new Float32Array(bytes!, 0, B * w.n);
      } finally {
        temps.forEach((t) => t.destroy());
      }
    },
    destroy() {
      [rowPtr, colIdx, values, b].forEach((t) => t?.destroy());
    },
  };
}

/** The dense baseline with the sparse kernels' mapping (no workgroup memory). */
export function directLayer(
  ctx: GpuContext,
  w: Float32Array,
  n: number,
  k: number,
  bias: Float32Array | null,
): SparseLayer {
  const { device } = ctx;
  const wb = uploadF32(device, w, 0, w.length);
  const b = bias ? uploadF32(device, bias, 0, bias.length) : null;
  return {
    async run(x, B) {
      const xb = uploadF32(device, x, 0, B * k);
      const y = storage(device, B * n * 4);
      const temps: GPUBuffer[] = [xb, y];
      try {
        const enc = device.createCommandEncoder();
        temps.push(
          ...(await encodeLinearDirect(device, enc, { x: xb, w: wb, bias: b, y }, B, k, n)),
        );
        const [bytes] = await readBack(device, enc, [y]);
        return new Float32Array(bytes!, 0, B * n);
      } finally {
        temps.forEach((t) => t.destroy());
      }
    },
    destroy() {
      [wb, b].forEach((t) => t?.destroy());
    },
  };
}

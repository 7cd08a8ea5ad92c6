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

/**
 * A layer whose weights stay on the device: each run uploads x [B, k], encodes the product into
 * y [B, n] with `encode` (which returns its own temporary buffers), reads y back and frees the
 * temporaries; `destroy` frees the resident buffers.
 */
function residentLayer(
  device: GPUDevice,
  resident: Array<GPUBuffer | null>,
  k: number,
  n: number,
  encode: (enc: GPUCommandEncoder, x: GPUBuffer, y: GPUBuffer, B: number) => Promise<GPUBuffer[]>,
): SparseLayer {
  return {
    async run(x, B) {
      const xb = uploadF32(device, x, 0, B * k);
      const y = storage(device, B * n * 4);
      const temps: GPUBuffer[] = [xb, y];
      try {
        const enc = device.createCommandEncoder();
        temps.push(...(await encode(enc, xb, y, B)));
        const [bytes] = await readBack(device, enc, [y]);
        return new Float32Array(bytes!, 0, B * n);
      } finally {
        temps.forEach((t) => t.destroy());
      }
    },
    destroy() {
      resident.forEach((t) => t?.destroy());
    },
  };
}

const upload = (device: GPUDevice, v: Float32Array | null) =>
  v ? uploadF32(device, v, 0, v.length) : null;

export function sparse24Layer(
  ctx: GpuContext,
  w: Sparse24,
  bias: Float32Array | null,
): SparseLayer {
  const { device } = ctx;
  const values = upload(device, w.values)!;
  const meta = uploadU32(device, w.meta);
  const b = upload(device, bias);
  return residentLayer(device, [values, meta, b], w.k, w.n, (enc, x, y, B) =>
    encodeSparse24Matmul(device, enc, { x, values, meta, bias: b, y }, B, w.k, w.n),
  );
}

export function csrLayer(ctx: GpuContext, w: Csr, bias: Float32Array | null): SparseLayer {
  const { device } = ctx;
  const rowPtr = uploadU32(device, w.rowPtr);
  const colIdx = uploadU32(device, w.colIdx);
  const values = upload(device, w.values)!;
  const b = upload(device, bias);
  return residentLayer(device, [rowPtr, colIdx, values, b], w.k, w.n, (enc, x, y, B) =>
    encodeCsrMatmul(device, enc, { x, rowPtr, colIdx, values, bias: b, y }, B, w.k, w.n),
  );
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
  const wb = upload(device, w)!;
  const b = upload(device, bias);
  return residentLayer(device, [wb, b], k, n, (enc, x, y, B) =>
    encodeLinearDirect(device, enc, { x, w: wb, bias: b, y }, B, k, n),
  );
}

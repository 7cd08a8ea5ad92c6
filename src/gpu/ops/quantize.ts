// Integer quantization of one tensor on the GPU: ranges and scales from the core's pass 1 (so the
// scales are the CPU's exactly), then quant_int.wgsl quantizes every element and sums its error per
// segment. Segments are contiguous runs inside one block, one error-map cell and one chunk (chunks
// keep every binding under the device's storage-binding limit); their sums add up to the blocks'
// in float64 here. Covered layouts are those whose blocks are contiguous: per tensor, per channel on
// a leading axis, and groups along rows. Others return null (the caller uses the CPU).
import {
  errorGridGeometry,
  gridMse,
  newBlockSums,
  totalError,
} from '../../core/quant/block-error.ts';
import { pcgHash } from '../../core/quant/rounding.ts';
import { planQuant } from '../../core/quant/plan.ts';
import { bitsPerWeight, type QuantSpec } from '../../core/quant/spec.ts';
import type { BlockLayout } from '../../core/quant/blocks.ts';
import type { QuantOptions, QuantOutcome } from '../../core/quant/quant.ts';
import { chunkRanges, readBack, storage, uploadF32, type GpuRunOptions } from '../buffers.ts';
import type { GpuContext } from '../device.ts';
import { encodeQuantInt, SEGMENT_SUMS } from '../kernels/quant_int.ts';

/** The longest run one invocation quantizes. */
const MAX_SEGMENT = 2048;

/** Block of element p and the end of its block, for layouts whose blocks are contiguous. */
function contiguousBlocks(L: BlockLayout): ((p: number) => [number, number]) | null {
  if (L.kind === 'tensor') return () => [0, L.n];
  if (L.kind === 'channel' && L.outer === 1)
    return (p) => {
      const b = Math.floor(p / L.inner);
      return [b, (b + 1) * L.inner];
    };
  if (L.kind === 'group' && L.inner === 1)
    return (p) => {
      const row = Math.floor(p / L.dim);
      const k = Math.floor((p - row * L.dim) / L.groupSize);
      return [row * L.perDim + k, row * L.dim + Math.min(L.dim, (k + 1) * L.groupSize)];
    };
  return null;
}

export function gpuQuantizable(spec: QuantSpec, L: BlockLayout): boolean {
  return spec.format === 'int' && contiguousBlocks(L) !== null;
}

export async function quantizeIntGpu(
  ctx: GpuContext,
  x: Float32Array,
  shape: readonly number[],
  spec: QuantSpec,
  opts: QuantOptions & GpuRunOptions = {},
): Promise<QuantOutcome | null> {
  // The kernel returns no dequantized values.
  if (spec.format !== 'int' || opts.dequantized !== false) return null;
  const plan = planQuant(x, shape, spec);
  const L = plan.layout;
  const blockOf = contiguousBlocks(L);
  if (!blockOf || L.n === 0) return null;
  // float32 sums overflow past |x| ≈ 1.8e19, and subnormal scales may be flushed to zero on a GPU:
  // such tensors stay on the CPU, which sums in float64.
  for (let b = 0; b < L.blocks; b++) {
    const sc = plan.scales[b]!;
    if (sc < 2 ** -126 || Math.max(-plan.lo[b]!, plan.hi[b]!) > 1e18) return null;
  }
  const { device } = ctx;
  const grid = opts.errorMap ? errorGridGeometry(shape, opts.errorMap) : null;
  const mapSum = grid ? new Float64Array(grid.rows * grid.cols) : null;
  const mapCnt = grid ? new Float64Array(grid.rows * grid.cols) : null;
  const sums = newBlockSums(L.blocks);
  const codes = opts.codes ? new Int32Array(L.n) : null;
  const chunks = chunkRanges(L.n, ctx.maxBindingBytes);
  const seedHash = pcgHash(spec.seed >>> 0);

  for (const [ci, [c0, c1]] of chunks.entries()) {
    opts.signal?.throwIfAborted();
    // Segments of this chunk: cut at block ends, error-map cells and MAX_SEGMENT. Their tables must
    // fit a binding; when short segments (tiny groups, narrow rows) would outgrow it, the CPU,
    // which does those well, takes the tensor.
    const cap = Math.min(Math.floor(ctx.maxBindingBytes / (SEGMENT_SUMS * 4)), 1 << 22);
    const seg = new Uint32Array(3 * cap);
    const segCell = new Int32Array(grid ? cap : 0);
    const firstBlock = blockOf(c0)[0];
    let lastBlock = firstBlock;
    let nseg = 0;
    for (let p = c0; p < c1;) {
      if (nseg === cap) return null;
      const [b, bEnd] = blockOf(p);
      let end = Math.min(bEnd, c1, p + MAX_SEGMENT);
      if (grid) {
        const cell = grid.cellEnd(p);
        end = Math.min(end, cell.end);
        segCell[nseg] = cell.index;
      }
      seg[3 * nseg] = p - c0;
      seg[3 * nseg + 1] = end - p;
      seg[3 * nseg + 2] = b - firstBlock;
      nseg++;
      lastBlock = b;
      p = end;
    }
    const nb = lastBlock - firstBlock + 1;
    if (nb * 16 > ctx.maxBindingBytes) return null;
    const blockData = new Float32Array(nb * 4);
    for (let k = 0; k < nb; k++) {
      const b = firstBlock + k;
      blockData[4 * k] = plan.scales[b]!;
      blockData[4 * k + 1] = plan.zeroPoints ? plan.zeroPoints[b]! : 0;
      blockData[4 * k + 2] = plan.clipLo[b]!;
      blockData[4 * k + 3] = plan.clipHi[b]!;
    }
    const xBuf = uploadF32(device, x, c0, c1 - c0);
    const segBuf = storage(device, nseg * 12);
    device.queue.writeBuffer(segBuf, 0, seg, 0, nseg * 3);
    const blkBuf = storage(device, blockData.byteLength);
    device.queue.writeBuffer(blkBuf, 0, blockData);
    const codeBuf = codes ? storage(device, (c1 - c0) * 4) : null;
    const temps: GPUBuffer[] = [xBuf, segBuf, blkBuf, ...(codeBuf ? [codeBuf] : [])];
    try {
      const enc = device.createCommandEncoder();
      const r = await encodeQuantInt(device, enc, xBuf, segBuf, blkBuf, codeBuf, {
        segments: nseg,
        qmin: plan.qmin,
        qmax: plan.qmax,
        base: c0,
        seedHash,
        stochastic: spec.rounding === 'stochastic',
      });
      temps.push(...r.temps);
      const [sb, cb] = await readBack(device, enc, codeBuf ? [r.sums, codeBuf] : [r.sums]);
      const s = new Float32Array(sb!);
      if (codes) codes.set(new Int32Array(cb!, 0, c1 - c0), c0);
      for (let k = 0; k < nseg; k++) {
        const b = firstBlock + seg[3 * k + 2]!;
        const o = k * SEGMENT_SUMS;
        sums.count[b]! += s[o]!;
        sums.sse[b]! += s[o + 1]!;
        sums.clipSse[b]! += s[o + 2]!;
        sums.clipped[b]! += s[o + 3]!;
        sums.signal[b]! += s[o + 4]!;
        sums.dot[b]! += s[o + 5]!;
        sums.qq[b]! += s[o + 6]!;
        sums.maxAbs[b] = Math.max(sums.maxAbs[b]!, s[o + 7]!);
        if (mapSum) {
          mapSum[segCell[k]!]! += s[o + 1]!;
          mapCnt![segCell[k]!]! += s[o]!;
        }
      }
    } finally {
      temps.forEach((t) => t.destroy());
    }
    opts.onProgress?.((ci + 1) / chunks.length);
  }
  return {
    spec,
    layout: L,
    error: totalError(sums),
    sums,
    scales: plan.scales,
    zeroPoints: plan.zeroPoints,
    lo: plan.lo,
    hi: plan.hi,
    clipLo: plan.clipLo,
    clipHi: plan.clipHi,
    levels: null,
    qmin: plan.qmin,
    qmax: plan.qmax,
    codes,
    xq: null,
    clipAt: plan.clipAt,
    bitsPerWeight: bitsPerWeight(spec, L),
    errorMap: grid ? gridMse(grid, mapSum!, mapCnt!) : null,
  };
}

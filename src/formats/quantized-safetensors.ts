// The layout Slimlab uses to store integer quantization in safetensors, readable back exactly.
// For a quantized tensor NAME:
//   NAME.qweight     codes, one per element: I8 / U8 (2 to 8 bits, signed or not), I16 / U16 (16 bits),
//                    or for 4 bits U8 holding two codes per byte, first element in the low nibble
//                    (ONNX int4/uint4 packing), shape [ceil(n/2)]
//   NAME.scale       F32 or F16, one per block, laid out as ONNX blocked scales: [1] per tensor,
//                    [dim] per channel, the tensor's shape with dim → ceil(dim/block_size) per group
//   NAME.zero_point  I32, as the scale (asymmetric schemes only)
// and __metadata__["slimlab.quantization"] = JSON {"format": 2, "tensors": {NAME: {"shape", "bits",
// "signed", "axis", "block_size"?, "view2d"?, "packed"}}}; "axis" is null per tensor, "block_size" is
// present for groups; "view2d": true groups along the rows of the [shape[0], rest] view (axis 1, scale
// shape [shape[0], ceil(rest/block_size)]). Dequantization is float32((q − zero_point) · scale) per block. Format 1 (per-channel
// int8/int4, F32 scales) is format 2 without groups, and still reads.
import { shapeProduct } from '../core/base/shape.ts';
import { FormatError } from './errors.ts';
import type { TensorInfo } from './model.ts';

export const QUANT_KEY = 'slimlab.quantization';

export interface QuantEntry {
  shape: number[];
  bits: number;
  signed: boolean;
  axis: number | null;
  block_size?: number;
  /** Groups along the rows of the [shape[0], rest] view (axis must be 1). */
  view2d?: boolean;
  packed: boolean;
}

/** How many blocks (scales) an entry has: 1, dim, or the blocked count. */
function entryBlocks(e: QuantEntry): number {
  if (e.axis === null) return 1;
  if (e.view2d) {
    const rows = e.shape[0]!;
    const rest = rows > 0 ? e.shape.reduce((a, b) => a * b, 1) / rows : 0;
    return rows * Math.ceil(rest / e.block_size!);
  }
  const dim = e.shape[e.axis]!;
  if (e.block_size === undefined) return dim;
  const outer = e.shape.slice(0, e.axis).reduce((a, b) => a * b, 1);
  const inner = e.shape.slice(e.axis + 1).reduce((a, b) => a * b, 1);
  return outer * Math.ceil(dim / e.block_size) * inner;
}

export function codesDtype(
  e: Pick<QuantEntry, 'bits' | 'signed' | 'packed'>,
): 'I8' | 'U8' | 'I16' | 'U16' {
  if (e.packed) return 'U8';
  if (e.bits > 8) return e.signed ? 'I16' : 'U16';
  return e.signed ? 'I8' : 'U8';
}

export const partNames = (name: string) => ({
  codes: `${name}.qweight`,
  scale: `${name}.scale`,
  zeroPoint: `${name}.zero_point`,
});

/** Replaces the parts of each quantized tensor by one tensor that dequantizes on read. */
export function assembleQuantized(file: string, json: string, tensors: TensorInfo[]): TensorInfo[] {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    throw new FormatError(file, 'bad-header', `__metadata__.${QUANT_KEY}`, 'is not JSON');
  }
  const entries = (doc as { tensors?: unknown } | null)?.tensors;
  if (
    ![1, 2].includes((doc as { format?: unknown } | null)?.format as number) ||
    typeof entries !== 'object' ||
    entries === null
  ) {
    throw new FormatError(file, 'bad-header', `__metadata__.${QUANT_KEY}`, 'is not format 1 or 2');
  }
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const used = new Set<string>();
  const out: TensorInfo[] = [];
  for (const [name, raw] of Object.entries(entries)) {
    const field = `__metadata__.${QUANT_KEY} '${name}'`;
    const e = validEntry(raw);
    if (!e)
      throw new FormatError(
        file,
        'bad-header',
        field,
        'is not a {shape, bits, signed, axis, block_size?, packed} entry',
      );
    const p = partNames(name);
    if (byName.has(name))
      throw new FormatError(
        file,
        'bad-header',
        field,
        'names a tensor that is already in the file',
      );
    const codes = byName.get(p.codes);
    const scale = byName.get(p.scale);
    const zp = byName.get(p.zeroPoint);
    const params = shapeProduct(e.shape) ?? NaN;
    if (!codes || !scale || (!e.signed && !zp))
      throw new FormatError(file, 'bad-header', field, 'is missing its parts');
    const blocks = entryBlocks(e);
    if (
      !Number.isSafeInteger(params) ||
      (scale.dtype !== 'F32' && scale.dtype !== 'F16') ||
      scale.params !== blocks ||
      (zp && (zp.dtype !== 'I32' || zp.params !== blocks)) ||
      codes.params !== (e.packed ? Math.ceil(params / 2) : params) ||
      codes.dtype !== codesDtype(e)
    ) {
      throw new FormatError(
        file,
        'size-mismatch',
        field,
        'parts do not match the shape and scheme',
      );
    }
    [p.codes, p.scale, p.zeroPoint].forEach((n) => used.add(n));
    out.push({
      ...codes,
      name,
      shape: e.shape,
      params,
      quant: {
        bits: e.bits,
        signed: e.signed,
        axis: e.axis,
        ...(e.block_size !== undefined ? { blockSize: e.block_size } : {}),
        ...(e.view2d ? { view2d: true } : {}),
        packed: e.packed,
        scale,
        ...(zp ? { zeroPoint: zp } : {}),
      },
    });
  }
  return [...tensors.filter((t) => !used.has(t.name)), ...out];
}

function validEntry(raw: unknown): QuantEntry | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const e = raw as Record<string, unknown>;
  const shape = e.shape;
  if (
    !Array.isArray(shape) ||
    shape.length === 0 ||
    !shape.every((d) => Number.isSafeInteger(d) && d >= 0)
  )
    return null;
  const bits = e.bits;
  if (
    typeof bits !== 'number' ||
    !((Number.isInteger(bits) && bits >= 2 && bits <= 8) || bits === 16) ||
    typeof e.signed !== 'boolean' ||
    e.packed !== (bits === 4)
  )
    return null;
  const axis = e.axis;
  if (
    axis !== null &&
    (!Number.isInteger(axis) || (axis as number) < 0 || (axis as number) >= shape.length)
  )
    return null;
  const block = e.block_size;
  if (
    block !== undefined &&
    (axis === null || !Number.isSafeInteger(block) || (block as number) < 1)
  )
    return null;
  if (e.view2d !== undefined && (e.view2d !== true || block === undefined || axis !== 1))
    return null;
  return {
    shape: shape as number[],
    bits,
    signed: e.signed,
    axis: axis as number | null,
    ...(block !== undefined ? { block_size: block as number } : {}),
    ...(e.view2d ? { view2d: true } : {}),
    packed: e.packed as boolean,
  };
}

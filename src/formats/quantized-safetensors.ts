// The layout Slimlab uses to store per-channel integer quantization in safetensors, readable back
// exactly. For a quantized tensor NAME:
//   NAME.qweight     codes: I8 (signed int8), U8 (unsigned int8), or U8 holding two 4-bit codes per
//                    byte, first element in the low nibble (ONNX int4/uint4 packing), shape [ceil(n/2)]
//   NAME.scale       F32 [channels]
//   NAME.zero_point  I32 [channels] (asymmetric schemes only)
// and __metadata__["slimlab.quantization"] = JSON {"format": 1, "tensors": {NAME: {"shape", "bits",
// "signed", "axis", "packed"}}}. Dequantization is float32((q − zero_point) · scale) per channel.
import { shapeProduct } from '../core/shape.ts';
import { FormatError } from './errors.ts';
import type { TensorInfo } from './model.ts';

export const QUANT_KEY = 'slimlab.quantization';

export interface QuantEntry {
  shape: number[];
  bits: 4 | 8;
  signed: boolean;
  axis: number;
  packed: boolean;
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
    (doc as { format?: unknown } | null)?.format !== 1 ||
    typeof entries !== 'object' ||
    entries === null
  ) {
    throw new FormatError(file, 'bad-header', `__metadata__.${QUANT_KEY}`, 'is not format 1');
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
        'is not a {shape, bits, signed, axis, packed} entry',
      );
    const p = partNames(name);
    const codes = byName.get(p.codes);
    const scale = byName.get(p.scale);
    const zp = byName.get(p.zeroPoint);
    const params = shapeProduct(e.shape) ?? NaN;
    const channels = e.shape[e.axis];
    if (!codes || !scale || (!e.signed && !zp))
      throw new FormatError(file, 'bad-header', field, 'is missing its parts');
    if (
      ![4, 8].includes(e.bits) ||
      !Number.isSafeInteger(params) ||
      channels === undefined ||
      scale.dtype !== 'F32' ||
      scale.params !== channels ||
      (zp && (zp.dtype !== 'I32' || zp.params !== channels)) ||
      codes.params !== (e.packed ? Math.ceil(params / 2) : params) ||
      codes.dtype !== (e.packed || !e.signed ? 'U8' : 'I8')
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
  if (
    (e.bits !== 4 && e.bits !== 8) ||
    typeof e.signed !== 'boolean' ||
    e.packed !== (e.bits === 4)
  )
    return null;
  if (!Number.isInteger(e.axis) || (e.axis as number) < 0 || (e.axis as number) >= shape.length)
    return null;
  return {
    shape: shape as number[],
    bits: e.bits,
    signed: e.signed,
    axis: e.axis as number,
    packed: e.packed as boolean,
  };
}

// The layout Slimlab uses to store per-channel integer quantization in safetensors, readable back
// exactly. For a quantized tensor NAME:
//   NAME.qweight     codes: I8 (signed int8), U8 (unsigned int8), or U8 holding two 4-bit codes per
//                    byte, first element in the low nibble (ONNX int4/uint4 packing), shape [ceil(n/2)]
//   NAME.scale       F32 [channels]
//   NAME.zero_point  I32 [channels] (asymmetric schemes only)
// and __metadata__["slimlab.quantization"] = JSON {"format": 1, "tensors": {NAME: {"shape", "bits",
// "signed", "axis", "packed"}}}. Dequantization is float32((q − zero_point) · scale) per channel.
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
  let doc: { format?: unknown; tensors?: Record<string, QuantEntry> };
  try {
    doc = JSON.parse(json) as typeof doc;
  } catch {
    throw new FormatError(file, 'bad-header', `__metadata__.${QUANT_KEY}`, 'is not JSON');
  }
  if (doc.format !== 1 || typeof doc.tensors !== 'object' || doc.tensors === null) {
    throw new FormatError(file, 'bad-header', `__metadata__.${QUANT_KEY}`, 'is not format 1');
  }
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const used = new Set<string>();
  const out: TensorInfo[] = [];
  for (const [name, e] of Object.entries(doc.tensors)) {
    const field = `__metadata__.${QUANT_KEY} '${name}'`;
    const p = partNames(name);
    const codes = byName.get(p.codes);
    const scale = byName.get(p.scale);
    const zp = byName.get(p.zeroPoint);
    const params = Array.isArray(e.shape) ? e.shape.reduce((a, b) => a * b, 1) : NaN;
    const channels = e.shape?.[e.axis];
    if (!codes || !scale || (!e.signed && !zp))
      throw new FormatError(file, 'bad-header', field, 'is missing its parts');
    if (
      ![4, 8].includes(e.bits) ||
      !Number.isSafeInteger(params) ||
      channels === undefined ||
      scale.dtype !== 'F32' ||
      scale.params !== channels ||
      (zp && (zp.dtype !== 'I32' || zp.params !== channels)) ||
      codes.params !== (e.packed ? Math.ceil(params / 2) : params)
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

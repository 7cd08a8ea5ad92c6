// Export of an open model: tensors are read, converted and written one at a time, so a file of any
// size streams out with memory bounded by its largest tensor.
//   safetensors  original dtypes where the bytes can be copied as they are, float32 otherwise
//                (quantized GGUF blocks, varint ONNX fields, big-endian .npy); or, for the float
//                weights of rank ≥ 2, integer codes with scales under any scheme (layout in
//                formats/quantized-safetensors.ts), or fp16 / bf16
//   gguf         F16, Q8_0 or Q4_0 for float weights of rank ≥ 2 whose rows are whole 32-blocks,
//                float32 for the rest (as llama.cpp keeps norms and biases)
//   npy          one tensor, its original dtype where numpy has it, float32 otherwise
import { isDType, storageBytes } from '../core/base/dtype.ts';
import { quantizeGgml, toF16Bytes } from '../core/quant/ggml-quantize.ts';
import { numberToF16Bits } from '../core/base/f16.ts';
import { packInt4 } from '../core/quant/intquant.ts';
import { blockLayout } from '../core/quant/blocks.ts';
import { castValue } from '../core/quant/rounding.ts';
import { DEFAULT_SPEC, type QuantSpec } from '../core/quant/spec.ts';
import { quantize, type QuantOutcome } from '../core/quant/quant.ts';
import { fitSpec } from './quantize.ts';
import { isFloatTensor, type ModelInfo, type TensorInfo } from '../formats/model.ts';
import {
  codesDtype,
  partNames,
  QUANT_KEY,
  type QuantEntry,
} from '../formats/quantized-safetensors.ts';
import type { ByteSource } from '../formats/source.ts';
import { readTensorF32 } from '../formats/tensor-data.ts';
import { writeGguf } from '../formats/write/gguf.ts';
import { npyDescr, writeNpy } from '../formats/write/npy.ts';
import { writeSafetensors } from '../formats/write/safetensors.ts';
import type { OutFile, OutTensor } from '../formats/write/types.ts';

export type ExportOptions = (
  | {
      format: 'safetensors';
      /** Per-channel int8 / int4 (axis 0, f32 scales); `spec` overrides it. */
      quantize?: 'none' | 'int8' | 'int4';
      symmetric?: boolean;
      /** Any integer scheme, or fp16 / bf16, for the float weights of rank ≥ 2. */
      spec?: QuantSpec;
      /**
       * Rewrites float weights of rank ≥ 2 (e.g. zeroes pruned entries) before anything else; they
       * are then written as F32 (or through `spec`).
       */
      transform?: (t: TensorInfo, x: Float32Array) => Float32Array | Promise<Float32Array>;
    }
  | { format: 'gguf'; type: 'F32' | 'F16' | 'Q8_0' | 'Q4_0' }
  | { format: 'npy'; tensor: string }
) & {
  /** Only the tensors whose name contains this text are written (safetensors and gguf). */
  filter?: string;
};

export interface ExportSource {
  info: ModelInfo;
  sources: Map<string, ByteSource>;
}

function sourceOf(m: ExportSource, t: TensorInfo): ByteSource {
  return m.sources.get(t.dataFile ?? m.info.file)!;
}

/** True when the stored bytes are already plain little-endian elements of an element dtype. */
function copyable(t: TensorInfo): boolean {
  return (
    isDType(t.dtype) &&
    t.littleEndian &&
    !t.varint &&
    !t.zipEntry &&
    !t.quant &&
    !t.fortranOrder &&
    !t.strides
  );
}

const f32Bytes = (x: Float32Array) => new Uint8Array(x.buffer, x.byteOffset, x.byteLength);

function asIs(m: ExportSource, t: TensorInfo): OutTensor {
  if (copyable(t)) {
    return {
      name: t.name,
      dtype: t.dtype,
      shape: t.shape,
      bytes: t.bytes,
      data: () => sourceOf(m, t).read(t.offset, t.bytes),
    };
  }
  return asF32(m, t);
}

function asF32(m: ExportSource, t: TensorInfo, name = t.name): OutTensor {
  return {
    name,
    dtype: 'F32',
    shape: t.shape,
    bytes: t.params * 4,
    data: async () => f32Bytes(await readTensorF32(sourceOf(m, t), t)),
  };
}

/** What the legacy int8 / int4 export choices mean: per channel along axis 0, f32 scales. */
export function exportSpec(o: Extract<ExportOptions, { format: 'safetensors' }>): QuantSpec | null {
  if (o.spec) return o.spec;
  const q = o.quantize ?? 'none';
  if (q === 'none') return null;
  return {
    ...DEFAULT_SPEC,
    bits: q === 'int8' ? 8 : 4,
    symmetric: o.symmetric ?? true,
    granularity: { kind: 'channel', axis: 0 },
  };
}

/** Formats the safetensors export can store. */
export function storable(spec: QuantSpec): boolean {
  return spec.format === 'int' || spec.format === 'fp16' || spec.format === 'bf16';
}

function safetensorsTensors(
  m: ExportSource,
  spec: QuantSpec | null,
  transform?: (t: TensorInfo, x: Float32Array) => Float32Array | Promise<Float32Array>,
) {
  const transformed = (t: TensorInfo) =>
    transform !== undefined && isFloatTensor(t) && t.shape.length >= 2 && t.params > 0;
  const out: OutTensor[] = [];
  const entries: Record<string, QuantEntry> = {};
  if (spec && !storable(spec))
    throw new Error(
      `${spec.format} cannot be stored in safetensors yet: choose an integer format, fp16 or bf16`,
    );
  const read = async (t: TensorInfo) => {
    const x = await readTensorF32(sourceOf(m, t), t);
    return transformed(t) ? transform!(t, x) : x;
  };
  for (const t of m.info.tensors) {
    if (!spec || !isFloatTensor(t) || t.shape.length < 2 || t.params === 0) {
      out.push(
        transformed(t)
          ? {
              name: t.name,
              dtype: 'F32',
              shape: t.shape,
              bytes: t.params * 4,
              data: async () => f32Bytes(await read(t)),
            }
          : asIs(m, t),
      );
      continue;
    }
    if (spec.format === 'fp16' || spec.format === 'bf16') {
      const fmt = spec.format;
      out.push({
        name: t.name,
        dtype: fmt === 'fp16' ? 'F16' : 'BF16',
        shape: t.shape,
        bytes: t.params * 2,
        data: async () => castBytes(await read(t), fmt),
      });
      continue;
    }
    const { spec: fit } = fitSpec(spec, t.shape);
    const L = blockLayout(t.shape, fit.granularity);
    const bits = fit.bits;
    const packed = bits === 4;
    const g = fit.granularity;
    const rows = t.shape[0]!;
    const entry: QuantEntry = {
      shape: t.shape,
      bits,
      signed: fit.symmetric,
      axis: g.kind === 'tensor' ? null : g.kind === 'channel' ? g.axis : (g.axis ?? 1),
      ...(g.kind === 'group' ? { block_size: g.size } : {}),
      ...(g.kind === 'group' && g.axis === undefined && t.shape.length > 2 ? { view2d: true } : {}),
      packed,
    };
    const scaleShape =
      g.kind === 'tensor'
        ? [1]
        : g.kind === 'channel'
          ? [t.shape[g.axis]!]
          : g.axis === undefined
            ? [rows, L.blocks / Math.max(1, rows)]
            : t.shape.map((d, i) => (i === g.axis ? Math.ceil(d / g.size) : d));
    // The codes, scales and zero points come from one quantization, kept until its last part is written.
    let memo: Promise<QuantOutcome> | null = null;
    const q = () =>
      (memo ??= read(t).then((x) =>
        quantize(x, t.shape, fit, { codes: true, dequantized: false }),
      ));
    const done = () => (memo = null);
    const p = partNames(t.name);
    const dtype = codesDtype(entry);
    const width = dtype === 'I16' || dtype === 'U16' ? 2 : 1;
    out.push({
      name: p.codes,
      dtype,
      shape: [packed ? Math.ceil(t.params / 2) : t.params],
      bytes: packed ? Math.ceil(t.params / 2) : t.params * width,
      data: async () => {
        const { codes } = await q();
        if (packed) return packInt4(codes!);
        const typed =
          dtype === 'I8'
            ? Int8Array.from(codes!)
            : dtype === 'U8'
              ? Uint8Array.from(codes!)
              : dtype === 'I16'
                ? Int16Array.from(codes!)
                : Uint16Array.from(codes!);
        return new Uint8Array(typed.buffer);
      },
    });
    const f16 = fit.scaleBits === 16;
    out.push({
      name: p.scale,
      dtype: f16 ? 'F16' : 'F32',
      shape: scaleShape,
      bytes: L.blocks * (f16 ? 2 : 4),
      data: async () => {
        const { scales } = await q();
        if (fit.symmetric) done();
        return f16 ? toF16Bytes(scales) : f32Bytes(scales);
      },
    });
    if (!fit.symmetric) {
      out.push({
        name: p.zeroPoint,
        dtype: 'I32',
        shape: scaleShape,
        bytes: L.blocks * 4,
        data: async () => {
          const { zeroPoints } = await q();
          done();
          return new Uint8Array(zeroPoints!.buffer);
        },
      });
    }
    entries[t.name] = entry;
  }
  return { out, entries };
}

/**
 * fp16 / bf16 bytes of the values as the lab casts them (round to nearest even, finite values past
 * the largest saturating to it), so that the file holds what the report measured.
 */
function castBytes(x: Float32Array, fmt: 'fp16' | 'bf16'): Uint8Array {
  const out = new Uint16Array(x.length);
  if (fmt === 'fp16') {
    for (let i = 0; i < x.length; i++) out[i] = numberToF16Bits(castValue(x[i]!, 'fp16'));
  } else {
    const v = new Float32Array(1);
    const u = new Uint32Array(v.buffer);
    for (let i = 0; i < x.length; i++) {
      v[0] = castValue(x[i]!, 'bf16');
      out[i] = u[0]! >>> 16;
    }
  }
  return new Uint8Array(out.buffer);
}

function ggufTensor(
  m: ExportSource,
  t: TensorInfo,
  type: 'F32' | 'F16' | 'Q8_0' | 'Q4_0',
): OutTensor {
  const rows = t.shape.at(-1) ?? 1;
  const fits = isFloatTensor(t) && t.shape.length >= 2 && (type === 'F16' || rows % 32 === 0);
  if (!fits || type === 'F32') {
    if (['I8', 'I16', 'I32'].includes(t.dtype) && copyable(t)) return asIs(m, t);
    return asF32(m, t);
  }
  const x = () => readTensorF32(sourceOf(m, t), t);
  if (type === 'F16')
    return {
      name: t.name,
      dtype: 'F16',
      shape: t.shape,
      bytes: t.params * 2,
      data: async () => toF16Bytes(await x()),
    };
  return {
    name: t.name,
    dtype: type,
    shape: t.shape,
    bytes: storageBytes(type, t.params)!,
    data: async () => quantizeGgml(await x(), type),
  };
}

export function exportModel(m: ExportSource, o: ExportOptions): OutFile {
  const source = m.info.file.replace(/^.*[\\/]/, '');
  const filter = o.filter;
  if (filter && o.format !== 'npy') {
    const tensors = m.info.tensors.filter((t) => t.name.includes(filter));
    if (!tensors.length) throw new Error(`${m.info.file}: no tensor name contains '${filter}'`);
    m = { ...m, info: { ...m.info, tensors } };
  }
  if (o.format === 'npy') {
    const t = m.info.tensors.find((x) => x.name === o.tensor);
    if (!t) throw new Error(`${m.info.file}: no tensor named '${o.tensor}'`);
    return writeNpy(copyable(t) && npyDescr(t.dtype) ? asIs(m, t) : asF32(m, t));
  }
  if (o.format === 'gguf') {
    return writeGguf(
      m.info.tensors.map((t) => ggufTensor(m, t, o.type)),
      { 'general.name': source, 'slimlab.tensor_type': o.type },
    );
  }
  const { out, entries } = safetensorsTensors(m, exportSpec(o), o.transform);
  const metadata: Record<string, string> = { 'slimlab.source': source };
  for (const [k, v] of Object.entries(m.info.metadata))
    if (k !== QUANT_KEY && !k.startsWith('slimlab.')) metadata[k] = v;
  if (Object.keys(entries).length)
    metadata[QUANT_KEY] = JSON.stringify({ format: 2, tensors: entries });
  return writeSafetensors(out, metadata);
}

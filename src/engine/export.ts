// Export of an open model: tensors are read, converted and written one at a time, so a file of any
// size streams out with memory bounded by its largest tensor.
//   safetensors  original dtypes where the bytes can be copied as they are, float32 otherwise
//                (quantized GGUF blocks, varint ONNX fields, big-endian .npy), or per-channel int8 /
//                int4 codes for the float weights of rank ≥ 2 (layout in formats/quantized-safetensors.ts)
//   gguf         F16, Q8_0 or Q4_0 for float weights of rank ≥ 2 whose rows are whole 32-blocks,
//                float32 for the rest (as llama.cpp keeps norms and biases)
//   npy          one tensor, its original dtype where numpy has it, float32 otherwise
import { isDType, storageBytes, type DType } from '../core/dtype.ts';
import { quantizeGgml, toF16Bytes } from '../core/ggml-quantize.ts';
import { packInt4, quantizeInt, type IntQuantized } from '../core/intquant.ts';
import { isFloatTensor, type ModelInfo, type TensorInfo } from '../formats/model.ts';
import { partNames, QUANT_KEY, type QuantEntry } from '../formats/quantized-safetensors.ts';
import type { ByteSource } from '../formats/source.ts';
import { readTensorF32 } from '../formats/tensor-data.ts';
import { writeGguf } from '../formats/write/gguf.ts';
import { npyDescr, writeNpy } from '../formats/write/npy.ts';
import { writeSafetensors } from '../formats/write/safetensors.ts';
import type { OutFile, OutTensor } from '../formats/write/types.ts';

export type ExportOptions =
  | { format: 'safetensors'; quantize?: 'none' | 'int8' | 'int4'; symmetric?: boolean }
  | { format: 'gguf'; type: 'F32' | 'F16' | 'Q8_0' | 'Q4_0' }
  | { format: 'npy'; tensor: string };

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
    isDType(t.dtype) && t.littleEndian && !t.varint && !t.zipEntry && !t.quant && !t.fortranOrder
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

function safetensorsTensors(
  m: ExportSource,
  quantize: 'none' | 'int8' | 'int4',
  symmetric: boolean,
) {
  const out: OutTensor[] = [];
  const entries: Record<string, QuantEntry> = {};
  for (const t of m.info.tensors) {
    if (quantize === 'none' || !isFloatTensor(t) || t.shape.length < 2 || t.params === 0) {
      out.push(asIs(m, t));
      continue;
    }
    const bits = quantize === 'int8' ? 8 : 4;
    const packed = bits === 4;
    const channels = t.shape[0]!;
    // The codes, scales and zero points come from one quantization, kept until its last part is written.
    let memo: Promise<IntQuantized> | null = null;
    const q = () =>
      (memo ??= readTensorF32(sourceOf(m, t), t).then((x) =>
        quantizeInt(x, t.shape, { bits, symmetric, axis: 0 }),
      ));
    const done = () => (memo = null);
    const p = partNames(t.name);
    const codesDtype: DType = packed || !symmetric ? 'U8' : 'I8';
    out.push({
      name: p.codes,
      dtype: codesDtype,
      shape: [packed ? Math.ceil(t.params / 2) : t.params],
      bytes: packed ? Math.ceil(t.params / 2) : t.params,
      data: async () => {
        const { codes } = await q();
        return packed
          ? packInt4(codes)
          : symmetric
            ? new Uint8Array(Int8Array.from(codes).buffer)
            : Uint8Array.from(codes);
      },
    });
    out.push({
      name: p.scale,
      dtype: 'F32',
      shape: [channels],
      bytes: channels * 4,
      data: async () => {
        const { scales } = await q();
        if (symmetric) done();
        return f32Bytes(scales);
      },
    });
    if (!symmetric) {
      out.push({
        name: p.zeroPoint,
        dtype: 'I32',
        shape: [channels],
        bytes: channels * 4,
        data: async () => {
          const { zeroPoints } = await q();
          done();
          return new Uint8Array(zeroPoints.buffer);
        },
      });
    }
    entries[t.name] = { shape: t.shape, bits, signed: symmetric, axis: 0, packed };
  }
  return { out, entries };
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
  const quantize = o.quantize ?? 'none';
  const { out, entries } = safetensorsTensors(m, quantize, o.symmetric ?? true);
  const metadata: Record<string, string> = { 'slimlab.source': source };
  for (const [k, v] of Object.entries(m.info.metadata))
    if (k !== QUANT_KEY && !k.startsWith('slimlab.')) metadata[k] = v;
  if (Object.keys(entries).length)
    metadata[QUANT_KEY] = JSON.stringify({ format: 1, tensors: entries });
  return writeSafetensors(out, metadata);
}

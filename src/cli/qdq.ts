// `slimlab quantize-linear` and `slimlab dequantize-linear`: ONNX QuantizeLinear / DequantizeLinear
// on .npy files, for checking against other implementations from a shell.
import { writeFile } from 'node:fs/promises';
import type { ElementDType } from '../core/base/dtype.ts';
import {
  dequantizeLinear,
  INT_TYPES,
  isQType,
  quantizeLinear,
  type QType,
} from '../core/quant/quantize-linear.ts';
import { readTensorF32 } from '../formats/tensor-data.ts';
import { writeNpy } from '../formats/write/npy.ts';
import { withOpenFiles } from './inspect.ts';

export interface QdqArgs {
  x: string;
  scale: string;
  zeroPoint?: string | undefined;
  axis: number;
  blockSize: number;
  saturate: boolean;
  dtype?: string | undefined;
  out: string;
}

interface Loaded {
  values: Float32Array;
  shape: number[];
}

export async function load(path: string): Promise<Loaded> {
  return withOpenFiles([path], async (m) => {
    const t = m.info.tensors[0];
    if (!t || m.info.tensors.length !== 1) throw new Error(`${path}: expected one array`);
    return {
      values: await readTensorF32(m.sources.get(t.dataFile ?? m.info.file)!, t),
      shape: t.shape,
    };
  });
}

/** The smallest numpy dtype that holds the codes of `type` (float codes as float32 values). */
function codeDtype(type: QType): ElementDType {
  if (!(type in INT_TYPES)) return 'F32';
  if (type === 'int16') return 'I16';
  if (type === 'uint16') return 'U16';
  return type.startsWith('u') ? 'U8' : 'I8';
}

function encode(values: ArrayLike<number>, dtype: ElementDType): Uint8Array {
  const Ctor = {
    I8: Int8Array,
    U8: Uint8Array,
    I16: Int16Array,
    U16: Uint16Array,
    F32: Float32Array,
  }[dtype as 'I8'];
  const a = Ctor.from(values as ArrayLike<number>);
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

async function save(
  path: string,
  values: ArrayLike<number>,
  shape: number[],
  dtype: ElementDType,
): Promise<void> {
  const bytes = encode(values, dtype);
  const file = writeNpy({ name: 'y', dtype, shape, bytes: bytes.length, data: async () => bytes });
  const parts: Uint8Array[] = [];
  for await (const c of file.chunks) parts.push(c);
  await writeFile(path, Buffer.concat(parts));
}

export async function runQdq(op: 'quantize' | 'dequantize', a: QdqArgs): Promise<void> {
  const x = await load(a.x);
  const scale = await load(a.scale);
  const zp = a.zeroPoint ? await load(a.zeroPoint) : null;
  const o = { axis: a.axis, blockSize: a.blockSize, saturate: a.saturate };
  if (op === 'quantize') {
    if (!a.dtype || !isQType(a.dtype))
      throw new Error(
        `--dtype must be one of ${[...Object.keys(INT_TYPES), 'fp8e4m3fn', 'fp8e5m2'].join(', ')}`,
      );
    const y = quantizeLinear(
      x.values,
      x.shape,
      scale.values,
      scale.shape,
      zp?.values ?? null,
      a.dtype,
      o,
    );
    await save(a.out, y, x.shape, codeDtype(a.dtype));
  } else {
    const y = dequantizeLinear(x.values, x.shape, scale.values, scale.shape, zp?.values ?? null, o);
    await save(a.out, y, x.shape, 'F32');
  }
}

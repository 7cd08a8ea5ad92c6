// GGUF reader (versions 2 and 3): metadata table, tensor infos and alignment, following the GGUF
// spec in the ggml repository (docs/gguf.md). Dimensions are stored ne0 first (the innermost, fastest
// varying); shapes here are reported outermost first like the other formats, so a GGUF [ne0, ne1]
// weight shows as [ne1, ne0]. Every count is capped against the file size before anything is read.
import { isBlockDType, storageBytes, type DType } from '../core/base/dtype.ts';
import { GGML_BLOCKS } from '../core/quant/ggml-quants.ts';
import { shapeProduct } from '../core/base/shape.ts';
import { Cursor } from './cursor.ts';
import { FormatError } from './errors.ts';
import type { FormatReader, ModelInfo, TensorInfo } from './model.ts';
import type { ByteSource } from './source.ts';

const MAGIC = 0x46554747; // "GGUF" little-endian
/** GGML_MAX_DIMS in ggml.h. */
const MAX_DIMS = 4;
/** Longest key or string value we accept (chat templates run to tens of KB; 16 MiB is absurd). */
const MAX_STRING = 16 << 20;
const DEFAULT_ALIGNMENT = 32;

/**
 * ggml_type ids (ggml.h) of the types we can decode: all of them but Q8_1 (9), which ggml makes only
 * as a dot-product operand and cannot dequantize, and the ids it has retired (4, 5, 31-33, 36-38).
 */
const GGML_TYPES: Record<number, DType> = {
  0: 'F32',
  1: 'F16',
  2: 'Q4_0',
  3: 'Q4_1',
  6: 'Q5_0',
  7: 'Q5_1',
  8: 'Q8_0',
  10: 'Q2_K',
  11: 'Q3_K',
  12: 'Q4_K',
  13: 'Q5_K',
  14: 'Q6_K',
  15: 'Q8_K',
  16: 'IQ2_XXS',
  17: 'IQ2_XS',
  18: 'IQ3_XXS',
  19: 'IQ1_S',
  20: 'IQ4_NL',
  21: 'IQ3_S',
  22: 'IQ2_S',
  23: 'IQ4_XS',
  24: 'I8',
  25: 'I16',
  26: 'I32',
  27: 'I64',
  28: 'F64',
  29: 'IQ1_M',
  30: 'BF16',
  34: 'TQ1_0',
  35: 'TQ2_0',
  39: 'MXFP4',
  40: 'NVFP4',
  41: 'Q1_0',
};

/** gguf_metadata_value_type → byte size of fixed-size scalars. */
const SCALAR_BYTES: Record<number, number> = {
  0: 1,
  1: 1,
  2: 2,
  3: 2,
  4: 4,
  5: 4,
  6: 4,
  7: 1,
  10: 8,
  11: 8,
  12: 8,
};
const TYPE_NAMES: Record<number, string> = {
  0: 'u8',
  1: 'i8',
  2: 'u16',
  3: 'i16',
  4: 'u32',
  5: 'i32',
  6: 'f32',
  7: 'bool',
  8: 'string',
  9: 'array',
  10: 'u64',
  11: 'i64',
  12: 'f64',
};

function match(head: Uint8Array): boolean {
  return (
    head.byteLength >= 8 &&
    new DataView(head.buffer, head.byteOffset, 4).getUint32(0, true) === MAGIC
  );
}

type Value = number | boolean | string | Value[];

async function readString(c: Cursor, field: string): Promise<string> {
  const exact = await c.u64Exact(`${field} length`);
  if (exact > BigInt(Math.min(MAX_STRING, c.src.size - c.pos))) {
    throw new FormatError(
      c.src.name,
      'bad-header',
      `${field} length`,
      `${exact} bytes is more than the file or the ${MAX_STRING}-byte cap allows`,
    );
  }
  const n = Number(exact);
  const bytes = await c.bytes(n, field);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new FormatError(c.src.name, 'bad-header', field, 'is not valid UTF-8');
  }
}

async function readScalar(c: Cursor, type: number, field: string): Promise<Value> {
  switch (type) {
    case 0:
      return c.u8(field);
    case 1:
      return c.i8(field);
    case 2:
      return c.u16(field);
    case 3:
      return c.i16(field);
    case 4:
      return c.u32(field);
    case 5:
      return c.i32(field);
    case 6:
      return c.f32(field);
    case 7:
      return (await c.u8(field)) !== 0;
    case 8:
      return readString(c, field);
    case 10:
      return c.u64(field);
    case 11:
      return c.i64(field);
    case 12:
      return c.f64(field);
    default:
      throw new FormatError(c.src.name, 'bad-header', field, `unknown value type ${type}`);
  }
}

/** Arrays longer than this are summarised, not kept (a 150k-token vocabulary is not metadata to show). */
const KEEP_ARRAY = 64;

/** A metadata value; `whole`: every element of a long array, else the first KEEP_ARRAY summarised. */
async function readValue(
  c: Cursor,
  type: number,
  field: string,
  depth = 0,
  whole = false,
): Promise<Value> {
  if (type !== 9) return readScalar(c, type, field);
  if (depth > 2)
    throw new FormatError(c.src.name, 'bad-header', field, 'arrays nested deeper than 2');
  const elem = await c.u32(`${field} element type`);
  const nExact = await c.u64Exact(`${field} count`);
  const n = nExact > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(nExact);
  const min = SCALAR_BYTES[elem] ?? (elem === 8 ? 8 : elem === 9 ? 12 : 0);
  if (min === 0)
    throw new FormatError(
      c.src.name,
      'bad-header',
      `${field} element type`,
      `unknown value type ${elem}`,
    );
  if (n * min > c.src.size - c.pos) {
    throw new FormatError(
      c.src.name,
      'bad-header',
      `${field} count`,
      `${nExact} elements cannot fit in the ${c.src.size - c.pos} bytes left in the file`,
    );
  }
  const out: Value[] = [];
  if (!whole && elem !== 8 && elem !== 9 && n > KEEP_ARRAY) {
    c.skip(n * min);
    return `[${n} × ${TYPE_NAMES[elem]}]`;
  }
  for (let i = 0; i < n; i++) {
    const v = await readValue(c, elem, `${field}[${i}]`, depth + 1, whole);
    if (whole || i < KEEP_ARRAY) out.push(v);
  }
  return !whole && n > KEEP_ARRAY
    ? `[${n} × ${TYPE_NAMES[elem]}: ${out.slice(0, 8).map(String).join(', ')}, …]`
    : out;
}

export type GgufValue = Value;

/**
 * The metadata entries whose keys `want` picks, read whole (a tokenizer's 150k-entry arrays too),
 * each refused past `maxBytes` of the file; the other entries are skipped as the reader skips them.
 */
export async function readGgufMetadata(
  src: ByteSource,
  want: (key: string) => boolean,
  maxBytes: number,
): Promise<Map<string, Value>> {
  const c = new Cursor(src);
  if ((await c.u32('magic')) !== MAGIC)
    throw new FormatError(src.name, 'bad-magic', 'magic', 'is not "GGUF"');
  await c.u32('version');
  await c.u64('tensor_count');
  const nKv = await c.u64('metadata_kv_count');
  const out = new Map<string, Value>();
  for (let i = 0; i < nKv; i++) {
    const key = await readString(c, `metadata[${i}] key`);
    const type = await c.u32(`metadata '${key}' type`);
    const keep = want(key);
    const start = c.pos;
    const v = await readValue(c, type, `metadata '${key}'`, 0, keep);
    if (!keep) continue;
    if (c.pos - start > maxBytes)
      throw new FormatError(
        src.name,
        'header-too-large',
        `metadata '${key}'`,
        `takes ${c.pos - start} bytes, more than the ${maxBytes}-byte cap`,
      );
    out.set(key, v);
  }
  return out;
}

function show(v: Value): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

async function parse(src: ByteSource): Promise<ModelInfo> {
  const file = src.name;
  const c = new Cursor(src);
  const fail = (
    code: ConstructorParameters<typeof FormatError>[1],
    field: string,
    detail: string,
  ) => new FormatError(file, code, field, detail);
  if ((await c.u32('magic')) !== MAGIC) throw fail('bad-magic', 'magic', 'is not "GGUF"');
  const version = await c.u32('version');
  if (version !== 2 && version !== 3) {
    throw fail('bad-version', 'version', `${version} is not supported (GGUF 2 and 3 are)`);
  }
  const tensorCount = await c.u64Exact('tensor_count');
  const kvCount = await c.u64Exact('metadata_kv_count');
  // Smallest possible entries: a tensor info is 8 + 4 + 8 + 4 + 8 bytes, a key-value 8 + 4 + 1.
  // Compared exactly (counts past 2^53 included) and quoted as the file holds them.
  const size = BigInt(src.size);
  if (tensorCount * 32n > size)
    throw fail(
      'bad-header',
      'tensor_count',
      `${tensorCount} tensors cannot fit in ${src.size} bytes`,
    );
  if (kvCount * 13n > size)
    throw fail(
      'bad-header',
      'metadata_kv_count',
      `${kvCount} entries cannot fit in ${src.size} bytes`,
    );
  const nTensors = Number(tensorCount);
  const nKv = Number(kvCount);

  const metadata: Record<string, string> = { 'GGUF.version': String(version) };
  const seen = new Set<string>();
  let alignment = DEFAULT_ALIGNMENT;
  for (let i = 0; i < nKv; i++) {
    const key = await readString(c, `metadata[${i}] key`);
    if (seen.has(key)) throw fail('bad-header', `metadata key '${key}'`, 'appears twice');
    seen.add(key);
    const type = await c.u32(`metadata '${key}' type`);
    const value = await readValue(c, type, `metadata '${key}'`);
    if (key === 'general.alignment') {
      if (type !== 4 || typeof value !== 'number' || value === 0 || (value & (value - 1)) !== 0) {
        throw fail(
          'bad-header',
          "metadata 'general.alignment'",
          `${show(value)} is not a power-of-two u32`,
        );
      }
      alignment = value;
    }
    metadata[key] = show(value);
  }

  const infos: Array<{ name: string; dtype: DType; ne: number[]; rel: number }> = [];
  const names = new Set<string>();
  for (let i = 0; i < nTensors; i++) {
    const name = await readString(c, `tensor[${i}] name`);
    const field = `tensor '${name}'`;
    if (names.has(name)) throw fail('bad-header', field, 'name appears twice');
    names.add(name);
    const nDims = await c.u32(`${field} n_dimensions`);
    if (nDims > MAX_DIMS)
      throw fail('bad-shape', `${field} n_dimensions`, `${nDims} exceeds ${MAX_DIMS}`);
    const ne: number[] = [];
    const neExact: bigint[] = [];
    for (let d = 0; d < nDims; d++) neExact.push(await c.u64Exact(`${field} dimension ${d}`));
    for (const d of neExact) {
      if (d > BigInt(Number.MAX_SAFE_INTEGER))
        throw fail(
          'bad-shape',
          `${field} dimensions`,
          `[${neExact.join(', ')}] has a dimension past 2^53`,
        );
      ne.push(Number(d));
    }
    const typeId = await c.u32(`${field} type`);
    const dtype = GGML_TYPES[typeId];
    if (!dtype)
      throw fail('unsupported-dtype', `${field} type`, `ggml type ${typeId} is not supported`);
    const relExact = await c.u64Exact(`${field} offset`);
    if (relExact % BigInt(alignment) !== 0n || relExact > BigInt(Number.MAX_SAFE_INTEGER))
      throw fail(
        'bad-offsets',
        `${field} offset`,
        relExact % BigInt(alignment) !== 0n
          ? `${relExact} is not a multiple of the alignment ${alignment}`
          : `${relExact} is past any file this reader opens (2^53 bytes)`,
      );
    const rel = Number(relExact);
    infos.push({ name, dtype, ne, rel });
  }
  const dataStart = Math.ceil(c.pos / alignment) * alignment;
  const tensors: TensorInfo[] = infos.map(({ name, dtype, ne, rel }) => {
    const field = `tensor '${name}'`;
    const params = shapeProduct(ne);
    if (params === null)
      throw fail(
        'bad-shape',
        `${field} dimensions`,
        `[${ne.join(', ')}] hold more than 2^53 elements`,
      );
    if (isBlockDType(dtype) && (ne[0] ?? 1) % GGML_BLOCKS[dtype].block !== 0) {
      throw fail(
        'bad-shape',
        `${field} dimensions`,
        `ne0 = ${ne[0]} is not a multiple of the ${dtype} block of ${GGML_BLOCKS[dtype].block}`,
      );
    }
    const bytes = storageBytes(dtype, params)!;
    if (dataStart + rel + bytes > src.size) {
      throw fail(
        'truncated',
        `${field} offset`,
        `data [${dataStart + rel}, ${dataStart + rel + bytes}) passes the end of the ${src.size}-byte file`,
      );
    }
    return {
      name,
      dtype,
      shape: [...ne].reverse(),
      params,
      offset: dataStart + rel,
      bytes,
      littleEndian: true,
    };
  });
  const sorted = [...tensors].sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < sorted.length; i++) {
    const p = sorted[i - 1]!;
    const t = sorted[i]!;
    if (t.offset < p.offset + p.bytes) {
      throw fail('bad-offsets', `tensor '${t.name}' offset`, `overlaps tensor '${p.name}'`);
    }
  }
  return { format: 'gguf', file, fileBytes: src.size, metadata, tensors };
}

export const ggufReader: FormatReader = { format: 'gguf', extensions: ['.gguf'], match, parse };

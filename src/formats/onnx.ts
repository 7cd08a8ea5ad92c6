// ONNX reader: the weights of a ModelProto wherever they live — graph initializers, `Constant`
// nodes, and the subgraphs of If/Loop/Scan attributes, recursively — as raw_data, typed fields
// (float_data, int32_data, ...) or external data in a companion file. Field numbers follow onnx.proto.
// Only positions are recorded; values are read when a tensor is analysed.
import { storageBytes, type DType } from '../core/base/dtype.ts';
import { shapeProduct } from '../core/base/shape.ts';
import { Cursor } from './cursor.ts';
import { FormatError } from './errors.ts';
import { fileBytes, type FormatReader, type ModelInfo, type TensorInfo } from './model.ts';
import { fields, readString, unpackVarints, type Field } from './protobuf.ts';
import type { ByteSource } from './source.ts';

/** TensorProto.DataType → our dtype (types without one, such as STRING, are listed as skipped). */
const ONNX_TYPES: Record<number, DType> = {
  1: 'F32',
  2: 'U8',
  3: 'I8',
  4: 'U16',
  5: 'I16',
  6: 'I32',
  7: 'I64',
  9: 'BOOL',
  10: 'F16',
  11: 'F64',
  12: 'U32',
  13: 'U64',
  16: 'BF16',
  17: 'F8_E4M3',
  19: 'F8_E5M2',
};
const MAX_DEPTH = 32;
const MAX_DIMS = 64;

interface Ctx {
  c: Cursor;
  tensors: TensorInfo[];
  names: Map<string, number>;
  skipped: string[];
  meta: Record<string, string>;
}

function match(head: Uint8Array): boolean {
  // ModelProto almost always opens with ir_version (field 1, varint: 0x08) and a small value.
  return (
    head.byteLength >= 4 &&
    head[0] === 0x08 &&
    head[1]! > 0 &&
    head[1]! < 0x20 &&
    (head[2] === 0x12 || head[2] === 0x3a || head[2] === 0x42)
  );
}

function unique(ctx: Ctx, name: string, scope: string): string {
  const n = ctx.names.get(name) ?? 0;
  ctx.names.set(name, n + 1);
  if (n === 0) return name;
  // name@scope, then name@scope#2, #3…: never a name already given.
  let candidate = `${name}@${scope || n}`;
  for (let k = 2; ctx.names.has(candidate); k++) candidate = `${name}@${scope || n}#${k}`;
  ctx.names.set(candidate, 1);
  return candidate;
}

/**
 * Dims for a message. The protobuf reader keeps varints exact below 2^53 only; above, and for a
 * negative int64 (its varint reads as 2^64 − |x|), it has no exact number to quote, so say so.
 */
function showDims(dims: readonly number[]): string {
  const one = (d: number) =>
    Number.isSafeInteger(d) ? String(d) : 'a varint past 2^53 (a negative int64 reads as one)';
  return `[${dims.map(one).join(', ')}]`;
}

async function tensorProto(
  ctx: Ctx,
  end: number,
  fallbackName: string,
  scope: string,
  preferFallback = false,
): Promise<void> {
  const { c } = ctx;
  const file = c.src.name;
  const dims: number[] = [];
  let dataType = 0;
  let name = '';
  let data: { field: number; start: number; len: number } | null = null;
  let external = false;
  const ext: Record<string, string> = {};
  for await (const f of fields(c, end, `tensor '${fallbackName}'`)) {
    switch (f.no) {
      case 1:
        if (f.wire === 0) dims.push(f.value);
        else {
          if (f.len > MAX_DIMS * 10)
            throw new FormatError(
              file,
              'bad-shape',
              `tensor '${fallbackName}' dims`,
              `more than ${MAX_DIMS}`,
            );
          c.pos = f.start;
          for (const d of unpackVarints(await c.bytes(f.len, 'dims'))) dims.push(d);
        }
        if (dims.length > MAX_DIMS)
          throw new FormatError(
            file,
            'bad-shape',
            `tensor '${fallbackName}' dims`,
            `more than ${MAX_DIMS}`,
          );
        break;
      case 2:
        dataType = f.value;
        break;
      case 8:
        name = await readString(c, f, 'tensor name');
        break;
      case 3:
        throw new FormatError(
          file,
          'bad-header',
          `tensor '${name || fallbackName}' segment`,
          'segmented tensors are not supported',
        );
      case 4:
      case 5:
      case 7:
      case 9:
      case 10:
      case 11:
        if (f.wire !== 2) {
          throw new FormatError(
            file,
            'bad-header',
            `tensor '${name || fallbackName}' data`,
            'unpacked repeated values are not supported',
          );
        }
        data = { field: f.no, start: f.start, len: f.len };
        break;
      case 13:
        await externalEntry(c, f, ext);
        break;
      case 14:
        external = f.value === 1;
        break;
    }
  }
  name = unique(ctx, preferFallback ? fallbackName : name || fallbackName, scope);
  const field = `tensor '${name}'`;
  const dtype = ONNX_TYPES[dataType];
  if (!dtype) {
    ctx.skipped.push(`${name} (data_type ${dataType})`);
    return;
  }
  if (dims.some((d) => !Number.isSafeInteger(d)))
    throw new FormatError(
      file,
      'bad-shape',
      `${field} dims`,
      `${showDims(dims)} are not all sizes below 2^53`,
    );
  const params = shapeProduct(dims);
  if (params === null)
    throw new FormatError(
      file,
      'bad-shape',
      `${field} dims`,
      `${showDims(dims)} hold more than 2^53 elements`,
    );
  const bytes = storageBytes(dtype, params)!;
  const info: TensorInfo = {
    name,
    dtype,
    shape: dims,
    params,
    offset: 0,
    bytes,
    littleEndian: true,
  };
  if (external) {
    const location = ext.location;
    if (!location)
      throw new FormatError(file, 'bad-header', `${field} external_data`, 'has no location');
    const offset = Number(ext.offset ?? 0);
    const length = ext.length === undefined ? bytes : Number(ext.length);
    if (!Number.isSafeInteger(offset) || offset < 0 || length !== bytes) {
      throw new FormatError(
        file,
        'size-mismatch',
        `${field} external_data`,
        `offset ${ext.offset} / length ${ext.length} do not hold ${bytes} bytes of ${dtype} ${JSON.stringify(dims)}`,
      );
    }
    ctx.tensors.push({ ...info, offset, dataFile: location.replace(/^.*[\\/]/, '') });
    return;
  }
  if (!data) {
    if (params === 0) ctx.tensors.push(info);
    else ctx.skipped.push(`${name} (no data)`);
    return;
  }
  if (data.field === 9 || data.field === 4 || data.field === 10) {
    // raw_data, float_data (packed fixed32) and double_data (packed fixed64) are little-endian arrays.
    const want = data.field === 9 ? bytes : params * (data.field === 4 ? 4 : 8);
    const ok = data.field === 9 || (data.field === 4 ? dtype === 'F32' : dtype === 'F64');
    if (!ok || data.len !== want) {
      throw new FormatError(
        file,
        'size-mismatch',
        field,
        `holds ${data.len} data bytes but ${dtype} ${JSON.stringify(dims)} needs ${want}`,
      );
    }
    ctx.tensors.push({ ...info, offset: data.start, bytes: data.len });
    return;
  }
  // int32_data / int64_data / uint64_data: packed varints, counted when decoded.
  if (data.len < params)
    throw new FormatError(
      file,
      'size-mismatch',
      field,
      `${data.len} bytes cannot hold ${params} varints`,
    );
  // `bytes` stays dtype size × count (what the tensor is); the varints' own length is for reading.
  ctx.tensors.push({ ...info, offset: data.start, encodedBytes: data.len, varint: true });
}

async function externalEntry(c: Cursor, f: Field, ext: Record<string, string>) {
  let key = '';
  let value = '';
  for await (const e of fields(c, f.start + f.len, 'external_data entry')) {
    if (e.no === 1) key = await readString(c, e, 'external_data key');
    else if (e.no === 2) value = await readString(c, e, 'external_data value');
  }
  ext[key] = value;
}

async function graph(ctx: Ctx, end: number, scope: string, depth: number): Promise<void> {
  if (depth > MAX_DEPTH)
    throw new FormatError(
      ctx.c.src.name,
      'bad-header',
      scope,
      `subgraphs nested deeper than ${MAX_DEPTH}`,
    );
  let i = 0;
  for await (const f of fields(ctx.c, end, `graph ${scope || 'main'}`)) {
    if (f.wire !== 2) continue;
    ctx.c.pos = f.start;
    if (f.no === 5) await tensorProto(ctx, f.start + f.len, `initializer_${i++}`, scope);
    else if (f.no === 1) await node(ctx, f.start + f.len, scope, depth);
  }
}

async function node(ctx: Ctx, end: number, scope: string, depth: number): Promise<void> {
  const { c } = ctx;
  let opType = '';
  let nodeName = '';
  const outputs: string[] = [];
  const attrs: Field[] = [];
  for await (const f of fields(c, end, 'node')) {
    if (f.no === 2) outputs.push(await readString(c, f, 'node output'));
    else if (f.no === 3) nodeName = await readString(c, f, 'node name');
    else if (f.no === 4) opType = await readString(c, f, 'node op_type');
    else if (f.no === 5 && f.wire === 2) attrs.push(f);
  }
  const here = `${scope}${nodeName || opType}`;
  // All attribute tensors first, then subgraphs (the order the expected-value script walks too).
  const parsed: Array<{ name: string; tensors: Field[]; graphs: Field[] }> = [];
  for (const a of attrs) {
    c.pos = a.start;
    const p = { name: '', tensors: [] as Field[], graphs: [] as Field[] };
    for await (const f of fields(c, a.start + a.len, `node '${here}' attribute`)) {
      if (f.no === 1) p.name = await readString(c, f, 'attribute name');
      else if ((f.no === 5 || f.no === 10) && f.wire === 2) p.tensors.push(f);
      else if ((f.no === 6 || f.no === 11) && f.wire === 2) p.graphs.push(f);
    }
    parsed.push(p);
  }
  // A Constant's tensor is known by the node's output; others by their own name, else node.attribute.
  const constant = opType === 'Constant' && outputs[0] ? outputs[0] : null;
  for (const p of parsed) {
    for (const t of p.tensors) {
      c.pos = t.start;
      await tensorProto(
        ctx,
        t.start + t.len,
        constant ?? `${here}.${p.name}`,
        here,
        constant !== null,
      );
    }
  }
  for (const p of parsed) {
    for (const g of p.graphs) {
      c.pos = g.start;
      await graph(ctx, g.start + g.len, `${here}/${p.name}/`, depth + 1);
    }
  }
}

async function parse(src: ByteSource): Promise<ModelInfo> {
  const c = new Cursor(src);
  const ctx: Ctx = { c, tensors: [], names: new Map(), skipped: [], meta: {} };
  let sawGraph = false;
  for await (const f of fields(c, src.size, 'model')) {
    if (f.no === 1 && f.wire === 0) ctx.meta.ir_version = String(f.value);
    else if (f.no === 2) ctx.meta.producer_name = await readString(c, f, 'producer_name');
    else if (f.no === 3) ctx.meta.producer_version = await readString(c, f, 'producer_version');
    else if (f.no === 7 && f.wire === 2) {
      sawGraph = true;
      c.pos = f.start;
      await graph(ctx, f.start + f.len, '', 0);
    }
  }
  if (!sawGraph)
    throw new FormatError(src.name, 'bad-header', 'graph', 'is missing: not an ONNX model');
  if (ctx.skipped.length)
    ctx.meta.skipped = `${ctx.skipped.length} non-numeric tensors: ${ctx.skipped.slice(0, 5).join(', ')}`;
  for (const t of ctx.tensors) {
    if (!t.dataFile && t.offset + fileBytes(t) > src.size) {
      throw new FormatError(
        src.name,
        'truncated',
        `tensor '${t.name}'`,
        'data passes the end of the file',
      );
    }
  }
  return {
    format: 'onnx',
    file: src.name,
    fileBytes: src.size,
    metadata: ctx.meta,
    tensors: ctx.tensors,
  };
}

export const onnxReader: FormatReader = { format: 'onnx', extensions: ['.onnx'], match, parse };

// From a torch checkpoint's unpickled object to Slimlab's tensor table: every tensor under dicts and
// lists with its dotted name (`model.layers.0.weight`), scalar leaves as metadata, and each tensor's
// bytes located in its storage (pytorch.ts says where each storage lies in the file).
import { shapeProduct } from '../core/base/shape.ts';
import { FormatError } from './errors.ts';
import type { ModelInfo, TensorInfo } from './model.ts';
import { MAX_PICKLE_DEPTH, printable, type PyValue } from './pickle.ts';
import { asTensor, asUnreadable, cStrides, type TorchTensor } from './pytorch-rules.ts';
import type { ByteSource } from './source.ts';

/** Non-tensor leaves (epoch, learning rate, ...) kept as metadata; more are dropped quietly. */
const MAX_METADATA = 256;

/** Where one storage's bytes lie. */
export interface Placed {
  /** File offset of the storage's first byte (stored entries), or its place in a deflated entry. */
  offset: number;
  /** Bytes the file holds for it. */
  bytes: number;
  zipEntry?: { path: string; at: number; offset: number };
}

/** The model a checkpoint makes; throws FormatError when a tensor does not fit its storage. */
export function tensorTable(
  src: ByteSource,
  root: PyValue,
  pickleBytes: number,
  placed: Map<string, Placed>,
  littleEndian: boolean,
  metadata: Record<string, string>,
  layout: string,
): ModelInfo {
  const file = src.name;
  const found = flatten(file, root, pickleBytes);
  const tensors: TensorInfo[] = [];
  const names = new Set<string>();
  for (const [name, t] of found.tensors) {
    if (names.has(name))
      throw new FormatError(
        file,
        'bad-header',
        `tensor '${printable(name)}'`,
        'has the same dotted name as another',
      );
    names.add(name);
    tensors.push(describe(file, name, t, placed, littleEndian, src.size));
  }
  for (const [k, v] of found.metadata) if (!(k in metadata)) metadata[k] = v;
  if (found.skipped.length) metadata.skipped = found.skipped.join(', ');
  if (tensors.length === 0 && found.skipped.length === 0)
    throw new FormatError(
      file,
      'bad-header',
      'pickle',
      `holds no tensors (a ${layout} torch.save file of ${typeDescription(root)})`,
    );
  return { format: 'pytorch', file, fileBytes: src.size, metadata, tensors };
}

function typeDescription(v: PyValue): string {
  if (v === null) return 'None';
  if (typeof v !== 'object') return `a ${typeof v === 'bigint' ? 'number' : typeof v}`;
  return `a ${v.kind === 'object' ? v.type : v.kind}`;
}

interface Flat {
  tensors: Array<[string, TorchTensor]>;
  metadata: Array<[string, string]>;
  skipped: string[];
}

/**
 * Every tensor under `root` with its dotted name (`model.layers.0.weight`; list items by index),
 * scalar leaves reached through dicts as metadata. Depth, cycles and shared containers are bounded:
 * a pickle can make a container hold itself, or the same list twice at every level.
 */
function flatten(file: string, root: PyValue, pickleBytes: number): Flat {
  const out: Flat = { tensors: [], metadata: [], skipped: [] };
  const onPath = new Set<object>();
  // A tree has no more nodes than its pickle has bytes; more visits means shared containers.
  let visits = 0;
  const fail = (detail: string): never => {
    throw new FormatError(file, 'bad-header', 'pickle', detail);
  };
  const walk = (v: PyValue, name: string, depth: number, inList: boolean) => {
    if (++visits > pickleBytes + 1)
      fail('refers to the same containers over and over (more visits than the pickle has bytes)');
    if (depth > MAX_PICKLE_DEPTH) fail(`nests deeper than ${MAX_PICKLE_DEPTH} levels`);
    if (v === null) return;
    if (typeof v !== 'object') {
      if (!inList && name && out.metadata.length < MAX_METADATA) {
        const s = typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v);
        out.metadata.push([name, printable(s)]);
      }
      return;
    }
    const t = asTensor(v);
    if (t) return void out.tensors.push([name || 'tensor', t]);
    const u = asUnreadable(v);
    if (u) return void out.skipped.push(`${printable(name || 'tensor')} (${u.why})`);
    if (v.kind !== 'dict' && v.kind !== 'list' && v.kind !== 'tuple') return;
    if (onPath.has(v)) fail(`'${printable(name)}' contains itself`);
    onPath.add(v);
    const at = (k: string) => (name ? `${name}.${k}` : k);
    if (v.kind === 'dict') {
      for (const [k, x] of v.entries.values()) {
        const key =
          typeof k === 'string'
            ? k
            : typeof k === 'number' || typeof k === 'bigint'
              ? String(k)
              : null;
        if (key !== null) walk(x, at(key), depth + 1, inList);
      }
    } else {
      v.items.forEach((x, i) => walk(x, at(String(i)), depth + 1, true));
    }
    onPath.delete(v);
  };
  walk(root, '', 0, false);
  return out;
}

/** One tensor's description: where its bytes lie, and its strides when it is not contiguous. */
function describe(
  file: string,
  name: string,
  t: TorchTensor,
  placed: Map<string, Placed>,
  littleEndian: boolean,
  fileSize: number,
): TensorInfo {
  const field = `tensor '${printable(name)}'`;
  const fail = (code: 'bad-shape' | 'bad-offsets' | 'truncated', detail: string): never => {
    throw new FormatError(file, code, field, detail);
  };
  const dtype = t.type.dtype!;
  const size = t.type.size;
  const params = shapeProduct(t.shape);
  if (params === null) return fail('bad-shape', `shape ${JSON.stringify(t.shape)} overflows`);
  const base: TensorInfo = {
    name,
    dtype,
    shape: t.shape,
    params,
    offset: 0,
    bytes: 0,
    littleEndian,
  };
  if (params === 0 || t.storage === null) {
    if (params !== 0) fail('bad-shape', 'has no storage');
    return base;
  }
  // The furthest element the view reaches, in elements from the storage's start.
  let last = t.offset;
  for (let d = 0; d < t.shape.length; d++) last += (t.shape[d]! - 1) * t.strides[d]!;
  const s = t.storage;
  const storageBytes = s.numel * s.type.size;
  const startByte = s.viewOffset * s.type.size + t.offset * size;
  const endByte = s.viewOffset * s.type.size + (last + 1) * size;
  if (!Number.isSafeInteger(endByte) || endByte - s.viewOffset * s.type.size > storageBytes)
    fail(
      'bad-offsets',
      `reaches element ${last} of storage '${s.key}', which holds ${Math.floor(storageBytes / size)} ${t.type.label} elements`,
    );
  const p = placed.get(s.key) ?? fail('bad-offsets', `storage '${s.key}' is not in the file`);
  if (s.viewOffset * s.type.size + storageBytes > p.bytes)
    fail(
      'truncated',
      `storage '${s.key}' declares ${storageBytes} bytes but the file holds ${p.bytes}`,
    );
  const info: TensorInfo = { ...base, bytes: params * size };
  if (p.zipEntry) {
    info.offset = startByte;
    info.zipEntry = { ...p.zipEntry, offset: startByte };
  } else info.offset = p.offset + startByte;
  if (!isContiguous(t.shape, t.strides)) {
    // A stride-0 view (expand) stands for more values than it stores; one standing for more than
    // the whole file holds would make a reader allocate what the file never had.
    if (info.bytes > fileSize)
      fail(
        'bad-shape',
        `expands ${endByte - startByte} stored bytes to ${info.bytes}, more than the ${fileSize}-byte file; save it with .contiguous()`,
      );
    info.strides = t.strides;
    info.encodedBytes = endByte - startByte;
  }
  return info;
}

/** Row-major with no gaps (dimensions of size 1 may have any stride, as torch treats them). */
function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  const c = cStrides(shape);
  return shape.every((n, d) => n === 1 || strides[d] === c[d]);
}

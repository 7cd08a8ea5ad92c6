// What a torch.save pickle may name and call, as torch's own `weights_only=True` loader allows
// (torch/_weights_only_unpickler.py): tensor rebuild functions, storages and dtypes of every kind,
// OrderedDict and plain containers. The calls are not run; each makes a record (a storage, a tensor
// view into one) that pytorch.ts turns into tensor descriptions.
import type { ElementDType } from '../core/base/dtype.ts';
import {
  dictKey,
  newDict,
  PickleRefusal,
  typeName,
  type PickleRules,
  type PyGlobal,
  type PyValue,
} from './pickle.ts';

/** An element type as torch names it; `dtype` is null where Slimlab has no such type (complex, quantized). */
interface TorchType {
  label: string;
  dtype: ElementDType | null;
  /** Bytes per element, so that storages of types we cannot read can still be stepped over. */
  size: number;
}

const T = (label: string, dtype: ElementDType | null, size: number): TorchType => ({
  label,
  dtype,
  size,
});

/** Legacy typed storage classes (torch.FloatStorage, ...), by class name. */
const STORAGE_TYPES: Record<string, TorchType> = {
  DoubleStorage: T('float64', 'F64', 8),
  FloatStorage: T('float32', 'F32', 4),
  HalfStorage: T('float16', 'F16', 2),
  BFloat16Storage: T('bfloat16', 'BF16', 2),
  LongStorage: T('int64', 'I64', 8),
  IntStorage: T('int32', 'I32', 4),
  ShortStorage: T('int16', 'I16', 2),
  CharStorage: T('int8', 'I8', 1),
  ByteStorage: T('uint8', 'U8', 1),
  BoolStorage: T('bool', 'BOOL', 1),
  ComplexFloatStorage: T('complex64', null, 8),
  ComplexDoubleStorage: T('complex128', null, 16),
  QInt8Storage: T('qint8', null, 1),
  QUInt8Storage: T('quint8', null, 1),
  QInt32Storage: T('qint32', null, 4),
  QUInt4x2Storage: T('quint4x2', null, 1),
  QUInt2x4Storage: T('quint2x4', null, 1),
};

/** torch dtypes (the `dtype` argument of _rebuild_tensor_v3, used for types without a storage class). */
const DTYPES: Record<string, TorchType> = {
  float64: T('float64', 'F64', 8),
  float32: T('float32', 'F32', 4),
  float16: T('float16', 'F16', 2),
  bfloat16: T('bfloat16', 'BF16', 2),
  float8_e4m3fn: T('float8_e4m3fn', 'F8_E4M3', 1),
  float8_e5m2: T('float8_e5m2', 'F8_E5M2', 1),
  float8_e4m3fnuz: T('float8_e4m3fnuz', null, 1),
  float8_e5m2fnuz: T('float8_e5m2fnuz', null, 1),
  float8_e8m0fnu: T('float8_e8m0fnu', null, 1),
  float4_e2m1fn_x2: T('float4_e2m1fn_x2', null, 1),
  int64: T('int64', 'I64', 8),
  int32: T('int32', 'I32', 4),
  int16: T('int16', 'I16', 2),
  int8: T('int8', 'I8', 1),
  uint64: T('uint64', 'U64', 8),
  uint32: T('uint32', 'U32', 4),
  uint16: T('uint16', 'U16', 2),
  uint8: T('uint8', 'U8', 1),
  bool: T('bool', 'BOOL', 1),
  complex32: T('complex32', null, 4),
  complex64: T('complex64', null, 8),
  complex128: T('complex128', null, 16),
  qint8: T('qint8', null, 1),
  quint8: T('quint8', null, 1),
  qint32: T('qint32', null, 4),
  quint4x2: T('quint4x2', null, 1),
  quint2x4: T('quint2x4', null, 1),
  bits8: T('bits8', null, 1),
  bits16: T('bits16', null, 2),
  bits1x8: T('bits1x8', null, 1),
  bits2x4: T('bits2x4', null, 1),
  bits4x2: T('bits4x2', null, 1),
};
for (let b = 1; b < 8; b++) {
  DTYPES[`int${b}`] = T(`int${b}`, null, 1);
  DTYPES[`uint${b}`] = T(`uint${b}`, null, 1);
}

/** Legacy tensor classes (torch.FloatTensor, ...): their storage type. */
const TENSOR_CLASSES: Record<string, string> = {
  DoubleTensor: 'DoubleStorage',
  FloatTensor: 'FloatStorage',
  HalfTensor: 'HalfStorage',
  BFloat16Tensor: 'BFloat16Storage',
  LongTensor: 'LongStorage',
  IntTensor: 'IntStorage',
  ShortTensor: 'ShortStorage',
  CharTensor: 'CharStorage',
  ByteTensor: 'ByteStorage',
  BoolTensor: 'BoolStorage',
};

/** Rebuild functions torch allows whose tensors have no plain storage to read (named when skipped). */
const UNREADABLE_REBUILDS: Record<string, string> = {
  _rebuild_qtensor: 'a quantized tensor',
  _rebuild_sparse_tensor: 'a sparse tensor',
  _rebuild_nested_tensor: 'a nested tensor',
  _rebuild_meta_tensor_no_storage: 'a meta tensor (no data)',
  _rebuild_wrapper_subclass: 'a tensor subclass without storage',
  _rebuild_device_tensor_from_numpy: 'a tensor pickled as a numpy array',
};

const OTHER_GLOBALS = [
  'collections.OrderedDict',
  'collections.Counter',
  'builtins.set',
  'builtins.bytearray',
  'builtins.complex',
  '_codecs.encode',
  'torch.Size',
  'torch.Tensor',
  'torch.device',
  'torch.nn.parameter.Parameter',
  'torch.serialization._get_layout',
  'torch.storage.UntypedStorage',
  'torch.storage.TypedStorage',
  'torch._tensor._rebuild_from_type_v2',
  'torch._utils._rebuild_tensor',
  'torch._utils._rebuild_tensor_v2',
  'torch._utils._rebuild_tensor_v3',
  'torch._utils._rebuild_parameter',
  'torch._utils._rebuild_parameter_with_state',
  'torch._utils._rebuild_device_tensor_from_cpu_tensor',
  'torch.per_tensor_affine',
  'torch.per_tensor_symmetric',
  'torch.per_channel_affine',
  'torch.per_channel_symmetric',
  'torch.per_channel_affine_float_qparams',
];

const ALLOWED = new Set<string>([
  ...OTHER_GLOBALS,
  ...Object.keys(UNREADABLE_REBUILDS).map((f) => `torch._utils.${f}`),
  ...Object.keys(STORAGE_TYPES).flatMap((s) => [`torch.${s}`, `torch.cuda.${s}`]),
  ...Object.keys(DTYPES).map((d) => `torch.${d}`),
  ...Object.keys(TENSOR_CLASSES).flatMap((c) => [
    `torch.${c}`,
    `torch.cuda.${c}`,
    `torch.sparse.${c}`,
    `torch.cuda.sparse.${c}`,
  ]),
]);

/** One storage of a checkpoint: a record `data/<key>` (zip) or a block after the pickles (legacy). */
export interface TorchStorage {
  key: string;
  type: TorchType;
  /** Elements (bytes for an untyped storage). */
  numel: number;
  /** Legacy views of a storage: elements before this view in the root storage `key`. */
  viewOffset: number;
}

/** A tensor: a strided view into a storage (null: an empty legacy tensor never set). */
export interface TorchTensor {
  storage: TorchStorage | null;
  type: TorchType;
  /** In elements of `type`. */
  offset: number;
  shape: number[];
  strides: number[];
}

/** Something torch would rebuild that Slimlab cannot read; listed as skipped with `why`. */
export interface TorchUnreadable {
  why: string;
}

const obj = (type: string, value: unknown): PyValue => ({ kind: 'object', type, value });

export function asTensor(v: PyValue): TorchTensor | null {
  return typeof v === 'object' && v !== null && v.kind === 'object' && v.type === 'tensor'
    ? (v.value as TorchTensor)
    : null;
}

export function asUnreadable(v: PyValue): TorchUnreadable | null {
  return typeof v === 'object' && v !== null && v.kind === 'object' && v.type === 'unreadable'
    ? (v.value as TorchUnreadable)
    : null;
}

function refuse(detail: string): never {
  throw new PickleRefusal(detail);
}

function int(v: PyValue | undefined, what: string): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  if (typeof v === 'bigint') return refuse(`${what} ${v} is too large`);
  return refuse(`${what} must be a non-negative integer, got ${typeName(v ?? null)}`);
}

function ints(v: PyValue | undefined, what: string): number[] {
  if (typeof v !== 'object' || v === null || (v.kind !== 'tuple' && v.kind !== 'list'))
    return refuse(`${what} must be a tuple of integers, got ${typeName(v ?? null)}`);
  return v.items.map((x, i) => int(x, `${what}[${i}]`));
}

function storageArg(v: PyValue | undefined, what: string): TorchStorage {
  if (typeof v === 'object' && v !== null && v.kind === 'object' && v.type === 'storage')
    return v.value as TorchStorage;
  return refuse(`${what} must be a storage, got ${typeName(v ?? null)}`);
}

/** torch.Tensor.set_(storage, offset, size, stride) on a new view of `storage`. */
function view(
  storage: TorchStorage,
  type: TorchType,
  offset: PyValue | undefined,
  size: PyValue | undefined,
  stride: PyValue | undefined,
  what: string,
): PyValue {
  const shape = size === undefined ? [storage.numel] : ints(size, `${what} size`);
  const strides = stride === undefined ? cStrides(shape) : ints(stride, `${what} stride`);
  if (strides.length !== shape.length)
    refuse(`${what} has ${shape.length} sizes but ${strides.length} strides`);
  const t: TorchTensor = {
    storage,
    type,
    offset: offset === undefined ? 0 : int(offset, `${what} storage offset`),
    shape,
    strides,
  };
  if (type.dtype === null) return obj('unreadable', { why: `a ${type.label} tensor` });
  return obj('tensor', t);
}

export function cStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  for (let d = shape.length - 1, acc = 1; d >= 0; d--) {
    s[d] = acc;
    acc *= shape[d]!;
  }
  return s;
}

function tensorOrUnreadable(v: PyValue | undefined): PyValue {
  if (v !== undefined && (asTensor(v) || asUnreadable(v))) return v;
  return refuse(`expected a tensor, got ${typeName(v ?? null)}`);
}

function dtypeArg(v: PyValue | undefined): TorchType {
  const p = typeof v === 'object' && v !== null && v.kind === 'global' ? v.path : '';
  const d = p.startsWith('torch.') ? p.slice(6) : '';
  const t = Object.prototype.hasOwnProperty.call(DTYPES, d) ? DTYPES[d] : undefined;
  return t ?? refuse(`expected a torch dtype, got ${typeName(v ?? null)}`);
}

function storageTypeOf(path: string): TorchType | null {
  const cls = path.replace(/^torch\.(cuda\.)?/, '');
  if (path === 'torch.storage.UntypedStorage') return T('untyped', 'U8', 1);
  return Object.prototype.hasOwnProperty.call(STORAGE_TYPES, cls) ? STORAGE_TYPES[cls]! : null;
}

/**
 * The rules for one checkpoint. `layout` decides the persistent id's shape (legacy ids carry view
 * metadata); `storages` collects every storage the pickle names, by key.
 */
export function torchRules(
  layout: 'zip' | 'legacy',
  storages: Map<string, TorchStorage>,
): PickleRules {
  const call = (fn: PyGlobal, args: readonly PyValue[]): PyValue => {
    const path = fn.path;
    const name = path.slice(path.lastIndexOf('.') + 1);
    switch (path) {
      case 'collections.OrderedDict':
      case 'collections.Counter': {
        const d = newDict(name as 'OrderedDict' | 'Counter');
        const items = args[0];
        if (args.length === 0 || items === null) return d;
        if (typeof items !== 'object' || (items.kind !== 'list' && items.kind !== 'tuple'))
          return refuse(`${name}() takes a list of pairs, got ${typeName(items ?? null)}`);
        for (const pair of items.items) {
          if (
            typeof pair !== 'object' ||
            pair === null ||
            pair.kind !== 'tuple' ||
            pair.items.length !== 2
          )
            return refuse(`${name}() takes a list of (key, value) pairs`);
          d.entries.set(dictKey(pair.items[0]!), [pair.items[0]!, pair.items[1]!]);
        }
        return d;
      }
      case 'builtins.set':
        return { kind: 'set', items: [] };
      case 'builtins.bytearray':
      case '_codecs.encode': {
        // Python 3 pickles bytes for protocol 2 as _codecs.encode(text, 'latin1').
        const [text, enc] = args;
        if (args.length === 0) return { kind: 'bytes', bytes: new Uint8Array(0) };
        if (typeof text === 'object' && text?.kind === 'bytes') return text;
        if (typeof text !== 'string' || (enc !== 'latin1' && enc !== 'latin-1'))
          return refuse(`${path} is allowed only to make bytes from latin1 text`);
        return { kind: 'bytes', bytes: Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff) };
      }
      case 'builtins.complex':
        return obj('complex', args);
      case 'torch.Size':
        return { kind: 'tuple', items: ints(args[0], 'torch.Size') };
      case 'torch.device':
      case 'torch.serialization._get_layout':
        return obj(name, args);
      case 'torch._utils._rebuild_tensor':
        // (storage, storage_offset, size, stride)
        return view(
          storageArg(args[0], name),
          storageArg(args[0], name).type,
          args[1],
          args[2],
          args[3],
          name,
        );
      case 'torch._utils._rebuild_tensor_v2': {
        // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
        const s = storageArg(args[0], name);
        return view(s, s.type, args[1], args[2], args[3], name);
      }
      case 'torch._utils._rebuild_tensor_v3': {
        // (untyped storage, storage_offset, size, stride, requires_grad, backward_hooks, dtype[, metadata])
        const s = storageArg(args[0], name);
        return view(s, dtypeArg(args[6]), args[1], args[2], args[3], name);
      }
      case 'torch._utils._rebuild_parameter':
      case 'torch._utils._rebuild_parameter_with_state':
      case 'torch._utils._rebuild_device_tensor_from_cpu_tensor':
      case 'torch.nn.parameter.Parameter':
        // The data tensor is the first argument; gradients, hooks and devices do not matter here.
        return args.length === 0 ? refuse(`${name}() needs a tensor`) : tensorOrUnreadable(args[0]);
      case 'torch._tensor._rebuild_from_type_v2': {
        // (func, new_type, args, state): func(*args), a subclass of Tensor we read as a plain one.
        const [f, , inner] = args;
        if (typeof f !== 'object' || f === null || f.kind !== 'global')
          return refuse('_rebuild_from_type_v2 needs an allowed function');
        if (typeof inner !== 'object' || inner === null || inner.kind !== 'tuple')
          return refuse('_rebuild_from_type_v2 needs a tuple of arguments');
        return tensorOrUnreadable(call(f, inner.items));
      }
    }
    const unreadable = path.startsWith('torch._utils.') ? UNREADABLE_REBUILDS[name] : undefined;
    if (unreadable) return obj('unreadable', { why: unreadable } satisfies TorchUnreadable);
    const cls = path.replace(/^torch\.(cuda\.)?(sparse\.)?/, '');
    if (path === 'torch.Tensor' || Object.prototype.hasOwnProperty.call(TENSOR_CLASSES, cls)) {
      if (path.includes('.sparse.')) return obj('unreadable', { why: 'a sparse tensor' });
      // A legacy empty tensor, given its storage by a BUILD (set_) that follows.
      const type =
        path === 'torch.Tensor'
          ? STORAGE_TYPES.FloatStorage!
          : STORAGE_TYPES[TENSOR_CLASSES[cls]!]!;
      return obj('tensor', {
        storage: null,
        type,
        offset: 0,
        shape: [0],
        strides: [1],
      } satisfies TorchTensor);
    }
    return refuse(`'${path}' is allowed as a name but cannot be called`);
  };

  return {
    allowGlobal: (path) => ALLOWED.has(path),
    call,
    build(inst, state) {
      if (
        typeof inst === 'object' &&
        inst !== null &&
        inst.kind === 'dict' &&
        inst.type === 'OrderedDict'
      )
        return inst; // state dicts carry `_metadata` (module versions) as attributes: not needed
      const t = typeof inst === 'object' && inst !== null ? asTensor(inst) : null;
      if (t) {
        // torch: a plain Tensor's BUILD is set_(*state); other state (attributes) does not change data.
        if (
          typeof state === 'object' &&
          state !== null &&
          state.kind === 'tuple' &&
          state.items.length > 0
        ) {
          const s = storageArg(state.items[0], 'set_');
          return view(s, t.type, state.items[1], state.items[2], state.items[3], 'set_');
        }
        return inst;
      }
      if (typeof inst === 'object' && inst !== null && asUnreadable(inst)) return inst;
      return refuse(
        `BUILD is allowed on tensors and OrderedDicts only, not on a ${typeName(inst)}`,
      );
    },
    persistentLoad(pid) {
      if (
        typeof pid !== 'object' ||
        pid === null ||
        pid.kind !== 'tuple' ||
        pid.items[0] !== 'storage'
      )
        return refuse(`persistent ids must be ('storage', ...) tuples, got ${typeName(pid)}`);
      const want = layout === 'zip' ? 5 : 6;
      if (pid.items.length !== want)
        return refuse(
          `a ${layout} checkpoint's storage id has ${want} fields, this one ${pid.items.length}`,
        );
      const [, cls, key, , numel, viewMeta] = pid.items;
      const path = typeof cls === 'object' && cls !== null && cls.kind === 'global' ? cls.path : '';
      const type =
        storageTypeOf(path) ??
        refuse(`storage type must be a torch storage class, got ${typeName(cls ?? null)}`);
      if (typeof key !== 'string' || !/^[\w.-]{1,64}$/.test(key))
        return refuse(`storage key must be a short name, got ${typeName(key ?? null)}`);
      const n = int(numel, `storage '${key}' element count`);
      const known = storages.get(key);
      if (known && (known.type.label !== type.label || known.numel !== n))
        return refuse(
          `storage '${key}' is declared twice, as ${known.type.label} × ${known.numel} and ${type.label} × ${n}`,
        );
      const s: TorchStorage = known ?? { key, type, numel: n, viewOffset: 0 };
      storages.set(key, s);
      if (viewMeta === null || viewMeta === undefined) return obj('storage', s);
      // Very old files: (view_key, offset, size), a slice of the root storage.
      if (typeof viewMeta !== 'object' || viewMeta.kind !== 'tuple' || viewMeta.items.length !== 3)
        return refuse(
          `storage '${key}' view must be (key, offset, size), got ${typeName(viewMeta)}`,
        );
      const off = int(viewMeta.items[1], `storage '${key}' view offset`);
      const size = int(viewMeta.items[2], `storage '${key}' view size`);
      if (off + size > n)
        return refuse(`storage '${key}' view [${off}, ${off + size}) passes its ${n} elements`);
      return obj('storage', { ...s, numel: size, viewOffset: off } satisfies TorchStorage);
    },
  };
}

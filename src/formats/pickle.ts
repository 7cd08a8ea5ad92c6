// A Python pickle reader that never executes anything. It interprets only the opcodes PyTorch's
// `weights_only=True` unpickler allows (torch/_weights_only_unpickler.py) and builds plain records;
// what a GLOBAL names, what REDUCE / NEWOBJ / BUILD / persistent ids mean is decided by `PickleRules`,
// which allow a fixed list of names and refuse every other. Every count and index in the pickle is
// checked against the bytes it sits in, so a hostile pickle ends in a FormatError, never a hang.
import { FormatError } from './errors.ts';

export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | PyBytes
  | PyList
  | PyTuple
  | PyDict
  | PySet
  | PyGlobal
  | PyObject;

export interface PyBytes {
  kind: 'bytes';
  bytes: Uint8Array;
}
export interface PyList {
  kind: 'list';
  items: PyValue[];
}
export interface PyTuple {
  kind: 'tuple';
  items: readonly PyValue[];
}
/** A dict (or OrderedDict / Counter): insertion-ordered, keyed by `dictKey` of the Python key. */
export interface PyDict {
  kind: 'dict';
  /** Which allowed dict type built it (BUILD is allowed on an OrderedDict, not on a dict). */
  type: 'dict' | 'OrderedDict' | 'Counter';
  entries: Map<string, [PyValue, PyValue]>;
}
export interface PySet {
  kind: 'set';
  items: PyValue[];
}
/** A name a GLOBAL opcode pushed, once the rules allowed it: `module.name`. */
export interface PyGlobal {
  kind: 'global';
  path: string;
}
/** What an allowed call made (a tensor, a storage, a device): opaque to this file. */
export interface PyObject {
  kind: 'object';
  type: string;
  value: unknown;
}

/** What a file format allows; each hook throws PickleRefusal (a plain message) to refuse. */
export interface PickleRules {
  /** Whether a GLOBAL may name `path` ("module.name"). */
  allowGlobal(path: string): boolean;
  /** REDUCE and NEWOBJ of an allowed global. */
  call(fn: PyGlobal, args: readonly PyValue[]): PyValue;
  /** BUILD: `state` applied to `inst`; returns what replaces `inst` on the stack. */
  build(inst: PyValue, state: PyValue): PyValue;
  /** BINPERSID: what a persistent id stands for (a storage, in a torch checkpoint). */
  persistentLoad(pid: PyValue): PyValue;
}

export class PickleRefusal extends Error {}

/** Raised when the bytes end inside the pickle but the file has more: the caller reads on and retries. */
export class PickleNeedsMore extends Error {}

/**
 * MARK nesting (each nested dict, list or tuple being filled adds one). Python cannot even pickle
 * structures nested past its recursion limit (1000); state dicts nest a handful of levels.
 */
export const MAX_PICKLE_DEPTH = 200;

const OP = {
  MARK: 0x28, // (
  STOP: 0x2e, // .
  BINFLOAT: 0x47, // G
  BININT: 0x4a, // J
  BININT1: 0x4b, // K
  BININT2: 0x4d, // M
  NONE: 0x4e, // N
  BINPERSID: 0x51, // Q
  REDUCE: 0x52, // R
  SHORT_BINSTRING: 0x55, // U
  BINUNICODE: 0x58, // X
  EMPTY_LIST: 0x5d, // ]
  APPEND: 0x61, // a
  BUILD: 0x62, // b
  GLOBAL: 0x63, // c
  APPENDS: 0x65, // e
  BINGET: 0x68, // h
  LONG_BINGET: 0x6a, // j
  EMPTY_DICT: 0x7d, // }
  BINPUT: 0x71, // q
  LONG_BINPUT: 0x72, // r
  SETITEM: 0x73, // s
  TUPLE: 0x74, // t
  SETITEMS: 0x75, // u
  EMPTY_TUPLE: 0x29, // )
  PROTO: 0x80,
  NEWOBJ: 0x81,
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  TUPLE3: 0x87,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  LONG1: 0x8a,
  EMPTY_SET: 0x8f,
} as const;

/** Python 2 module names that Python 3's unpickler maps (pickle's fix_imports), as torch does. */
const PY2_MODULES: Record<string, string> = {
  __builtin__: 'builtins',
  copy_reg: 'copyreg',
  cPickle: 'pickle',
};

/** Names of opcodes that exist in pickle but that no weights-only loader accepts, for the error. */
const REFUSED: Record<number, string> = {
  0x69: 'INST (builds an instance of any class)',
  0x6f: 'OBJ (builds an instance of any class)',
  0x93: 'STACK_GLOBAL (names a global from strings on the stack)',
  0x82: 'EXT1',
  0x83: 'EXT2',
  0x84: 'EXT4',
  0x50: 'PERSID',
  0x94: 'MEMOIZE',
  0x95: 'FRAME',
  0x53: 'STRING',
  0x56: 'UNICODE',
  0x49: 'INT',
  0x4c: 'LONG',
  0x46: 'FLOAT',
  0x8b: 'LONG4',
  0x8c: 'SHORT_BINUNICODE',
  0x8d: 'BINUNICODE8',
  0x8e: 'BINBYTES8',
  0x42: 'BINBYTES',
  0x43: 'SHORT_BINBYTES',
  0x54: 'BINSTRING',
  0x90: 'ADDITEMS',
  0x91: 'FROZENSET',
  0x92: 'NEWOBJ_EX',
  0x96: 'BYTEARRAY8',
  0x97: 'NEXT_BUFFER',
  0x98: 'READONLY_BUFFER',
  0x67: 'GET',
  0x70: 'PUT',
  0x64: 'DICT',
  0x6c: 'LIST',
  0x30: 'POP',
  0x31: 'POP_MARK',
  0x32: 'DUP',
};

/** Nodes one dict key may have: keys are names and small tuples; memo sharing could make a huge one. */
const MAX_KEY_NODES = 10_000;

/** The key a Python value has in a PyDict (hashable values only). */
export function dictKey(v: PyValue): string {
  let nodes = 0;
  const key = (x: PyValue, depth: number): string => {
    if (++nodes > MAX_KEY_NODES || depth > MAX_PICKLE_DEPTH)
      throw new PickleRefusal('a dict key is too large or nests too deeply');
    if (x === null) return 'None';
    if (typeof x === 'boolean') return x ? 'n1' : 'n0'; // True == 1 in Python
    if (typeof x === 'number' || typeof x === 'bigint') return `n${x}`;
    if (typeof x === 'string') return `s${x}`;
    if (x.kind === 'tuple') return `t(${x.items.map((y) => key(y, depth + 1)).join(',')})`;
    if (x.kind === 'bytes') return `b${Array.from(x.bytes).join(',')}`;
    if (x.kind === 'global') return `g${x.path}`;
    throw new PickleRefusal(`a ${x.kind} cannot be a dict key`);
  };
  return key(v, 0);
}

export function newDict(type: PyDict['type'] = 'dict'): PyDict {
  return { kind: 'dict', type, entries: new Map() };
}

export function typeName(v: PyValue): string {
  if (v === null) return 'None';
  if (typeof v !== 'object') return typeof v === 'bigint' ? 'int' : typeof v;
  if (v.kind === 'global') return `global '${v.path}'`;
  if (v.kind === 'object') return v.type;
  return v.kind;
}

export interface UnpickleOptions {
  /** File and field named in errors ("model.bin", "archive/data.pkl"). */
  file: string;
  field: string;
  rules: PickleRules;
  /**
   * True when `bytes` run to the end of the file: reading past them is a truncated file. False: the
   * file has more, and PickleNeedsMore asks the caller for a larger window.
   */
  final: boolean;
}

/**
 * Interprets one pickle starting at `start`; returns its value and the offset just past its STOP.
 * Throws FormatError for anything it refuses or cannot read.
 */
export function unpickle(
  bytes: Uint8Array,
  start: number,
  opts: UnpickleOptions,
): { value: PyValue; end: number } {
  const { file, field, rules } = opts;
  let pos = start;
  let opAt = start;
  const fail = (detail: string): never => {
    throw new FormatError(file, 'bad-header', field, `at byte ${opAt}: ${detail}`);
  };
  const need = (n: number, what: string) => {
    if (pos + n <= bytes.length) return;
    if (!opts.final) throw new PickleNeedsMore();
    throw new FormatError(
      file,
      'truncated',
      field,
      `at byte ${opAt}: ${what} needs ${n} bytes, but the pickle ends after ${bytes.length - pos}`,
    );
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u8 = (what: string) => (need(1, what), bytes[pos++]!);
  const u16 = (what: string) => (need(2, what), (pos += 2), view.getUint16(pos - 2, true));
  const u32 = (what: string) => (need(4, what), (pos += 4), view.getUint32(pos - 4, true));
  const take = (n: number, what: string) => (need(n, what), bytes.subarray(pos, (pos += n)));
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const names = new TextDecoder('utf-8'); // bad bytes in a GLOBAL name show as U+FFFD in the error
  const latin1 = new TextDecoder('latin1');
  const line = (what: string): string => {
    // GLOBAL names: module and name, each ended by a newline; a Python identifier path is short.
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0 || end - pos > 512) {
      if (end < 0 && !opts.final) throw new PickleNeedsMore();
      return fail(`${what} is not a newline-ended name`);
    }
    const s = names.decode(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };

  let stack: PyValue[] = [];
  const marks: PyValue[][] = [];
  const memo = new Map<number, PyValue>();
  const pop = (what: string): PyValue => {
    if (stack.length === 0) return fail(`${what} found an empty stack`);
    return stack.pop()!;
  };
  const top = (what: string): PyValue => {
    if (stack.length === 0) return fail(`${what} found an empty stack`);
    return stack[stack.length - 1]!;
  };
  const popMark = (what: string): PyValue[] => {
    const items = stack;
    const outer = marks.pop();
    if (!outer) return fail(`${what} has no MARK before it`);
    stack = outer;
    return items;
  };
  const memoIndex = (i: number): number => {
    // The pickler numbers memo entries from 0, one per object stored, each costing at least two
    // bytes of pickle: an index past the pickle's length cannot have been written by it.
    if (i > bytes.length)
      fail(`memo index ${i} is larger than a ${bytes.length}-byte pickle can hold`);
    return i;
  };
  const refused = <T>(run: () => T): T => {
    try {
      return run();
    } catch (e) {
      if (e instanceof PickleRefusal) return fail(e.message);
      throw e;
    }
  };
  const setItem = (target: PyValue, k: PyValue, v: PyValue, what: string) => {
    if (typeof target !== 'object' || target === null || target.kind !== 'dict')
      fail(`${what} needs a dict, got ${typeName(target)}`);
    const key = refused(() => dictKey(k));
    (target as PyDict).entries.set(key, [k, v]);
  };
  const listOf = (target: PyValue, what: string): PyList => {
    if (typeof target !== 'object' || target === null || target.kind !== 'list')
      return fail(`${what} needs a list, got ${typeName(target)}`);
    return target;
  };

  for (;;) {
    opAt = pos;
    const op = u8('opcode');
    switch (op) {
      case OP.PROTO: {
        const p = u8('PROTO');
        if (p < 2 || p > 5) fail(`pickle protocol ${p} is not one torch.save writes`);
        break;
      }
      case OP.STOP:
        return { value: pop('STOP'), end: pos };
      case OP.MARK:
        if (marks.length >= MAX_PICKLE_DEPTH)
          fail(`nesting passes ${MAX_PICKLE_DEPTH} levels (MARK inside MARK)`);
        marks.push(stack);
        stack = [];
        break;
      case OP.NONE:
        stack.push(null);
        break;
      case OP.NEWTRUE:
        stack.push(true);
        break;
      case OP.NEWFALSE:
        stack.push(false);
        break;
      case OP.BININT:
        need(4, 'BININT');
        stack.push(view.getInt32(pos, true));
        pos += 4;
        break;
      case OP.BININT1:
        stack.push(u8('BININT1'));
        break;
      case OP.BININT2:
        stack.push(u16('BININT2'));
        break;
      case OP.LONG1: {
        const n = u8('LONG1 length');
        stack.push(decodeLong(take(n, 'LONG1')));
        break;
      }
      case OP.BINFLOAT:
        need(8, 'BINFLOAT');
        stack.push(view.getFloat64(pos, false));
        pos += 8;
        break;
      case OP.BINUNICODE: {
        const n = u32('BINUNICODE length');
        const raw = take(n, `a ${n}-byte string`);
        try {
          stack.push(utf8.decode(raw));
        } catch {
          fail('a string is not valid UTF-8');
        }
        break;
      }
      case OP.SHORT_BINSTRING: {
        const n = u8('SHORT_BINSTRING length');
        stack.push(latin1.decode(take(n, 'SHORT_BINSTRING')));
        break;
      }
      case OP.EMPTY_TUPLE:
        stack.push({ kind: 'tuple', items: [] });
        break;
      case OP.EMPTY_LIST:
        stack.push({ kind: 'list', items: [] });
        break;
      case OP.EMPTY_DICT:
        stack.push(newDict());
        break;
      case OP.EMPTY_SET:
        stack.push({ kind: 'set', items: [] });
        break;
      case OP.TUPLE: {
        // popMark replaces `stack`: take the items before pushing onto the outer stack.
        const items = popMark('TUPLE');
        stack.push({ kind: 'tuple', items });
        break;
      }
      case OP.TUPLE1:
      case OP.TUPLE2:
      case OP.TUPLE3: {
        const n = op - OP.TUPLE1 + 1;
        if (stack.length < n) fail(`TUPLE${n} needs ${n} items on the stack`);
        stack.push({ kind: 'tuple', items: stack.splice(stack.length - n, n) });
        break;
      }
      case OP.APPEND: {
        const item = pop('APPEND');
        listOf(top('APPEND'), 'APPEND').items.push(item);
        break;
      }
      case OP.APPENDS: {
        const items = popMark('APPENDS');
        const list = listOf(top('APPENDS'), 'APPENDS');
        for (const x of items) list.items.push(x);
        break;
      }
      case OP.SETITEM: {
        const v = pop('SETITEM');
        const k = pop('SETITEM');
        setItem(top('SETITEM'), k, v, 'SETITEM');
        break;
      }
      case OP.SETITEMS: {
        const items = popMark('SETITEMS');
        if (items.length % 2) fail('SETITEMS has a key without a value');
        const target = top('SETITEMS');
        for (let i = 0; i < items.length; i += 2)
          setItem(target, items[i]!, items[i + 1]!, 'SETITEMS');
        break;
      }
      case OP.BINPUT:
      case OP.LONG_BINPUT: {
        const i = memoIndex(op === OP.BINPUT ? u8('BINPUT') : u32('LONG_BINPUT'));
        memo.set(i, top('BINPUT'));
        break;
      }
      case OP.BINGET:
      case OP.LONG_BINGET: {
        const i = memoIndex(op === OP.BINGET ? u8('BINGET') : u32('LONG_BINGET'));
        if (!memo.has(i)) fail(`memo index ${i} was never stored`);
        stack.push(memo.get(i)!);
        break;
      }
      case OP.GLOBAL: {
        const module = line('GLOBAL module');
        const name = line('GLOBAL name');
        // Protocol 2 pickles written by Python 3 name builtins as Python 2 did (fix_imports).
        const path = `${PY2_MODULES[module] ?? module}.${name}`;
        if (!rules.allowGlobal(path)) {
          fail(
            `global '${printable(path)}' is not allowed: Slimlab never runs code from a checkpoint`,
          );
        }
        stack.push({ kind: 'global', path });
        break;
      }
      case OP.REDUCE:
      case OP.NEWOBJ: {
        const what = op === OP.REDUCE ? 'REDUCE' : 'NEWOBJ';
        const args = pop(what);
        const fn = pop(what);
        if (typeof fn !== 'object' || fn === null || fn.kind !== 'global')
          fail(`${what} can only call an allowed global, not a ${typeName(fn)}`);
        if (typeof args !== 'object' || args === null || args.kind !== 'tuple')
          fail(`${what} needs a tuple of arguments, got ${typeName(args)}`);
        stack.push(refused(() => rules.call(fn as PyGlobal, (args as PyTuple).items)));
        break;
      }
      case OP.BUILD: {
        const state = pop('BUILD');
        const inst = pop('BUILD');
        stack.push(refused(() => rules.build(inst, state)));
        break;
      }
      case OP.BINPERSID: {
        const pid = pop('BINPERSID');
        stack.push(refused(() => rules.persistentLoad(pid)));
        break;
      }
      default:
        fail(
          REFUSED[op]
            ? `opcode ${REFUSED[op]} is not allowed in a weights-only pickle`
            : `0x${op.toString(16).padStart(2, '0')} is not a pickle opcode a weights-only loader accepts`,
        );
    }
  }
}

/** LONG1's little-endian two's-complement integer: a number when exact, a bigint past 2^53. */
function decodeLong(b: Uint8Array): number | bigint {
  if (b.length === 0) return 0;
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  if (b[b.length - 1]! & 0x80) v -= 1n << BigInt(8 * b.length);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(v)
    : v;
}

/** Names from a file are data: control characters are shown escaped, and long ones cut. */
export function printable(s: string): string {
  const escaped = s.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return escaped.length > 200 ? `${escaped.slice(0, 200)}…` : escaped;
}

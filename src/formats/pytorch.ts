// PyTorch checkpoints written by torch.save (.bin, .pt, .pth, .ckpt), in both layouts:
// - zip (torch >= 1.6): `<archive>/data.pkl` is the pickle, `<archive>/data/<key>` each storage's raw
//   bytes (stored, not deflated), `<archive>/byteorder` their byte order;
// - legacy: five pickles in a row (magic number, protocol version, sys_info, the object, the storage
//   keys), then each storage as an int64 element count and its bytes, in the order of the keys.
// The pickle is read by pickle.ts under torch's weights-only rules (pytorch-rules.ts): nothing in it is
// run. Tensors are views into storages; only their descriptions are made (pytorch-tensors.ts), and
// each tensor's bytes are read when it is analysed (tensor-data.ts): memory stays near one tensor.
import type { Entry, FileEntry } from '@zip.js/zip.js';
import { FormatError } from './errors.ts';
import type { FormatReader, ModelInfo } from './model.ts';
import {
  PickleNeedsMore,
  PickleRefusal,
  printable,
  unpickle,
  type PickleRules,
  type PyValue,
} from './pickle.ts';
import { torchRules, type TorchStorage } from './pytorch-rules.ts';
import { tensorTable, type Placed } from './pytorch-tensors.ts';
import type { ByteSource } from './source.ts';

/**
 * The largest pickle read into memory. A state dict costs ~200 bytes of pickle a tensor, so this is
 * some 600,000 tensors; the tensors' data is never part of it.
 */
const MAX_PICKLE_BYTES = 128 << 20;
/** The first window a legacy pickle is read in; it grows fourfold while the pickle runs on. */
const FIRST_WINDOW = 1 << 16;
/** zip local file header: signature, versions, flags, method, times, crc, sizes, name and extra lengths. */
const LOCAL_HEADER = 30;
/** torch.save's legacy magic number, pickled (protocol 2, LONG1 of 10 bytes): 0x1950a86a20f9469cfc6c. */
const LEGACY_HEAD = [
  0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19,
];
const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
const LEGACY_PROTOCOL = 1001;

function isLegacy(head: Uint8Array): boolean {
  return head.length >= LEGACY_HEAD.length && LEGACY_HEAD.every((b, i) => head[i] === b);
}

/** The name of a zip's first member, when the head shows it whole (null: not a zip, or cut off). */
function firstZipMember(head: Uint8Array): string | null {
  if (
    head.length < LOCAL_HEADER ||
    head[0] !== 0x50 ||
    head[1] !== 0x4b ||
    head[2] !== 3 ||
    head[3] !== 4
  )
    return null;
  const n = head[26]! | (head[27]! << 8);
  if (head.length < LOCAL_HEADER + n) return null;
  return new TextDecoder('latin1').decode(head.subarray(LOCAL_HEADER, LOCAL_HEADER + n));
}

const DATA_PKL = /^(?:[^/]+\/)?data\.pkl$/;

/** torch.save writes `<archive>/data.pkl` first; a .npz starts with a `.npy` member. */
function match(head: Uint8Array): boolean {
  if (isLegacy(head)) return true;
  const first = firstZipMember(head);
  return first !== null && DATA_PKL.test(first);
}

/**
 * Never claims a file: a checkpoint is recognised by its bytes (match). Having `fits` keeps the
 * registry from handing any `.bin` or `.pt` to this reader by its extension, and says why not.
 */
function fits(): string {
  return 'not a PyTorch checkpoint: neither a zip starting with data.pkl nor a legacy torch.save file';
}

const zip = () => import('./zip-entries.ts');

async function parse(src: ByteSource): Promise<ModelInfo> {
  const head = await src.read(0, Math.min(src.size, 64));
  if (isLegacy(head)) return parseLegacy(src);
  if (head[0] === 0x50 && head[1] === 0x4b) return parseZip(src);
  throw new FormatError(src.name, 'bad-magic', 'magic', fits());
}

// --- zip layout ----------------------------------------------------------------------------------

async function storedStart(src: ByteSource, entry: FileEntry): Promise<number> {
  const field = `entry '${printable(entry.filename)}'`;
  if (!(entry.offset >= 0 && entry.offset + LOCAL_HEADER <= src.size))
    throw new FormatError(
      src.name,
      'bad-offsets',
      field,
      `local header offset ${entry.offset} is outside the archive`,
    );
  const local = await src.read(entry.offset, LOCAL_HEADER);
  if (local[0] !== 0x50 || local[1] !== 0x4b || local[2] !== 3 || local[3] !== 4)
    throw new FormatError(src.name, 'bad-offsets', field, `has no local header at ${entry.offset}`);
  const v = new DataView(local.buffer, local.byteOffset, LOCAL_HEADER);
  const start = entry.offset + LOCAL_HEADER + v.getUint16(26, true) + v.getUint16(28, true);
  if (start + entry.uncompressedSize > src.size)
    throw new FormatError(src.name, 'truncated', field, 'data passes the end of the archive');
  return start;
}

async function parseZip(src: ByteSource): Promise<ModelInfo> {
  const file = src.name;
  const z = await zip();
  const all = (await z.entries(src)).filter((e: Entry): e is FileEntry => !e.directory);
  const pkl = all.find((e) => DATA_PKL.test(e.filename));
  if (!pkl)
    throw new FormatError(
      file,
      'bad-header',
      'data.pkl',
      'is missing: this zip is not a torch.save checkpoint',
    );
  const prefix = pkl.filename.slice(0, -'data.pkl'.length);
  const byName = new Map<string, FileEntry>();
  for (const e of all) {
    if (!e.filename.startsWith(prefix)) continue;
    if (byName.has(e.filename))
      throw new FormatError(
        file,
        'bad-header',
        `entry '${printable(e.filename)}'`,
        'appears twice in the archive',
      );
    byName.set(e.filename, e);
  }
  const read = async (e: FileEntry, cap: number): Promise<Uint8Array> => {
    const field = `entry '${printable(e.filename)}'`;
    if (e.encrypted) throw new FormatError(file, 'bad-header', field, 'is encrypted');
    if (e.uncompressedSize > cap)
      throw new FormatError(
        file,
        'header-too-large',
        field,
        `holds ${e.uncompressedSize} bytes, more than the ${cap}-byte cap`,
      );
    if (e.compressionMethod === 0) return src.read(await storedStart(src, e), e.uncompressedSize);
    if (e.compressionMethod === 8) {
      const b = await z.inflate(e);
      if (b.length !== e.uncompressedSize)
        throw new FormatError(
          file,
          'truncated',
          field,
          'inflates to a size other than its declared one',
        );
      return b;
    }
    throw new FormatError(
      file,
      'bad-header',
      field,
      `uses zip compression method ${e.compressionMethod} (only stored and deflated are supported)`,
    );
  };
  const text = async (name: string): Promise<string | null> => {
    const e = byName.get(prefix + name);
    return e ? new TextDecoder('latin1').decode(await read(e, 64)).trim() : null;
  };
  const byteorder = (await text('byteorder')) ?? 'little';
  if (byteorder !== 'little' && byteorder !== 'big')
    throw new FormatError(
      file,
      'bad-header',
      `${prefix}byteorder`,
      `is '${printable(byteorder)}', not 'little' or 'big'`,
    );
  const version = (await text('version')) ?? (await text('.data/version'));

  const storages = new Map<string, TorchStorage>();
  const field = printable(pkl.filename);
  const bytes = await read(pkl, MAX_PICKLE_BYTES);
  const { value } = unpickle(bytes, 0, {
    file,
    field,
    rules: torchRules('zip', storages),
    final: true,
  });

  const placed = new Map<string, Placed>();
  for (const s of storages.values()) {
    const path = `${prefix}data/${s.key}`;
    const e = byName.get(path);
    if (!e)
      throw new FormatError(
        file,
        'bad-header',
        `storage '${s.key}'`,
        `has no entry '${printable(path)}' in the archive`,
      );
    if (e.encrypted || (e.compressionMethod !== 0 && e.compressionMethod !== 8))
      throw new FormatError(
        file,
        'bad-header',
        `entry '${printable(path)}'`,
        e.encrypted ? 'is encrypted' : `uses zip compression method ${e.compressionMethod}`,
      );
    const p: Placed =
      e.compressionMethod === 0
        ? { offset: await storedStart(src, e), bytes: e.uncompressedSize }
        : {
            offset: 0,
            bytes: e.uncompressedSize,
            zipEntry: { path: e.filename, at: e.offset, offset: 0 },
          };
    placed.set(s.key, p);
  }
  const metadata: Record<string, string> = { 'pytorch.layout': 'zip' };
  if (version !== null) metadata['pytorch.version'] = printable(version);
  return tensorTable(src, value, bytes.length, placed, byteorder === 'little', metadata, 'zip');
}

// --- legacy layout -------------------------------------------------------------------------------

/** The part of a legacy file in memory: the pickles follow one another, so one window serves several. */
interface Window {
  start: number;
  bytes: Uint8Array;
}

/** Bytes a window must still hold past `pos` to be tried before a fresh read. */
const MIN_AHEAD = 4096;

/** One pickle at `pos`, read in growing windows: its value, where it ends and its length. */
async function pickleAt(
  src: ByteSource,
  win: Window,
  pos: number,
  rules: PickleRules,
  field: string,
): Promise<{ value: PyValue; end: number; bytes: number }> {
  let want = FIRST_WINDOW;
  for (;;) {
    const ahead = win.start + win.bytes.length - pos;
    const toEnd = win.start + win.bytes.length >= src.size;
    if (pos < win.start || ahead < 0 || (ahead < Math.min(want, MIN_AHEAD) && !toEnd)) {
      win.start = pos;
      win.bytes = await src.read(pos, Math.min(want, src.size - pos, MAX_PICKLE_BYTES));
    }
    const at = pos - win.start;
    const final = win.start + win.bytes.length >= src.size;
    try {
      const r = unpickle(win.bytes, at, { file: src.name, field, rules, final });
      return { value: r.value, end: win.start + r.end, bytes: r.end - at };
    } catch (e) {
      if (!(e instanceof PickleNeedsMore)) throw e;
      const had = win.bytes.length - at;
      if (had >= MAX_PICKLE_BYTES)
        throw new FormatError(
          src.name,
          'header-too-large',
          field,
          `is longer than the ${MAX_PICKLE_BYTES}-byte cap`,
        );
      want = Math.max(FIRST_WINDOW, had * 4);
      win.bytes = new Uint8Array(0); // read afresh from `pos`, `want` bytes
      win.start = pos;
    }
  }
}

/** Rules for the preamble pickles, which name no globals at all. */
const PLAIN: PickleRules = {
  allowGlobal: () => false,
  call: () => {
    throw new Error('unreachable: no global is allowed');
  },
  build: () => {
    throw new PickleRefusal('BUILD is not allowed here');
  },
  persistentLoad: () => {
    throw new PickleRefusal('a persistent id is not allowed here');
  },
};

async function parseLegacy(src: ByteSource): Promise<ModelInfo> {
  const file = src.name;
  const win: Window = { start: 0, bytes: new Uint8Array(0) };
  const magic = await pickleAt(src, win, 0, PLAIN, 'magic number');
  if (magic.value !== LEGACY_MAGIC)
    throw new FormatError(file, 'bad-magic', 'magic number', "is not torch.save's");
  const proto = await pickleAt(src, win, magic.end, PLAIN, 'protocol version');
  if (proto.value !== LEGACY_PROTOCOL)
    throw new FormatError(
      file,
      'bad-version',
      'protocol version',
      `${printable(String(proto.value))} is not ${LEGACY_PROTOCOL}`,
    );
  const sys = await pickleAt(src, win, proto.end, PLAIN, 'sys_info');
  const info = sys.value;
  const le =
    typeof info === 'object' && info?.kind === 'dict'
      ? info.entries.get('slittle_endian')?.[1]
      : undefined;
  if (typeof le !== 'boolean')
    throw new FormatError(file, 'bad-header', 'sys_info', 'has no little_endian flag');

  const storages = new Map<string, TorchStorage>();
  const main = await pickleAt(src, win, sys.end, torchRules('legacy', storages), 'pickle');
  const keysAt = await pickleAt(src, win, main.end, PLAIN, 'storage keys');
  const keys = keysAt.value;
  if (
    typeof keys !== 'object' ||
    keys === null ||
    keys.kind !== 'list' ||
    !keys.items.every((k) => typeof k === 'string')
  )
    throw new FormatError(file, 'bad-header', 'storage keys', 'are not a list of names');

  // Each storage: an int64 element count in the file's byte order, then its elements.
  const placed = new Map<string, Placed>();
  let at = keysAt.end;
  for (const key of keys.items as string[]) {
    const s = storages.get(key);
    const field = `storage '${printable(key)}'`;
    if (!s) throw new FormatError(file, 'bad-header', field, 'is listed but no tensor uses it');
    if (placed.has(key)) throw new FormatError(file, 'bad-header', field, 'is listed twice');
    if (at + 8 > src.size)
      throw new FormatError(
        file,
        'truncated',
        field,
        `its size at byte ${at} passes the end of the ${src.size}-byte file`,
      );
    const head = await src.read(at, 8);
    const n = new DataView(head.buffer, head.byteOffset, 8).getBigInt64(0, le);
    if (n !== BigInt(s.numel))
      throw new FormatError(
        file,
        'size-mismatch',
        field,
        `holds ${n} elements, its id says ${s.numel}`,
      );
    const bytes = s.numel * s.type.size;
    if (at + 8 + bytes > src.size)
      throw new FormatError(
        file,
        'truncated',
        field,
        `${bytes} bytes at ${at + 8} pass the end of the ${src.size}-byte file`,
      );
    placed.set(key, { offset: at + 8, bytes });
    at += 8 + bytes;
  }
  const metadata: Record<string, string> = {
    'pytorch.layout': 'legacy',
  };
  return tensorTable(src, main.value, main.bytes, placed, le, metadata, 'legacy');
}

export const pytorchReader: FormatReader = {
  format: 'pytorch',
  extensions: ['.pt', '.pth', '.ckpt', '.bin'],
  match,
  fits,
  parse,
};

// safetensors reader: 8-byte little-endian header length, a JSON header, then the data section.
// Rules follow the reference implementation: offsets are relative to the data section, tensors
// are contiguous and non-overlapping and cover it exactly, zero-sized tensors are allowed, and
// the header may be padded with trailing spaces.
import { bytesPerElement, isDType } from '../core/base/dtype.ts';
import { shapeProduct } from '../core/base/shape.ts';
import { FormatError, hexBytes, looksLike, rawValueText } from './errors.ts';
import type { FormatReader, ModelInfo, TensorInfo } from './model.ts';
import { assembleQuantized, QUANT_KEY } from './quantized-safetensors.ts';
import type { ByteSource } from './source.ts';

/** The reference implementation's cap on the header (safetensors MAX_HEADER_SIZE). */
const MAX_HEADER_BYTES = 100_000_000;

function readU64(bytes: Uint8Array): number {
  const v = new DataView(bytes.buffer, bytes.byteOffset, 8);
  const lo = v.getUint32(0, true);
  const hi = v.getUint32(4, true);
  // Anything above 2^53 is absurd for a header and is reported as too large.
  return hi >= 0x200000 ? Number.MAX_SAFE_INTEGER : hi * 2 ** 32 + lo;
}

function match(head: Uint8Array): boolean {
  if (head.byteLength < 10) return false;
  const n = readU64(head);
  return n >= 2 && n <= MAX_HEADER_BYTES && head[8] === 0x7b; /* { */
}

async function parse(src: ByteSource): Promise<ModelInfo> {
  const file = src.name;
  if (src.size < 8) {
    throw new FormatError(
      file,
      'truncated',
      'header length',
      `file has ${src.size} bytes, need at least 8`,
    );
  }
  const head = await src.read(0, 8);
  const n = readU64(head);
  // The length as the file wrote it (exact past 2^53), with the bytes it came from.
  const read = () => {
    const exact = new DataView(head.buffer, head.byteOffset, 8).getBigUint64(0, true);
    return `the first 8 bytes (${hexBytes(head)}) read as a header of ${exact} bytes`;
  };
  if (n > MAX_HEADER_BYTES) {
    throw new FormatError(
      file,
      'header-too-large',
      'header length',
      `${read()}, over the ${MAX_HEADER_BYTES}-byte cap${looksLike(head)}`,
    );
  }
  if (n < 2) {
    throw new FormatError(
      file,
      'header-too-small',
      'header length',
      `${read()}, too few to hold a JSON object${looksLike(head)}`,
    );
  }
  if (8 + n > src.size) {
    throw new FormatError(
      file,
      'truncated',
      'header length',
      `${read()}, which passes the end of the ${src.size}-byte file${looksLike(head)}`,
    );
  }
  const raw = await src.read(8, n);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new FormatError(file, 'bad-header', 'header', 'is not valid UTF-8');
  }
  if (!text.startsWith('{')) {
    throw new FormatError(file, 'bad-header', 'header', 'does not start with "{"');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new FormatError(file, 'bad-header', 'header', `is not JSON (${(e as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new FormatError(file, 'bad-header', 'header', 'is not a JSON object');
  }
  const dataStart = 8 + n;
  const dataSize = src.size - dataStart;
  const metadata: Record<string, string> = {};
  const tensors: (TensorInfo & { begin: number; end: number })[] = [];
  for (const [name, entry] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
        throw new FormatError(file, 'bad-header', '__metadata__', 'must be an object of strings');
      }
      for (const [k, v] of Object.entries(entry)) {
        if (typeof v !== 'string') {
          throw new FormatError(file, 'bad-header', `__metadata__.${k}`, 'must be a string');
        }
        metadata[k] = v;
      }
      continue;
    }
    // The entry's fields as the header wrote them, for messages (JSON.parse turns 1e400 into
    // Infinity, which JSON.stringify writes as null). Searched only when a message needs it.
    const rawOf = (key: string, v: unknown) => {
      const at = text.search(new RegExp(`${escapeRegExp(JSON.stringify(name))}\\s*:`));
      return (at >= 0 ? rawValueText(text, `"${key}"`, at) : null) ?? JSON.stringify(v);
    };
    tensors.push(parseEntry(file, name, entry, dataStart, rawOf));
  }
  tensors.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const t of tensors) {
    if (t.begin !== at) {
      const what = t.begin < at ? 'overlaps the previous tensor' : `leaves a gap after byte ${at}`;
      throw new FormatError(
        file,
        'bad-offsets',
        `tensor '${t.name}' data_offsets`,
        `[${t.begin}, ${t.end}] ${what}`,
      );
    }
    at = t.end;
  }
  if (at !== dataSize) {
    throw new FormatError(
      file,
      at > dataSize ? 'truncated' : 'bad-offsets',
      'data section',
      at > dataSize
        ? `tensors need ${at} bytes but the file holds ${dataSize} after the header (incomplete file)`
        : `tensors cover ${at} of its ${dataSize} bytes`,
    );
  }
  const plain: TensorInfo[] = tensors.map(({ begin: _b, end: _e, ...t }) => t);
  const quant = metadata[QUANT_KEY];
  return {
    format: 'safetensors',
    file,
    fileBytes: src.size,
    metadata,
    tensors: quant === undefined ? plain : assembleQuantized(file, quant, plain),
  };
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function parseEntry(
  file: string,
  name: string,
  entry: unknown,
  dataStart: number,
  rawOf: (key: string, v: unknown) => string = (_k, v) => JSON.stringify(v),
) {
  const field = `tensor '${name}'`;
  if (typeof entry !== 'object' || entry === null) {
    throw new FormatError(file, 'bad-header', field, 'is not an object');
  }
  const { dtype, shape, data_offsets: offs } = entry as Record<string, unknown>;
  if (typeof dtype !== 'string' || !isDType(dtype)) {
    throw new FormatError(
      file,
      'unsupported-dtype',
      `${field} dtype`,
      `${JSON.stringify(dtype)} is not a supported dtype`,
    );
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new FormatError(
      file,
      'bad-shape',
      `${field} shape`,
      `${rawOf('shape', shape)} is not a list of non-negative integers below 2^53`,
    );
  }
  const params = shapeProduct(shape as number[]);
  if (params === null) {
    throw new FormatError(
      file,
      'bad-shape',
      `${field} shape`,
      `${rawOf('shape', shape)} overflows: more than 2^53 elements`,
    );
  }
  if (
    !Array.isArray(offs) ||
    offs.length !== 2 ||
    !offs.every((o) => Number.isSafeInteger(o) && o >= 0)
  ) {
    throw new FormatError(
      file,
      'bad-offsets',
      `${field} data_offsets`,
      `${rawOf('data_offsets', offs)} is not a pair of byte offsets (non-negative integers below 2^53)`,
    );
  }
  const [begin, end] = offs as [number, number];
  if (end < begin) {
    throw new FormatError(
      file,
      'bad-offsets',
      `${field} data_offsets`,
      `[${begin}, ${end}] ends before it begins`,
    );
  }
  const bytes = params * bytesPerElement(dtype);
  if (end - begin !== bytes) {
    throw new FormatError(
      file,
      'size-mismatch',
      field,
      `data_offsets [${begin}, ${end}] span ${end - begin} bytes but ${dtype} ${JSON.stringify(shape)} needs ${bytes}`,
    );
  }
  return {
    name,
    dtype,
    shape: shape as number[],
    params,
    offset: dataStart + begin,
    bytes,
    littleEndian: true,
    begin,
    end,
  };
}

export const safetensorsReader: FormatReader = {
  format: 'safetensors',
  extensions: ['.safetensors'],
  match,
  parse,
};

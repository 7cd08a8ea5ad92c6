// .npy reader (numpy format versions 1, 2 and 3, NEP 1). The header is a Python dict literal; it
// is read by a small literal parser that accepts strings, booleans, integers, tuples and dicts
// and nothing else, so no file can make us evaluate anything. Object arrays are refused.
import { bytesPerElement, type ElementDType } from '../core/base/dtype.ts';
import { shapeProduct } from '../core/base/shape.ts';
import { FormatError, hexBytes, looksLike, rawValueText } from './errors.ts';
import type { FormatReader, ModelInfo } from './model.ts';
import type { ByteSource } from './source.ts';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** numpy caps headers at 10,000 bytes by default when reading; we allow more, but not absurdly more. */
const MAX_NPY_HEADER_BYTES = 1 << 20;

const DESCR: Record<string, ElementDType> = {
  f2: 'F16',
  f4: 'F32',
  f8: 'F64',
  i1: 'I8',
  i2: 'I16',
  i4: 'I32',
  i8: 'I64',
  u1: 'U8',
  u2: 'U16',
  u4: 'U32',
  u8: 'U64',
  b1: 'BOOL',
};

function match(head: Uint8Array): boolean {
  return head.byteLength >= 8 && MAGIC.every((b, i) => head[i] === b);
}

type PyValue = string | number | boolean | null | PyValue[] | { [k: string]: PyValue };

/** Parses the restricted Python literal grammar of .npy headers; throws a plain message on error. */
export function parsePyLiteral(text: string): PyValue {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const value = (): PyValue => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const out: Record<string, PyValue> = {};
      for (;;) {
        ws();
        if (text[i] === '}') return (i++, out);
        const k = value();
        if (typeof k !== 'string') throw new Error('dict keys must be strings');
        ws();
        if (text[i++] !== ':') throw new Error(`expected ':' at ${i - 1}`);
        out[k] = value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== '}') throw new Error(`expected ',' or '}' at ${i}`);
      }
    }
    if (c === '(' || c === '[') {
      const close = c === '(' ? ')' : ']';
      i++;
      const out: PyValue[] = [];
      for (;;) {
        ws();
        if (text[i] === close) return (i++, out);
        out.push(value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== close) throw new Error(`expected ',' or '${close}' at ${i}`);
      }
    }
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) throw new Error('unterminated string');
      const s = text.slice(i + 1, end);
      i = end + 1;
      return s;
    }
    const m = /^(True|False|None|-?\d+L?)/.exec(text.slice(i, i + 32));
    if (!m) throw new Error(`unexpected ${JSON.stringify(text.slice(i, i + 10))} at ${i}`);
    i += m[0].length;
    if (m[0] === 'True') return true;
    if (m[0] === 'False') return false;
    if (m[0] === 'None') return null;
    return Number(m[0].replace('L', ''));
  };
  const v = value();
  ws();
  if (i !== text.length) throw new Error(`trailing text at ${i}`);
  return v;
}

async function parse(src: ByteSource): Promise<ModelInfo> {
  const file = src.name;
  if (src.size < 10)
    throw new FormatError(
      file,
      'truncated',
      'preamble',
      `file has ${src.size} bytes, need at least 10`,
    );
  const pre = await src.read(0, Math.min(12, src.size));
  if (!match(pre))
    throw new FormatError(
      file,
      'bad-magic',
      'magic',
      `starts with ${hexBytes(pre.subarray(0, 6))}, not \\x93NUMPY${looksLike(pre)}`,
    );
  const major = pre[6]!;
  if (major < 1 || major > 3)
    throw new FormatError(
      file,
      'bad-version',
      'version',
      `${major}.${pre[7]} is not 1.0, 2.0 or 3.0`,
    );
  const v = new DataView(pre.buffer, pre.byteOffset, pre.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  if (src.size < 8 + lenBytes)
    throw new FormatError(file, 'truncated', 'header length', 'file ends inside the preamble');
  const hlen = major === 1 ? v.getUint16(8, true) : v.getUint32(8, true);
  if (hlen > MAX_NPY_HEADER_BYTES) {
    throw new FormatError(
      file,
      'header-too-large',
      'header length',
      `${hlen} bytes exceeds the ${MAX_NPY_HEADER_BYTES}-byte cap`,
    );
  }
  const hstart = 8 + lenBytes;
  if (hstart + hlen > src.size) {
    throw new FormatError(
      file,
      'truncated',
      'header length',
      `header of ${hlen} bytes passes the end of the ${src.size}-byte file`,
    );
  }
  const raw = await src.read(hstart, hlen);
  let text: string;
  try {
    text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1', { fatal: true }).decode(raw);
  } catch {
    throw new FormatError(file, 'bad-header', 'header', 'is not valid UTF-8');
  }
  let dict: PyValue;
  try {
    dict = parsePyLiteral(text.replace(/\n$/, ''));
  } catch (e) {
    throw new FormatError(
      file,
      'bad-header',
      'header',
      `is not a Python dict literal (${(e as Error).message})`,
    );
  }
  if (typeof dict !== 'object' || dict === null || Array.isArray(dict)) {
    throw new FormatError(file, 'bad-header', 'header', 'is not a dict');
  }
  const { descr, fortran_order: fortran, shape } = dict;
  if (typeof descr !== 'string') {
    const what = Array.isArray(descr)
      ? 'structured dtypes are not supported'
      : 'is missing or not a string';
    throw new FormatError(file, 'unsupported-dtype', 'descr', what);
  }
  const order = descr[0];
  const code = /^[<>|=]/.test(descr) ? descr.slice(1) : descr;
  if (code.startsWith('O')) {
    throw new FormatError(
      file,
      'unsupported-dtype',
      'descr',
      `'${descr}' is an object array; refused because loading it would run code`,
    );
  }
  const dtype = DESCR[code];
  if (!dtype)
    throw new FormatError(
      file,
      'unsupported-dtype',
      'descr',
      `'${descr}' is not a supported dtype`,
    );
  if (typeof fortran !== 'boolean')
    throw new FormatError(file, 'bad-header', 'fortran_order', 'must be True or False');
  if (
    !Array.isArray(shape) ||
    !shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)
  ) {
    throw new FormatError(
      file,
      'bad-shape',
      'shape',
      `${rawValueText(text, "'shape'") ?? JSON.stringify(shape)} is not a tuple of non-negative integers below 2^53`,
    );
  }
  const dims = shape as number[];
  const params = shapeProduct(dims);
  if (params === null)
    throw new FormatError(
      file,
      'bad-shape',
      'shape',
      `${rawValueText(text, "'shape'") ?? JSON.stringify(dims)} holds more than 2^53 elements`,
    );
  const offset = hstart + hlen;
  const bytes = params * bytesPerElement(dtype);
  if (offset + bytes > src.size) {
    throw new FormatError(
      file,
      'truncated',
      'data',
      `${dtype} ${JSON.stringify(dims)} needs ${bytes} bytes but the file holds ${src.size - offset} after the header`,
    );
  }
  const name = file.replace(/^.*[\\/]/, '').replace(/\.npy$/i, '') || 'array';
  return {
    format: 'npy',
    file,
    fileBytes: src.size,
    metadata: { version: `${major}.${pre[7]}`, descr },
    tensors: [
      {
        name,
        dtype,
        shape: dims,
        params,
        offset,
        bytes,
        littleEndian: order !== '>',
        fortranOrder: fortran,
      },
    ],
  };
}

export const npyReader: FormatReader = { format: 'npy', extensions: ['.npy'], match, parse };

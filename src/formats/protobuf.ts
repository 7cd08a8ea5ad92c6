// A protobuf wire-format walker over a Cursor: it yields each field of a message with where its
// bytes lie, so a reader can recurse into sub-messages and skip large byte fields (ONNX raw_data)
// without reading them. No schema, no copies; lengths are checked against the enclosing message.
import type { Cursor } from './cursor.ts';
import { FormatError, hexBytes } from './errors.ts';

export interface Field {
  /** Field number. */
  no: number;
  /** 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32. */
  wire: 0 | 1 | 2 | 5;
  /** Varint value (wire 0); exact below 2^53, Infinity above. */
  value: number;
  /** Payload start (wire 1, 2, 5) as a file offset, and its length. */
  start: number;
  len: number;
}

export async function varint(c: Cursor, field: string): Promise<number> {
  let v = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    const b = await c.u8(field);
    v += (b & 0x7f) * mul;
    if (b < 0x80) return v > Number.MAX_SAFE_INTEGER ? Infinity : v;
    mul *= 128;
  }
  throw new FormatError(c.src.name, 'bad-header', field, 'has a varint longer than 10 bytes');
}

/**
 * Walks the fields of the message in [c.pos, end). After each yield the cursor moves to the end of
 * that field, whether or not the consumer read into it.
 */
/** The bytes of the varint at `at`, as hex, for a message that quotes what the file holds. */
async function varintHex(c: Cursor, at: number): Promise<string> {
  const bytes = await c.src.read(at, Math.min(10, c.src.size - at));
  const end = bytes.findIndex((b) => b < 0x80);
  return hexBytes(bytes.subarray(0, end < 0 ? bytes.length : end + 1));
}

export async function* fields(c: Cursor, end: number, what: string): AsyncGenerator<Field> {
  while (c.pos < end) {
    const at = c.pos;
    const key = await varint(c, `${what} field key`);
    // Protobuf keys are a 29-bit field number and a 3-bit wire type: a longer varint is not one.
    if (key > 0xffffffff)
      throw new FormatError(
        c.src.name,
        'bad-header',
        `${what} field key`,
        `the varint at offset ${at} (${await varintHex(c, at)}) is past 2^32, longer than any field key`,
      );
    const no = Math.floor(key / 8);
    const wire = key % 8;
    let f: Field;
    if (wire === 0) {
      f = { no, wire, value: await varint(c, `${what} field ${no}`), start: c.pos, len: 0 };
    } else if (wire === 1 || wire === 5) {
      const len = wire === 1 ? 8 : 4;
      f = { no, wire, value: 0, start: c.pos, len };
    } else if (wire === 2) {
      const lenAt = c.pos;
      const len = await varint(c, `${what} field ${no} length`);
      if (len > end - c.pos)
        throw new FormatError(
          c.src.name,
          'truncated',
          `${what} field ${no}`,
          `length ${Number.isSafeInteger(len) ? len : `varint ${await varintHex(c, lenAt)} (past 2^53)`} runs past its enclosing message, which has ${end - c.pos} bytes left (offset ${c.pos})`,
        );
      f = { no, wire, value: 0, start: c.pos, len };
    } else {
      throw new FormatError(
        c.src.name,
        'bad-header',
        `${what} field ${no}`,
        `has unsupported wire type ${wire}`,
      );
    }
    const next = f.start + f.len;
    if (next > end) {
      throw new FormatError(
        c.src.name,
        'truncated',
        `${what} field ${no}`,
        `runs ${next - end} bytes past its enclosing message (offset ${f.start})`,
      );
    }
    yield f;
    c.pos = next;
  }
  if (c.pos !== end) {
    throw new FormatError(c.src.name, 'bad-header', what, `ends at ${c.pos}, not at ${end}`);
  }
}

/** Names and strings in a model are short; a longer one is a corrupt length, not a string. */
const MAX_STRING = 16 << 20;

export async function readString(c: Cursor, f: Field, what: string): Promise<string> {
  if (f.wire !== 2) throw new FormatError(c.src.name, 'bad-header', what, 'is not a string');
  if (f.len > MAX_STRING)
    throw new FormatError(
      c.src.name,
      'bad-header',
      what,
      `is ${f.len} bytes, over the ${MAX_STRING}-byte cap`,
    );
  c.pos = f.start;
  const bytes = await c.bytes(f.len, what);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new FormatError(c.src.name, 'bad-header', what, 'is not valid UTF-8');
  }
}

/** Decodes packed varints (unsigned; int64 negatives come back as 2^64 − |x|, fixed by the caller). */
export function unpackVarints(bytes: Uint8Array): number[] {
  const out: number[] = [];
  let v = 0;
  let mul = 1;
  for (const b of bytes) {
    v += (b & 0x7f) * mul;
    if (b < 0x80) {
      out.push(v);
      v = 0;
      mul = 1;
    } else mul *= 128;
  }
  return out;
}

// llama2.c's tokenizer.bin and its encode/decode rule (run.c's build_tokenizer, encode, decode):
// int32 max_token_length, then per token a float32 score, an int32 byte length and the bytes
// (SentencePiece's "▁" already written as a space by llama2.c's tokenizer.py).
import { FormatError } from './errors.ts';
import type { ByteSource } from './source.ts';

/** A 256k-token vocabulary takes a few MB; anything past this is not a tokenizer. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;
/** llama2.c / SentencePiece ids of the special tokens. */
export const BOS = 1;
export const EOS = 2;
/** Byte tokens <0x00>…<0xFF> follow <unk>, <s>, </s>: byte b is id b + 3. */
const BYTE_OFFSET = 3;

export interface Llama2cTokenizer {
  file: string;
  maxTokenLength: number;
  /** Each token's bytes, as stored. */
  pieces: Uint8Array[];
  scores: Float32Array;
  /** Each piece's bytes as a one-char-per-byte string (how pieces are compared and concatenated). */
  keys: string[];
  /** A piece's key → its first id. */
  ids: Map<string, number>;
}

const key = (b: Uint8Array): string => String.fromCharCode(...b);

/**
 * Parses tokenizer.bin. With `vocabSize` (the model's), a file holding another number of tokens is
 * refused; without it, the file is read to its end and `pieces.length` is the count.
 */
export function parseLlama2cTokenizer(
  file: string,
  bytes: Uint8Array,
  vocabSize?: number,
): Llama2cTokenizer {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 4) {
    throw new FormatError(
      file,
      'truncated',
      'max_token_length',
      `file has ${bytes.byteLength} bytes, need 4`,
    );
  }
  const maxTokenLength = v.getInt32(0, true);
  if (maxTokenLength <= 0) {
    throw new FormatError(
      file,
      'bad-header',
      'max_token_length',
      `is ${maxTokenLength}, must be positive`,
    );
  }
  const pieces: Uint8Array[] = [];
  const scores: number[] = [];
  let at = 4;
  while (at < bytes.byteLength) {
    const field = `token ${pieces.length}`;
    if (at + 8 > bytes.byteLength) {
      throw new FormatError(
        file,
        'truncated',
        field,
        `score and length need 8 bytes at ${at}, the file ends at ${bytes.byteLength}`,
      );
    }
    const len = v.getInt32(at + 4, true);
    if (len < 0 || len > maxTokenLength) {
      throw new FormatError(
        file,
        'bad-header',
        `${field} length`,
        `is ${len}, must be between 0 and max_token_length ${maxTokenLength}`,
      );
    }
    if (at + 8 + len > bytes.byteLength) {
      throw new FormatError(
        file,
        'truncated',
        `${field} length`,
        `${len} bytes at ${at + 8} pass the end of the ${bytes.byteLength}-byte file`,
      );
    }
    scores.push(v.getFloat32(at, true));
    pieces.push(bytes.slice(at + 8, at + 8 + len));
    at += 8 + len;
  }
  if (vocabSize !== undefined && pieces.length !== vocabSize) {
    throw new FormatError(
      file,
      'size-mismatch',
      'vocabulary',
      `holds ${pieces.length} tokens, the model's has ${vocabSize}`,
    );
  }
  const keys = pieces.map(key);
  const ids = new Map<string, number>();
  keys.forEach((k, i) => {
    if (!ids.has(k)) ids.set(k, i);
  });
  return { file, maxTokenLength, pieces, scores: Float32Array.from(scores), keys, ids };
}

/** Reads tokenizer.bin from a byte source (whole: it is small, and capped). */
export async function openLlama2cTokenizer(
  src: ByteSource,
  vocabSize?: number,
): Promise<Llama2cTokenizer> {
  if (src.size > MAX_FILE_BYTES) {
    throw new FormatError(
      src.name,
      'header-too-large',
      'file size',
      `${src.size} bytes exceeds the ${MAX_FILE_BYTES}-byte cap for a tokenizer`,
    );
  }
  return parseLlama2cTokenizer(src.name, await src.read(0, src.size), vocabSize);
}

function idOf(t: Llama2cTokenizer, k: string): number {
  return t.ids.get(k) ?? -1;
}

/**
 * Token ids of `text` by run.c's rule: BOS first when asked; a dummy " " token when the text is not
 * empty; each UTF-8 character its token, or its bytes as byte tokens (id = byte + 3); then, while
 * any adjacent pair concatenates to a token, merge the pair whose token scores highest (the leftmost
 * on ties). Like C strings, the text ends at its first NUL.
 */
export function encode(t: Llama2cTokenizer, text: string, opts: { bos: boolean }): number[] {
  let bytes = new TextEncoder().encode(text);
  const nul = bytes.indexOf(0);
  if (nul >= 0) bytes = bytes.subarray(0, nul);
  const tokens: number[] = opts.bos ? [BOS] : [];
  if (bytes.length > 0) {
    const space = idOf(t, ' ');
    if (space < 0)
      throw new FormatError(
        t.file,
        'bad-header',
        'vocabulary',
        'has no " " token for the dummy prefix',
      );
    tokens.push(space);
  }
  // One character: a lead byte and its continuation bytes (at most 4, as run.c groups them).
  for (let i = 0; i < bytes.length;) {
    let end = i + 1;
    while (end < bytes.length && (bytes[end]! & 0xc0) === 0x80 && end - i < 4) end++;
    const ch = bytes.subarray(i, end);
    const id = idOf(t, key(ch));
    if (id >= 0) tokens.push(id);
    else {
      for (const b of ch) {
        if (b + BYTE_OFFSET >= t.pieces.length) {
          throw new FormatError(
            t.file,
            'bad-header',
            'vocabulary',
            `has no byte token for 0x${b.toString(16)}`,
          );
        }
        tokens.push(b + BYTE_OFFSET);
      }
    }
    i = end;
  }
  // pair[i]: the token of tokens[i] + tokens[i + 1], or -1; only the merged pair's neighbours change.
  const pairOf = (i: number) => idOf(t, t.keys[tokens[i]!]! + t.keys[tokens[i + 1]!]!);
  const pair = tokens.slice(0, -1).map((_, i) => pairOf(i));
  for (;;) {
    let best = -1;
    let bestScore = -1e10; // run.c's starting score: a pair must beat it
    for (let i = 0; i < pair.length; i++) {
      const id = pair[i]!;
      if (id >= 0 && t.scores[id]! > bestScore) {
        bestScore = t.scores[id]!;
        best = i;
      }
    }
    if (best < 0) break;
    tokens.splice(best, 2, pair[best]!);
    pair.splice(best, 1);
    if (best < pair.length) pair[best] = pairOf(best);
    if (best > 0) pair[best - 1] = pairOf(best - 1);
  }
  return tokens;
}

/**
 * One token's bytes as run.c's decode gives them: after BOS a leading space is dropped, and
 * `<0xXX>` byte tokens are the raw byte.
 */
export function decodePiece(t: Llama2cTokenizer, prev: number, id: number): Uint8Array {
  let p = t.pieces[id];
  if (!p)
    throw new RangeError(
      `${t.file}: token id ${id} is outside the ${t.pieces.length}-token vocabulary`,
    );
  if (prev === BOS && p[0] === 0x20) p = p.subarray(1);
  const m = /^<0x([0-9A-Fa-f]{2})>$/.exec(key(p));
  return m ? Uint8Array.of(parseInt(m[1]!, 16)) : p;
}

/** The text of `ids`: their pieces' bytes as UTF-8; BOS and EOS write nothing. */
export function decode(t: Llama2cTokenizer, ids: readonly number[]): string {
  const parts: Uint8Array[] = [];
  ids.forEach((id, i) => {
    if (id !== BOS && id !== EOS) parts.push(decodePiece(t, i > 0 ? ids[i - 1]! : -1, id));
  });
  return joinUtf8(parts);
}

/** Pieces' bytes joined and read as UTF-8 (a character split over pieces comes out whole). */
export function joinUtf8(parts: readonly Uint8Array[]): string {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return new TextDecoder().decode(all);
}

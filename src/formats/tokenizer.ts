// One face for every tokenizer a language model may come with: llama2.c's tokenizer.bin, a Hugging
// Face tokenizer.json, or the vocabulary a GGUF carries in its metadata. `openTokenizer` tells the
// files apart by their content (JSON starts with "{"; tokenizer.bin with a small int32), and every
// tokenizer is checked against the model's vocabulary before it scores anything.
import { FormatError } from './errors.ts';
import { hfTokenizer, type HfTokenizerOptions } from './hf-tokenizer.ts';
import {
  BOS,
  decodePiece,
  encode,
  joinUtf8,
  parseLlama2cTokenizer,
  type Llama2cTokenizer,
} from './llama2c-tokenizer.ts';
import type { ByteSource } from './source.ts';

export interface Tokenizer {
  /** The file (or model) it came from, for messages. */
  name: string;
  /** Ids run from 0 to vocabSize - 1. */
  vocabSize: number;
  /** The start and end of text, when the tokenizer has them. */
  bos: number | null;
  eos: number | null;
  /** Token ids of `text`; with `bos`, the start of text the tokenizer's own rule puts first. */
  encode(text: string, opts: { bos: boolean }): number[];
  /** The text of `ids`; the start and end of text (and other special tokens) write nothing. */
  decode(ids: readonly number[]): string;
  /**
   * The text one token adds after the token before it (`prev` -1: nothing before), as a stream
   * shows it; a byte token that is only part of a character shows as U+FFFD.
   */
  piece(prev: number, id: number): string;
}

/** A 256k-token tokenizer.json takes tens of MB; anything past this is not a tokenizer. */
export const MAX_TOKENIZER_BYTES = 64 * 1024 * 1024;

/**
 * Rows of the embedding a tokenizer.json may leave unused: Hugging Face models pad their vocabulary
 * for fast matmuls (Qwen2.5: 151,936 rows for 151,665 tokens), by at most half a percent. llama2.c's
 * and GGUF's vocabularies list every row, so they must match exactly.
 */
const padding = (vocab: number): number => Math.floor(vocab / 200);

/**
 * The size check every tokenizer gets: every id it makes must be a row of the model, and the model's
 * rows past the tokenizer's last are at most `unused` padding rows, not another vocabulary.
 */
export function checkVocab(t: Tokenizer, vocab: number, unused = 0): Tokenizer {
  if (t.vocabSize > vocab || vocab - t.vocabSize > unused)
    throw new FormatError(
      t.name,
      'size-mismatch',
      'vocabulary',
      `the tokenizer has ${t.vocabSize} tokens, the model's vocabulary has ${vocab}: it is not this model's tokenizer`,
    );
  return t;
}

/**
 * A SentencePiece-style vocabulary (pieces with scores, "▁" already a space) under llama2.c's
 * encode/decode rule, with the start and end of text at `bos`/`eos` (llama2.c: 1 and 2).
 */
export function sentencePieceTokenizer(
  t: Llama2cTokenizer,
  ids: { bos: number | null; eos: number | null } = { bos: BOS, eos: 2 },
  skip: ReadonlySet<number> = new Set(),
): Tokenizer {
  const silent = (id: number) => id === ids.bos || id === ids.eos || skip.has(id);
  const bytesOf = (prev: number, id: number) =>
    silent(id)
      ? new Uint8Array(0)
      : // llama2.c's decode drops the dummy prefix's space after its BOS: the same after ours.
        decodePiece(t, ids.bos !== null && prev === ids.bos ? BOS : -1, id);
  return {
    name: t.file,
    vocabSize: t.pieces.length,
    bos: ids.bos,
    eos: ids.eos,
    encode(text, opts) {
      const body = encode(t, text, { bos: false });
      return opts.bos && ids.bos !== null ? [ids.bos, ...body] : body;
    },
    decode(list) {
      return joinUtf8(list.map((id, i) => bytesOf(i ? list[i - 1]! : -1, id)));
    },
    piece: (prev, id) => new TextDecoder().decode(bytesOf(prev, id)),
  };
}

/** The first byte that is not white space (or a UTF-8 byte order mark), or -1. */
function firstByte(head: Uint8Array): number {
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && [0x20, 0x09, 0x0a, 0x0d].includes(head[i]!)) i++;
  return i < head.length ? head[i]! : -1;
}

/**
 * Opens a tokenizer file by its content: a tokenizer.json (Hugging Face) or llama2.c's
 * tokenizer.bin, refused when its vocabulary is not the model's (`vocab` tokens). `hf` carries what
 * a tokenizer.json does not say itself (the model's start and end of text, tokenizer_config.json).
 */
export async function openTokenizer(
  source: ByteSource,
  vocab: number,
  hf: HfTokenizerOptions = {},
): Promise<Tokenizer> {
  if (source.size > MAX_TOKENIZER_BYTES) {
    throw new FormatError(
      source.name,
      'header-too-large',
      'file size',
      `${source.size} bytes exceeds the ${MAX_TOKENIZER_BYTES}-byte cap for a tokenizer`,
    );
  }
  if (source.size === 0)
    throw new FormatError(source.name, 'truncated', '', 'is empty: not a tokenizer');
  const bytes = await source.read(0, source.size);
  if (firstByte(bytes.subarray(0, 64)) === 0x7b) {
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch (e) {
      throw new FormatError(
        source.name,
        'bad-header',
        '',
        `starts like a tokenizer.json but is not JSON (${(e as Error).message})`,
      );
    }
    return checkVocab(hfTokenizer(source.name, json, hf), vocab, padding(vocab));
  }
  let t: Llama2cTokenizer;
  try {
    t = parseLlama2cTokenizer(source.name, bytes);
  } catch (e) {
    if (e instanceof FormatError && e.code !== 'size-mismatch')
      throw new FormatError(
        source.name,
        e.code,
        e.field,
        `${e.detail} (not a tokenizer: Slimlab reads a Hugging Face tokenizer.json or llama2.c's tokenizer.bin)`,
      );
    throw e;
  }
  return checkVocab(sentencePieceTokenizer(t), vocab);
}

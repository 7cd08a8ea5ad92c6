// llama2.c's tokenizer: tok512.bin reads with its 512 tokens, encode matches the independent Python
// golden (scripts/oracles/make_llama2c_tokenizer_fixtures.py), decode inverts it, bad files are refused.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { FormatError } from '../../src/formats/errors.ts';
import {
  decode,
  decodePiece,
  encode,
  openLlama2cTokenizer,
  parseLlama2cTokenizer,
} from '../../src/formats/llama2c-tokenizer.ts';
import { bytesSource } from '../../src/formats/source.ts';

const TOK = new URL('../../public/models/stories260K.tok512.bin', import.meta.url);
const bytes = new Uint8Array(readFileSync(TOK));
const golden = JSON.parse(
  readFileSync(new URL('../fixtures/oracle/llama2c_tokenizer.json', import.meta.url), 'utf8'),
) as { vocab_size: number; cases: Array<{ text: string; bos: boolean; ids: number[] }> };
const tok = parseLlama2cTokenizer('tok512.bin', bytes, 512);

function thrown(f: () => unknown): FormatError {
  try {
    f();
  } catch (e) {
    if (e instanceof FormatError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('llama2c tokenizer: tok512.bin', () => {
  test('reads 512 tokens: <unk>, <s>, </s>, then the 256 byte tokens', async () => {
    const t = await openLlama2cTokenizer(bytesSource('tok512.bin', bytes));
    expect(t.pieces).toHaveLength(golden.vocab_size);
    expect(t.maxTokenLength).toBe(7);
    expect(new TextDecoder().decode(t.pieces[3 + 0x41])).toBe('<0x41>');
    expect(decodePiece(t, 0, 3 + 0x41)).toEqual(Uint8Array.of(0x41));
  });

  test.each(golden.cases.map((c) => [JSON.stringify(c.text), c.bos, c]))(
    'encode %s (bos %s) matches the Python golden',
    (_, __, c) => {
      expect(encode(tok, c.text, { bos: c.bos })).toEqual(c.ids);
    },
  );

  test('decode inverts encode after BOS (the dummy space is dropped)', () => {
    for (const c of golden.cases.filter((x) => x.bos)) expect(decode(tok, c.ids)).toBe(c.text);
  });

  test('without BOS the dummy prefix stays a leading space', () => {
    expect(decode(tok, encode(tok, 'Hi there', { bos: false }))).toBe(' Hi there');
  });

  test('unknown characters fall back to byte tokens and decode back to UTF-8', () => {
    const ids = encode(tok, '😀', { bos: true });
    expect(ids.slice(2)).toEqual([...new TextEncoder().encode('😀')].map((b) => b + 3));
    expect(decode(tok, ids)).toBe('😀');
  });
});

describe('llama2c tokenizer: bad files are refused with a typed error', () => {
  test("a vocabulary size other than the model's", () => {
    const e = thrown(() => parseLlama2cTokenizer('tok512.bin', bytes, 32000));
    expect(e.code).toBe('size-mismatch');
    expect(e.message).toBe("tok512.bin: vocabulary: holds 512 tokens, the model's has 32000");
  });
  test('a truncated file', () => {
    const e = thrown(() => parseLlama2cTokenizer('t.bin', bytes.subarray(0, bytes.length - 1)));
    expect(e.code).toBe('truncated');
    expect(e.message).toMatch(/^t\.bin: token 511 length: \d+ bytes at \d+ pass the end/);
  });
  test('a token longer than max_token_length, or negative', () => {
    const b = bytes.slice();
    const v = new DataView(b.buffer);
    v.setInt32(8, 8, true); // token 0's length
    expect(thrown(() => parseLlama2cTokenizer('t.bin', b)).message).toMatch(
      /token 0 length: is 8, must be between 0 and max_token_length 7/,
    );
    v.setInt32(8, -1, true);
    expect(thrown(() => parseLlama2cTokenizer('t.bin', b)).code).toBe('bad-header');
  });
  test('an empty file and a bad max_token_length', () => {
    expect(thrown(() => parseLlama2cTokenizer('t.bin', new Uint8Array(2))).code).toBe('truncated');
    expect(thrown(() => parseLlama2cTokenizer('t.bin', new Uint8Array(4))).code).toBe('bad-header');
  });
});

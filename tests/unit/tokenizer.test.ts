// The tokenizers a language model may come with, behind one interface: Hugging Face tokenizer.json
// files (a GPT-2 style byte-level BPE and a Llama style BPE with byte fallback, trained by the Python
// `tokenizers` library) against that library's ids and decodes
// (scripts/oracles/make_tokenizer_json_fixtures.py), llama2.c's tokenizer.bin through the same
// interface against its golden, and the files refused: another vocabulary size, not a tokenizer,
// too large.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { FormatError } from '../../src/formats/errors.ts';
import { bytesSource, type ByteSource } from '../../src/formats/source.ts';
import { MAX_TOKENIZER_BYTES, openTokenizer } from '../../src/formats/tokenizer.ts';
import { ORACLE_DIR } from '../helpers/fixtures.ts';

interface Case {
  text: string;
  ids_special: number[];
  ids: number[];
  decoded: string;
  pieces: string[];
}
const goldens = JSON.parse(readFileSync(`${ORACLE_DIR}tokenizer_json_goldens.json`, 'utf8')) as {
  tokenizers: Record<string, { file: string; vocab_size: number; cases: Case[] }>;
};
const TOK_DIR = new URL('../fixtures/tokenizers/', import.meta.url);
const fileOf = (name: string): ByteSource =>
  bytesSource(`${name}.json`, new Uint8Array(readFileSync(new URL(`${name}.json`, TOK_DIR))));

async function rejection(p: Promise<unknown>): Promise<FormatError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof FormatError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe.each(Object.entries(goldens.tokenizers))('tokenizer.json %s', (name, g) => {
  test.each(g.cases.map((c) => [JSON.stringify(c.text), c]))(
    'encode and decode %s as Python tokenizers does',
    async (_, c) => {
      const tok = await openTokenizer(fileOf(name), g.vocab_size);
      expect(tok.encode(c.text, { bos: false })).toEqual(c.ids);
      // The post-processor's own start of text (Llama: <s>; GPT-2: none).
      expect(tok.encode(c.text, { bos: true })).toEqual(c.ids_special);
      expect(tok.decode(c.ids_special)).toBe(c.decoded);
    },
  );

  test('the pieces of a token stream add up to the text', async () => {
    const tok = await openTokenizer(fileOf(name), g.vocab_size);
    for (const c of g.cases) {
      // Pieces that split a character show U+FFFD; the rest join to the decoded text.
      if (c.decoded.includes('\ufffd') || c.pieces.some((p) => p.includes('\ufffd'))) continue;
      const ids = c.ids_special;
      const joined = ids.map((id, i) => tok.piece(i ? ids[i - 1]! : -1, id)).join('');
      expect(joined).toBe(c.decoded);
    }
  });
});

describe('tokenizer.json rules', () => {
  test('the start of text comes from the post-processor, else from the model', async () => {
    const llama = await openTokenizer(fileOf('llama-bpe'), 556);
    expect(llama.bos).toBe(1);
    const gpt2 = await openTokenizer(fileOf('gpt2-bpe'), 400);
    expect(gpt2.bos).toBeNull();
    expect(gpt2.encode('a', { bos: true })).toEqual(gpt2.encode('a', { bos: false }));
    const withBos = await openTokenizer(fileOf('gpt2-bpe'), 400, { bos: 0, eos: 0 });
    expect(withBos.encode('a', { bos: true })).toEqual([0, ...gpt2.encode('a', { bos: false })]);
    expect(withBos.piece(-1, 0)).toBe('');
  });

  test('a vocabulary of another size is refused, saying both sizes', async () => {
    // 556 tokens: a model with fewer rows, or with more than padding would explain, is refused.
    for (const vocab of [555, 556 + 3, 32000]) {
      const e = await rejection(openTokenizer(fileOf('llama-bpe'), vocab));
      expect(e.code).toBe('size-mismatch');
      expect(e.message).toContain('556 tokens');
      expect(e.message).toContain(`has ${vocab}`);
    }
  });

  test("a model whose vocabulary is padded past the tokenizer's last token (Qwen2.5) takes it", async () => {
    // Half a percent of 558 rows: 2 may be padding.
    const t = await openTokenizer(fileOf('llama-bpe'), 558);
    expect(t.vocabSize).toBe(556);
  });

  test('a JSON file that is not a tokenizer, broken JSON, an empty or too large file', async () => {
    const text = (s: string) => bytesSource('tokenizer.json', new TextEncoder().encode(s));
    expect((await rejection(openTokenizer(text('{"vocab": []}'), 10))).message).toMatch(
      /model: is missing: not a tokenizer.json/,
    );
    expect((await rejection(openTokenizer(text('{"model": '), 10))).message).toMatch(/not JSON/);
    expect((await rejection(openTokenizer(text(''), 10))).message).toMatch(/empty/);
    const huge: ByteSource = {
      name: 'huge.json',
      size: MAX_TOKENIZER_BYTES + 1,
      read: () => Promise.reject(new Error('must not be read')),
    };
    expect((await rejection(openTokenizer(huge, 10))).code).toBe('header-too-large');
  });
});

describe("llama2.c's tokenizer.bin behind the same interface", () => {
  const golden = JSON.parse(readFileSync(`${ORACLE_DIR}llama2c_tokenizer.json`, 'utf8')) as {
    vocab_size: number;
    cases: Array<{ text: string; bos: boolean; ids: number[] }>;
  };
  const bin = () =>
    bytesSource(
      'tok512.bin',
      new Uint8Array(
        readFileSync(new URL('../../public/models/stories260K.tok512.bin', import.meta.url)),
      ),
    );

  test('encode matches the Python golden; decode inverts it', async () => {
    const tok = await openTokenizer(bin(), golden.vocab_size);
    expect([tok.bos, tok.eos, tok.vocabSize]).toEqual([1, 2, 512]);
    for (const c of golden.cases) {
      expect(tok.encode(c.text, { bos: c.bos })).toEqual(c.ids);
      if (c.bos) expect(tok.decode(c.ids)).toBe(c.text);
    }
  });

  test('a model of another vocabulary is refused with both sizes', async () => {
    const e = await rejection(openTokenizer(bin(), 32000));
    expect(e.message).toMatch(/512 tokens, the model's vocabulary has 32000/);
    const junk = bytesSource('notes.txt', new TextEncoder().encode('hello'));
    expect((await rejection(openTokenizer(junk, 512))).message).toMatch(/not a tokenizer/);
  });
});

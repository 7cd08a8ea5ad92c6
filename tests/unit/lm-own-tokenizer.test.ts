// A language model's own tokenizer, used when the request brings none: a Hugging Face folder's
// tokenizer.json dropped with its weights (ids as Python tokenizers gives them, the start of text
// from config.json's bos_token_id since a GPT-2 style post-processor adds none), a chosen
// tokenizer.json in place of it, and a clear message naming the file to choose when a model has none;
// `slimlab eval` the same way (the tokenizer.json among MODEL..., or a usage error naming --tokenizer).
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { createEngine } from '../../src/engine/host.ts';
import { jobContext } from '../../src/engine/jobs/context.ts';
import { bytesSource } from '../../src/formats/source.ts';
import { ORACLE_DIR } from '../helpers/fixtures.ts';

const DIR = fileURLToPath(new URL('../fixtures/hf-llama/', import.meta.url));
const TOKENIZER = fileURLToPath(
  new URL('../fixtures/tokenizers/gpt2-bpe-300.json', import.meta.url),
);
const file = (path: string, name: string) => bytesSource(name, new Uint8Array(readFileSync(path)));
const folder = () => readdirSync(DIR).map((f) => file(DIR + f, f));
const golden = (
  JSON.parse(readFileSync(`${ORACLE_DIR}tokenizer_json_goldens.json`, 'utf8')) as {
    tokenizers: Record<string, { cases: Array<{ text: string; ids: number[] }> }>;
  }
).tokenizers['gpt2-bpe-300']!;
const TEXT = 'Once upon a time, there was a little girl named Lily.';

async function opened(files: ReturnType<typeof folder>) {
  const engine = createEngine({ digits: () => Promise.reject(new Error('no digits')) });
  const r = await engine.run('open', { files }, jobContext());
  expect(r.problems).toEqual([]);
  return { engine, id: r.models[0]!.id };
}

describe("a Hugging Face folder's own tokenizer.json", () => {
  test('scores the text without a chosen file, with the ids Python tokenizers gives', async () => {
    const { engine, id } = await opened([...folder(), file(TOKENIZER, 'tokenizer.json')]);
    const e = await engine.run(
      'lmEval',
      { modelId: id, text: TEXT, ctx: 16, compression: null },
      jobContext(),
    );
    const want = golden.cases.find((c) => c.text === TEXT)!.ids;
    // config.json's bos_token_id 1 first: the tokenizer's post-processor puts nothing there.
    expect([...e.ids]).toEqual([1, ...want]);
    expect(e.pieces[0]).toBe('');
    expect(e.pieces.join('')).toBe(TEXT);
    expect(Number.isFinite(e.ppl)).toBe(true);
    const g = await engine.run(
      'lmGenerate',
      { modelId: id, prompt: 'Once', tokens: 4, temperature: 0, seed: 1, compression: null },
      jobContext(),
    );
    expect(g.base.ids.length).toBeLessThanOrEqual(4);
    expect(typeof g.base.text).toBe('string');
  });

  test('a chosen tokenizer.json takes its place; one of another vocabulary is refused', async () => {
    const { engine, id } = await opened(folder());
    const ok = await engine.run(
      'lmEval',
      {
        modelId: id,
        tokenizer: file(TOKENIZER, 'mine.json'),
        text: TEXT,
        ctx: 16,
        compression: null,
      },
      jobContext(),
    );
    expect(ok.pieces.join('')).toBe(TEXT);
    const other = fileURLToPath(new URL('../fixtures/tokenizers/gpt2-bpe.json', import.meta.url));
    await expect(
      engine.run(
        'lmEval',
        { modelId: id, tokenizer: file(other, 'big.json'), text: TEXT, ctx: 16, compression: null },
        jobContext(),
      ),
    ).rejects.toThrow(/400 tokens, the model's vocabulary has 300/);
  });

  test('without one, the message says which file to drop or choose', async () => {
    const { engine, id } = await opened(folder());
    await expect(
      engine.run('lmEval', { modelId: id, text: TEXT, ctx: 16, compression: null }, jobContext()),
    ).rejects.toThrow(/came without a tokenizer: drop the folder's tokenizer.json/);
  });
});

test('a llama2.c checkpoint without a chosen tokenizer asks for its tokenizer.bin', async () => {
  const { engine, id } = await opened([
    file(fileURLToPath(new URL('../../public/models/stories260K.bin', import.meta.url)), 's.bin'),
  ]);
  await expect(
    engine.run(
      'lmGenerate',
      { modelId: id, prompt: 'Hi', tokens: 2, temperature: 0, seed: 1, compression: null },
      jobContext(),
    ),
  ).rejects.toThrow(/holds no tokenizer: choose its tokenizer.bin/);
});

describe('slimlab eval without --tokenizer', () => {
  async function run(args: string[]) {
    let out = '';
    let err = '';
    const code = await main(args, { out: (x) => (out += `${x}\n`), err: (x) => (err += `${x}\n`) });
    return { code, out, err };
  }
  const tmp = mkdtempSync(join(tmpdir(), 'slimlab-own-tok-'));
  const text = join(tmp, 'text.txt');
  writeFileSync(text, TEXT);

  test("uses the tokenizer.json given among the folder's files", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slimlab-hf-folder-'));
    for (const f of readdirSync(DIR)) writeFileSync(join(dir, f), readFileSync(DIR + f));
    writeFileSync(join(dir, 'tokenizer.json'), readFileSync(TOKENIZER));
    const files = readdirSync(dir).map((f) => join(dir, f));
    const r = await run(['eval', ...files, '--text', text, '--ctx', '16', '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const want = golden.cases.find((c) => c.text === TEXT)!.ids;
    expect(JSON.parse(r.out).tokens).toBe(want.length + 1);
  });

  test('names --tokenizer when the model has none', async () => {
    const r = await run([
      'eval',
      DIR + 'config.json',
      ...readdirSync(DIR)
        .filter((f) => f !== 'config.json')
        .map((f) => DIR + f),
      '--text',
      text,
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/needs its tokenizer: --tokenizer FILE/);
  });
});

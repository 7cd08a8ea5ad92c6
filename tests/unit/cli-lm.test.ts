// `slimlab eval` and `slimlab generate` on stories260K: the JSON the issue names, the llama.cpp
// measures against the base model (zero for an unchanged model, and a quantized model's perplexity
// from the same NLLs), and one clear error for each bad input.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { main } from '../../src/cli/main.ts';

const MODEL = new URL('../../public/models/stories260K.bin', import.meta.url).pathname;
const TOK = new URL('../../public/models/stories260K.tok512.bin', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'slimlab-lm-'));
const TEXT = join(dir, 'story.txt');
writeFileSync(
  TEXT,
  'Once upon a time, there was a little girl named Lily. She liked to play with her red ball in the park. One day, the ball rolled away, and Lily ran after it. Her friend Tom found the ball under a tree, and they played together all day.',
);

async function run(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += `${s}\n`), err: (s) => (err += `${s}\n`) });
  return { code, out, err };
}

const evalArgs = (...more: string[]) => [
  'eval',
  MODEL,
  '--tokenizer',
  TOK,
  '--text',
  TEXT,
  ...more,
];

describe('slimlab eval', () => {
  test('perplexity over windows, as JSON', async () => {
    const r = await run(evalArgs('--ctx', '16', '--json'));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    // Windows of 16 tokens, each scoring all but its first token.
    expect(j.scored).toBe(j.tokens - Math.ceil(j.tokens / 16) + (j.tokens % 16 === 1 ? 1 : 0));
    expect(j.ppl).toBeCloseTo(Math.exp(j.nll_mean), 10);
    // A small story model on a story: far better than guessing among 512 tokens.
    expect(j.ppl).toBeGreaterThan(1);
    expect(j.ppl).toBeLessThan(30);
    expect(j.kld_mean).toBeUndefined();
  });

  test('an unchanged copy (fp32) is the base model: KL 0, same top token everywhere', async () => {
    const j = JSON.parse((await run(evalArgs('--dtype', 'fp32', '--json'))).out);
    expect(j.kld_mean).toBe(0);
    expect(j.kld_max).toBe(0);
    expect(j.same_top_pct).toBe(100);
    expect(j.ppl_q).toBeCloseTo(j.ppl_base, 12);
  });

  test('int2 moves the distributions more than int8 does', async () => {
    const at = async (dtype: string) =>
      JSON.parse((await run(evalArgs('--dtype', dtype, '--json'))).out);
    const [i8, i2] = [await at('int8'), await at('int2')];
    expect(i8.kld_mean).toBeGreaterThan(0);
    expect(i2.kld_mean).toBeGreaterThan(i8.kld_mean);
    expect(i2.same_top_pct).toBeLessThan(i8.same_top_pct);
    expect(i8.ln_ppl_ratio).toBeCloseTo(Math.log(i8.ppl_q / i8.ppl_base), 10);
    expect(i8.kld_median).toBeLessThanOrEqual(i8.kld_p99);
    expect(i8.kld_p99).toBeLessThanOrEqual(i8.kld_max);
  });

  test('bad input: one clear error each', async () => {
    const long = await run(evalArgs('--ctx', '1024'));
    expect(long.code).not.toBe(0);
    expect(long.err).toMatch(/context of 1024 tokens is longer than the model's 512/);
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '  \n');
    expect((await run(['eval', MODEL, '--tokenizer', TOK, '--text', empty])).err).toMatch(
      /text is empty/,
    );
    expect((await run(['eval', MODEL, '--text', TEXT])).err).toMatch(/needs its tokenizer/);
    const notLm = new URL('../../public/models/mnist-mlp.safetensors', import.meta.url).pathname;
    expect((await run(['eval', notLm, '--tokenizer', TOK, '--text', TEXT])).err).toMatch(
      /not a language model Slimlab can run/,
    );
  });
});

describe('slimlab generate', () => {
  test('greedy text continues the prompt, the same each time', async () => {
    const args = [
      'generate',
      MODEL,
      '--tokenizer',
      TOK,
      '--prompt',
      'Once upon a time',
      '--tokens',
      '24',
    ];
    const a = await run(args);
    expect(a.code).toBe(0);
    expect(a.out.startsWith('Once upon a time')).toBe(true);
    expect(a.out.length).toBeGreaterThan('Once upon a time'.length + 20);
    expect((await run(args)).out).toBe(a.out);
  });
});

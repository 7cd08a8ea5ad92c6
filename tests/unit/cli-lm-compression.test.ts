// `slimlab eval` and `slimlab generate` with the compressions beyond weights: the key/value cache,
// W8A8 and LLM.int8(); their JSON keys, and one clear error for each bad combination.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { main } from '../../src/cli/main.ts';

const MODEL = new URL('../../public/models/stories260K.bin', import.meta.url).pathname;
const TOK = new URL('../../public/models/stories260K.tok512.bin', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'slimlab-lmc-'));
const TEXT = join(dir, 'story.txt');
writeFileSync(
  TEXT,
  'Once upon a time, there was a little girl named Lily. She liked to play with her red ball in the park. One day, the ball rolled away, and Lily ran after it.',
);

async function run(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += `${s}\n`), err: (s) => (err += `${s}\n`) });
  return { code, out, err };
}
const evalJson = async (...more: string[]) => {
  const r = await run(['eval', MODEL, '--tokenizer', TOK, '--text', TEXT, '--json', ...more]);
  expect(r.err).toBe('');
  return JSON.parse(r.out) as Record<string, number> & { calibration_thresholds?: unknown };
};

describe('slimlab eval with activations and the key/value cache', () => {
  test('--kv-cache: int4 moves the distributions more than int8, base PPL unchanged', async () => {
    const base = await evalJson();
    const [i8, i4] = [await evalJson('--kv-cache', 'int8'), await evalJson('--kv-cache', 'int4')];
    for (const j of [i8, i4]) {
      expect(j.ppl).toBe(base.ppl);
      expect(j.ppl_base).toBe(base.ppl);
      for (const k of ['kld_mean', 'kld_median', 'kld_p99', 'kld_max', 'same_top_pct'])
        expect(typeof j[k]).toBe('number');
    }
    expect(i8.kld_mean).toBeGreaterThan(0);
    expect(i4.kld_mean).toBeGreaterThan(i8.kld_mean!);
  });

  test('--w8a8 says which tokens calibrated, per projection', async () => {
    const j = await evalJson(
      '--w8a8',
      '--calibration',
      'percentile:99.9',
      '--calibration-tokens',
      '24',
    );
    expect(j.calibration_tokens).toBe(24);
    const t = j.calibration_thresholds as unknown as Record<string, number>;
    expect(Object.keys(t)).toHaveLength(5 * 7);
    expect(t['model.layers.0.mlp.down_proj.weight']).toBeGreaterThan(0);
    expect(j.kld_mean).toBeGreaterThan(0);
  });

  test('--llm-int8: the share of features kept in float falls as the threshold rises', async () => {
    const [lo, hi] = [await evalJson('--llm-int8', '2'), await evalJson('--llm-int8', '6')];
    expect(lo.int8_outliers_pct).toBeGreaterThan(hi.int8_outliers_pct!);
    expect(hi.int8_outliers_pct).toBeGreaterThan(0);
    const human = await run(['eval', MODEL, '--tokenizer', TOK, '--text', TEXT, '--llm-int8', '6']);
    expect(human.out).toMatch(/LLM\.int8\(\): \d+\.\d\d% of input features kept in float/);
  });

  test('bad combinations: one clear error each', async () => {
    const base = ['eval', MODEL, '--tokenizer', TOK, '--text', TEXT];
    const both = await run([...base, '--w8a8', '--llm-int8', '6']);
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/--w8a8 and --llm-int8 both set the activations/);
    expect((await run([...base, '--calibration', 'mse'])).err).toMatch(
      /--calibration goes with --w8a8/,
    );
    expect((await run([...base, '--w8a8', '--calibration', 'best'])).err).toMatch(/--calibration:/);
    expect((await run([...base, '--kv-cache', 'int2'])).code).not.toBe(0);
    expect((await run([...base, '--llm-int8', '0'])).err).toMatch(/positive threshold/);
  });
});

describe('slimlab generate with a compression', () => {
  test('prints the base text and the compressed text from the same prompt', async () => {
    const args = ['generate', MODEL, '--tokenizer', TOK, '--prompt', 'Once upon a time'];
    const plain = await run([...args, '--tokens', '24']);
    const r = await run([...args, '--tokens', '24', '--kv-cache', 'int4', '--w8a8']);
    expect(r.err).toBe('');
    const [b, c] = r.out.trim().split('\n');
    expect(b).toBe(`base: ${plain.out.trim()}`);
    expect(c).toMatch(/^compressed: Once upon a time/);
  });
});

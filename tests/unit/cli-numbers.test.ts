// The CLI's text: numbers to five significant digits, undefined statistics in words, JSON at full
// precision with null and a reason; --filter on every command that walks tensors; the N:M axis of
// `prune`; `run --preset` refusing what is not a link and reporting the link's other settings.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { sig, sigWhy } from '../../src/cli/numbers.ts';
import { nmMask } from '../../src/core/prune/prune.ts';
import { openModel } from '../../src/formats/registry.ts';
import { bytesSource } from '../../src/formats/source.ts';
import { readTensorF32 } from '../../src/formats/tensor-data.ts';
import { npyHeader } from '../../src/formats/write/npy.ts';
import { f32Safetensors } from '../helpers/safetensors.ts';

async function cli(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += `${s}\n`), err: (s) => (err += `${s}\n`) });
  return { code, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'slimlab-numbers-'));
const awkward = join(dir, 'awkward.safetensors');
const spread = Float32Array.from({ length: 32 }, (_, i) => Math.sin(i + 1) * 1e-6);
writeFileSync(
  awkward,
  f32Safetensors({
    'a.constant': { shape: [2, 4], data: new Float32Array(8).fill(0.25) },
    'a.nan': { shape: [2, 2], data: new Float32Array(4).fill(NaN) },
    'b.zero': { shape: [2, 4], data: new Float32Array(8) },
    'b.empty': { shape: [0, 4], data: new Float32Array(0) },
    'c.spread': { shape: [4, 8], data: spread },
    'c.subnormal': {
      shape: [2, 4],
      data: Float32Array.from({ length: 8 }, (_, i) => (i % 2 ? -1 : 1) * 1e-40 * (i + 1)),
    },
  }),
);

describe('numbers in text', () => {
  test('five significant digits, an exponent for the tiny and the huge', () => {
    expect(sig(-0.0000014739215980675271)).toBe('-1.4739e-6');
    expect(sig(0.123456789)).toBe('0.12346');
    expect(sig(123456.789)).toBe('123460');
    expect(sig(1234567)).toBe('1.2346e+6');
    expect(sig(1.96e-90)).toBe('1.96e-90');
    expect(sig(2)).toBe('2');
    expect(sig(0)).toBe('0');
    expect(sig(Infinity)).toBe('inf');
    expect(sig(NaN)).toBe('undefined');
    expect(sigWhy(null, 'constant tensor: no spread')).toBe(
      'undefined (constant tensor: no spread)',
    );
    expect(sigWhy(0, 'every value quantized to zero')).toBe('0 (every value quantized to zero)');
  });
});

describe('slimlab stats', () => {
  test('undefined statistics in words, never NaN or null', async () => {
    const r = await cli(['stats', awkward]);
    expect(r.code).toBe(0);
    const line = (name: string) => r.out.split('\n').find((l) => l.startsWith(`${name} `))!;
    expect(line('a.constant')).toMatch(
      /mean 0\.25 {2}std 0 {2}kurtosis undefined \(constant tensor: no spread\)/,
    );
    expect(line('a.nan')).toMatch(/no statistics \(all values are NaN\)/);
    expect(line('b.empty')).toMatch(/no statistics \(empty tensor\)/);
    expect(line('c.spread')).toMatch(/mean -?\d\.\d{0,4}e-\d /);
    expect(r.out).not.toMatch(/NaN NaN|null|\d{8}/);
  });

  test('--json keeps full precision; an undefined value is null with its reason', async () => {
    const r = await cli(['stats', awkward, '--json']);
    const rows = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const by = Object.fromEntries(rows.map((x) => [x.name, x]));
    expect(by['a.constant'].stats.kurtosis).toBe(null);
    expect(by['a.constant'].why.kurtosis).toBe('constant tensor: no spread');
    expect(by['a.nan'].stats.mean).toBe(null);
    expect(by['a.nan'].why.mean).toBe('all values are NaN');
    expect(by['a.nan'].histogram).toBe(null);
    expect(by['a.nan'].why.histogram).toMatch(/nothing to bin: all values are NaN/);
    let mean = 0;
    for (const v of spread) mean += v;
    mean /= spread.length;
    expect(by['c.spread'].stats.mean).toBeCloseTo(mean, 20);
    expect(by['c.spread'].why).toEqual({});
  });

  test('--filter keeps the tensors whose name contains the text', async () => {
    const r = await cli(['stats', awkward, '--filter', 'b.', '--json']);
    const names = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).name);
    expect(names).toEqual(['b.zero', 'b.empty']);
  });
});

describe('slimlab inspect --filter', () => {
  test('lists the tensors whose name contains the text', async () => {
    const r = await cli(['inspect', awkward, '--filter', 'a.', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).tensors.map((t: { name: string }) => t.name)).toEqual([
      'a.constant',
      'a.nan',
    ]);
  });
});

describe('slimlab quantize', () => {
  test('all zeros and subnormals: SQNR and cosine say why', async () => {
    const zero = await cli(['quantize', awkward, '--dtype', 'int8', '--filter', 'b.zero']);
    expect(zero.code).toBe(0);
    expect(zero.out).toMatch(
      /SQNR undefined \(all-zero tensor: no signal to compare the error with\)/,
    );
    expect(zero.out).toMatch(/cosine undefined \(all-zero tensor: no direction\)/);
    const sub = await cli(['quantize', awkward, '--dtype', 'fp16', '--filter', 'subnormal']);
    expect(sub.out).toMatch(/SQNR 0 dB \(every value quantized to zero/);
    const nan = await cli(['quantize', awkward, '--dtype', 'int8', '--filter', 'a.nan', '--json']);
    const row = JSON.parse(nan.out.trim().split('\n')[0]!);
    expect(row.mse).toBe(null);
    expect(row.why.mse).toMatch(/no finite value to compare/);
  });
});

describe('slimlab prune --axis and --filter', () => {
  const readBack = async (path: string) => {
    const bytes = new Uint8Array(readFileSync(path));
    const info = await openModel(bytesSource(path, bytes));
    const out: Record<string, Float32Array> = {};
    for (const t of info.tensors) out[t.name] = await readTensorF32(bytesSource(path, bytes), t);
    return out;
  };
  // The reference for groups along axis 0: the transpose, masked along its rows, transposed back.
  const transpose = (x: Float32Array, rows: number, cols: number) =>
    Float32Array.from({ length: x.length }, (_, i) => x[(i % rows) * cols + Math.floor(i / rows)]!);

  test('nm:2:4 along the input axis (default), along the output axis, and --filter', async () => {
    const w = spread; // [4, 8]
    const inOut = join(dir, 'in.safetensors');
    const r = await cli([
      'prune',
      awkward,
      '--method',
      'nm:2:4',
      '--filter',
      'c.spread',
      '--out',
      inOut,
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/c\.spread .*sparsity 50\.00%/);
    expect(r.out).not.toMatch(/a\.constant/);
    const pin = await readBack(inOut);
    const mIn = nmMask(w, 8, 2, 4);
    expect([...pin['c.spread']!]).toEqual([...w].map((v, i) => (mIn[i] ? v : 0)));
    // Not filtered: left as they were.
    expect([...pin['a.constant']!]).toEqual(new Array(8).fill(0.25));

    const outPath = join(dir, 'out.safetensors');
    await cli([
      'prune',
      awkward,
      '--method',
      'nm:2:4',
      '--axis',
      'out',
      '--filter',
      'c.spread',
      '--out',
      outPath,
    ]);
    const pout = await readBack(outPath);
    const t = transpose(w, 4, 8); // [8, 4]: each row a column of w
    const mT = nmMask(t, 4, 2, 4);
    const want = transpose(
      t.map((v, i) => (mT[i] ? v : 0)),
      8,
      4,
    );
    expect([...pout['c.spread']!]).toEqual([...want]);
    expect([...pout['c.spread']!]).not.toEqual([...pin['c.spread']!]);
  });

  test('a bad axis is a usage error; --axis with another method too', async () => {
    expect((await cli(['prune', awkward, '--method', 'nm:2:4', '--axis', 'sideways'])).err).toMatch(
      /--axis must be in, out or an axis number/,
    );
    const r = await cli([
      'prune',
      awkward,
      '--method',
      'magnitude',
      '--sparsity',
      '0.5',
      '--axis',
      'in',
    ]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--axis is for --method nm:N:M/);
  });
});

describe('slimlab run --preset', () => {
  test('a text that is not a link exits 1 and says so', async () => {
    const r = await cli(['run', '--preset', 'hello']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /'hello' is not a preset link: it sets nothing this version knows \('hello'\)/,
    );
    expect(r.out).toBe('');
  });

  test('a combination the engine refuses is reported by key, and the rest runs', async () => {
    const r = await cli(['run', '--preset', '?demo=mnist-cnn&qf=quantile&qb=16&b=32', '--json']);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/qb: quantile quantization takes 2 to 8 bits, not 16/);
    const j = JSON.parse(r.out);
    expect(j.quant.spec.format).toBe('quantile');
    expect(j.bins).toBe(32);
  });

  test("the link's LLM.int8() threshold and pruning run; fine-tuning settings are named as not run", async () => {
    const r = await cli(['run', '--preset', '?demo=mnist-cnn&t=fc1.weight&ot=2&pm=nm24&pf=1']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/LLM\.int8\(\) at threshold 2: \d+ outlier column/);
    expect(r.out).toMatch(/pruned \(nm24\): this tensor 50\.00% zeros/);
    expect(r.out).toMatch(
      /pruneFineTune: not computed by slimlab run; open the link for the pruning lab's sweep/,
    );
    const j = JSON.parse(
      (await cli(['run', '--preset', '?demo=mnist-cnn&t=fc1.weight&ot=2&ps=0.3', '--json'])).out,
    );
    expect(j.int8.threshold).toBe(2);
    expect(j.prune.rule).toEqual({ kind: 'magnitude', sparsity: 0.3 });
    expect(j.prune.sparsity).toBeCloseTo(0.3, 3);
    expect(j.not_run).toEqual([]);
  });
});

describe('slimlab run --preset on tensors without a defined SQNR', () => {
  test.each([
    ['a.nan', /no SQNR \(no finite value to compare/],
    ['b.zero', /no SQNR \(all-zero tensor: no signal/],
  ])("%s: LLM.int8()'s SQNR says why, never 'inf'", async (t, why) => {
    const r = await cli(['run', '--preset', `demo=none&t=${t}`, '--model', awkward]);
    expect(r.code).toBe(0);
    const line = r.out.split('\n').find((l) => l.includes('LLM.int8()'))!;
    expect(line).toMatch(why);
    expect(line).not.toMatch(/inf dB|null|SQNR NaN/);
    const j = JSON.parse(
      (await cli(['run', '--preset', `demo=none&t=${t}`, '--model', awkward, '--json'])).out,
    );
    expect(j.int8.sqnr_db).toBeNull();
    expect(j.int8.why).toMatch(why.source.includes('finite') ? /finite/ : /all-zero/);
  });
});

describe('slimlab calibrate', () => {
  test('the text has five significant digits; --json the full values', async () => {
    const acts = Float32Array.from({ length: 640 }, (_, i) => Math.sin(i * 0.37) * 3.3 + 0.01 * i);
    const file = join(dir, 'acts.npy');
    writeFileSync(file, Buffer.concat([npyHeader('F32', [64, 10]), Buffer.from(acts.buffer)]));
    const text = await cli(['calibrate', '--input', file, '--method', 'percentile:99.9']);
    expect(text.code).toBe(0);
    const j = JSON.parse(
      (await cli(['calibrate', '--input', file, '--method', 'percentile:99.9', '--json'])).out,
    );
    expect(text.out).toContain(`threshold ${sig(j.threshold)}  scale ${sig(j.scale)}`);
    expect(text.out).toContain(`clip MSE ${sig(j.clip_mse)}  round MSE ${sig(j.round_mse)}`);
    // The JSON keeps more digits than the text shows.
    expect(String(j.scale).replace(/^0\.0*/, '').length).toBeGreaterThan(5);
    for (const f of text.out.match(/\d*\.\d+/g) ?? [])
      expect(f.replace('.', '').replace(/^0+/, '').length, f).toBeLessThanOrEqual(5);
  });
});

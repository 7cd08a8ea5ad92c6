// The `slimlab` command: JSON and table output, and one `slimlab:` line with exit code 2 on bad input.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { DEFAULT_SPEC } from '../../src/core/quant/spec.ts';
import { quantize } from '../../src/core/quant/quant.ts';
import { openModel } from '../../src/formats/registry.ts';
import { bytesSource } from '../../src/formats/source.ts';
import { readTensorF32 } from '../../src/formats/tensor-data.ts';
import { npyHeader } from '../../src/formats/write/npy.ts';
import { manifest, ORACLE_DIR } from '../helpers/fixtures.ts';
import { f32Safetensors } from '../helpers/safetensors.ts';

const run = promisify(execFile);
const BIN = new URL('../../bin/slimlab.mjs', import.meta.url).pathname;

async function cli(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += `${s}\n`), err: (s) => (err += `${s}\n`) });
  return { code, out, err };
}

describe('slimlab inspect', () => {
  test('--json prints format, tensors, params and bytes', async () => {
    const { code, out } = await cli(['inspect', `${ORACLE_DIR}reference.safetensors`, '--json']);
    expect(code).toBe(0);
    const doc = JSON.parse(out);
    const want = manifest().safetensors[0]!.tensors;
    expect(doc.format).toBe('safetensors');
    expect(doc.tensors.map((t: { name: string }) => t.name).sort()).toEqual(
      Object.keys(want).sort(),
    );
    const f32 = doc.tensors.find((t: { name: string }) => t.name === 'f32');
    expect(f32).toEqual({ name: 'f32', dtype: 'F32', shape: [3, 5], params: 15, bytes: 60 });
    expect(doc.params).toBe(Object.values(want).reduce((s, t) => s + t.values.length, 0));
  });

  test('without --json prints a readable table', async () => {
    const { code, out } = await cli(['inspect', `${ORACLE_DIR}v1_f32.npy`]);
    expect(code).toBe(0);
    expect(out).toMatch(/v1_f32\.npy \(npy\): 1 tensor, 12 parameters, 48 bytes/);
    expect(out).toMatch(/v1_f32\s+F32\s+\[4, 3\]\s+12\s+48/);
  });

  test('bad input: exit 2 and one stderr line naming the file and the problem', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slimlab-'));
    const bad = join(dir, 'cut.safetensors');
    writeFileSync(bad, Buffer.from([200, 0, 0, 0, 0, 0, 0, 0, 0x7b]));
    const { code, err, out } = await cli(['inspect', bad]);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err.trimEnd().split('\n')).toHaveLength(1);
    expect(err).toMatch(new RegExp(`^slimlab: ${bad}: header length: .*passes the end`));
  });

  test('a missing file is bad input too', async () => {
    const { code, err } = await cli(['inspect', '/nonexistent/w.safetensors']);
    expect(code).toBe(2);
    expect(err).toMatch(/^slimlab: \/nonexistent\/w\.safetensors: cannot be opened \(ENOENT\)/);
  });

  test('usage errors exit 1', async () => {
    expect((await cli([])).code).toBe(1);
    expect((await cli(['inspect'])).code).toBe(1);
    expect((await cli(['frobnicate'])).code).toBe(1);
  });

  test('the installed bin runs as a process', async () => {
    const { stdout } = await run(process.execPath, [
      BIN,
      'inspect',
      `${ORACLE_DIR}v2_f64.npy`,
      '--json',
    ]);
    expect(JSON.parse(stdout)).toMatchObject({ format: 'npy', params: 5, bytes: 40 });
    const failed = await run(process.execPath, [
      BIN,
      'inspect',
      `${ORACLE_DIR}manifest.json`,
    ]).catch((e) => e);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/^slimlab: .*manifest\.json: is not a recognised weights file/);
  });
});

describe('slimlab inspect with files that belong together', () => {
  test('shards given with their index make one model', async () => {
    const files = [
      'model.safetensors.index.json',
      'model-00001-of-00002.safetensors',
      'model-00002-of-00002.safetensors',
    ];
    const { code, out } = await cli(['inspect', ...files.map((f) => ORACLE_DIR + f), '--json']);
    expect(code).toBe(0);
    const doc = JSON.parse(out);
    expect(doc.tensors.map((t: { name: string }) => t.name).sort()).toEqual([
      'layers.0.b',
      'layers.0.w',
      'layers.1.w',
    ]);
  });
  test('a missing shard is bad input', async () => {
    const { code, err } = await cli(['inspect', `${ORACLE_DIR}model.safetensors.index.json`]);
    expect(code).toBe(2);
    expect(err).toMatch(/^slimlab: .*index\.json: shards: missing/);
  });
  test('GGUF and ONNX', async () => {
    const gguf = JSON.parse((await cli(['inspect', `${ORACLE_DIR}v3.gguf`, '--json'])).out);
    expect(gguf.format).toBe('gguf');
    expect(gguf.tensors.find((t: { name: string }) => t.name === 'q4_k')).toMatchObject({
      dtype: 'Q4_K',
      shape: [2, 256],
      bytes: 288,
    });
    const onnx = await cli([
      'inspect',
      new URL('../fixtures/onnx/silero_vad_v5.onnx', import.meta.url).pathname,
    ]);
    expect(onnx.code).toBe(0);
    expect(onnx.out).toMatch(/silero_vad_v5\.onnx \(onnx\): 345 tensors/);
  });
});

describe('slimlab stats', () => {
  test('one JSON line per tensor, with the CPU reference numbers', async () => {
    const { code, out } = await cli(['stats', `${ORACLE_DIR}v3.gguf`, '--json', '--bins', '8']);
    expect(code).toBe(0);
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.name)).toEqual([
      'f32',
      'f16',
      'bf16',
      'q8_0',
      'q4_0',
      'q4_1',
      'q5_0',
      'q5_1',
      'q4_k',
      'q6_k',
    ]);
    for (const l of lines) {
      expect(l.histogram.counts).toHaveLength(8);
      expect(l.histogram.counts.reduce((a: number, b: number) => a + b, 0)).toBe(512);
      expect(l.stats.count).toBe(512);
    }
  });
  test('bad --bins is a usage error', async () => {
    expect((await cli(['stats', `${ORACLE_DIR}v3.gguf`, '--bins', '0'])).code).toBe(1);
  });
});

describe('slimlab quantize-linear and dequantize-linear', () => {
  const npy = (dtype: 'F32' | 'U8', shape: number[], values: number[]) => {
    const data =
      dtype === 'F32' ? new Uint8Array(Float32Array.from(values).buffer) : Uint8Array.from(values);
    return Buffer.concat([npyHeader(dtype, shape), data]);
  };
  test('round trip on the upstream per-axis case, codes saved as uint8', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slimlab-qdq-'));
    const x = [
      -162, 10, -100, 232, -20, -50, -76, 0, 0, 252, 32, -44, 245, 485, -960, -270, -375, -470,
    ];
    writeFileSync(join(dir, 'x.npy'), npy('F32', [1, 3, 3, 2], x));
    writeFileSync(join(dir, 's.npy'), npy('F32', [3], [2, 4, 5]));
    writeFileSync(join(dir, 'z.npy'), npy('U8', [3], [84, 24, 196]));
    const args = [
      '--x',
      join(dir, 'x.npy'),
      '--scale',
      join(dir, 's.npy'),
      '--zero-point',
      join(dir, 'z.npy'),
      '--axis',
      '1',
    ];
    expect(
      (await cli(['quantize-linear', ...args, '--dtype', 'uint8', '--out', join(dir, 'y.npy')]))
        .code,
    ).toBe(0);
    const y = await openModel(
      bytesSource('y.npy', new Uint8Array(readFileSync(join(dir, 'y.npy')))),
    );
    expect(y.tensors[0]).toMatchObject({ dtype: 'U8', shape: [1, 3, 3, 2] });
    // The ONNX node case test_quantizelinear_axis gives these codes.
    const codes = await readTensorF32(
      bytesSource('y.npy', new Uint8Array(readFileSync(join(dir, 'y.npy')))),
      y.tensors[0]!,
    );
    expect([...codes]).toEqual([
      3, 89, 34, 200, 74, 59, 5, 24, 24, 87, 32, 13, 245, 255, 4, 142, 121, 102,
    ]);
    const back = [
      '--x',
      join(dir, 'y.npy'),
      '--scale',
      join(dir, 's.npy'),
      '--zero-point',
      join(dir, 'z.npy'),
      '--axis',
      '1',
    ];
    expect((await cli(['dequantize-linear', ...back, '--out', join(dir, 'xr.npy')])).code).toBe(0);
  });
  test('usage errors name the option', async () => {
    const r = await cli(['quantize-linear', '--x', 'a.npy', '--scale', 's.npy', '--out', 'y.npy']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--dtype is required/);
  });
});

describe('slimlab quantize', () => {
  const dir = mkdtempSync(join(tmpdir(), 'slimlab-quantize-'));
  const w = Float32Array.from({ length: 24 * 64 }, (_, i) => Math.sin(i * 0.37) * (1 + (i % 7)));
  const bias = Float32Array.from({ length: 24 }, (_, i) => i / 10);
  const file = join(dir, 'm.safetensors');
  writeFileSync(
    file,
    f32Safetensors({ 'fc.weight': { shape: [24, 64], data: w }, 'fc.bias': bias }),
  );

  test('--json: per-tensor error and bytes, then the model total, equal to the core', async () => {
    const { code, out } = await cli([
      'quantize',
      file,
      '--dtype',
      'int4',
      '--granularity',
      'group:32',
      '--scale-dtype',
      'f16',
      '--json',
    ]);
    expect(code).toBe(0);
    const [t, total] = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const want = quantize(w, [24, 64], {
      ...DEFAULT_SPEC,
      bits: 4,
      granularity: { kind: 'group', size: 32 },
      scaleBits: 16,
    });
    expect(t.name).toBe('fc.weight');
    expect(t.mse).toBe(want.error.mse);
    expect(t.clip_mse + t.round_mse).toBeCloseTo(t.mse, 15);
    expect(t.sqnr_db).toBe(want.error.sqnrDb);
    expect(t.bits_per_weight).toBe(4.5);
    expect(t.bytes_before).toBe(24 * 64 * 4);
    expect(t.bytes_after).toBe((24 * 64 * 4.5) / 8);
    expect(total.bytes_before - total.bytes_after).toBe(t.bytes_before - t.bytes_after);
  });

  test('--out writes codes and scales that read back to the reported error', async () => {
    const out = join(dir, 'q.safetensors');
    const r = await cli([
      'quantize',
      file,
      '--dtype',
      'uint3',
      '--granularity',
      'channel',
      '--axis',
      '1',
      '--json',
      '--out',
      out,
    ]);
    expect(r.code).toBe(0);
    const t = JSON.parse(r.out.split('\n')[0]!);
    const bytes = readFileSync(out);
    const m = await openModel(bytesSource('q.safetensors', new Uint8Array(bytes)));
    const info = m.tensors.find((x) => x.name === 'fc.weight')!;
    expect(info.quant).toMatchObject({ bits: 3, signed: false, axis: 1 });
    const back = await readTensorF32(bytesSource('q.safetensors', new Uint8Array(bytes)), info);
    let sse = 0;
    for (let i = 0; i < w.length; i++) sse += (w[i]! - back[i]!) ** 2;
    expect(sse / w.length).toBeCloseTo(t.mse, 12);
    // The bias is not a weight: kept as it was.
    const b = m.tensors.find((x) => x.name === 'fc.bias')!;
    expect(b.dtype).toBe('F32');
  });

  test('bad options exit 1 with one line; a bad file exits 2', async () => {
    for (const [args, msg] of [
      [['quantize', file], /--dtype is required/],
      [['quantize', file, '--dtype', 'int9'], /2 to 8 or 16 bits/],
      [['quantize', file, '--dtype', 'int5x'], /--dtype 'int5x' is not one of/],
      [['quantize', file, '--dtype', 'int8', '--granularity', 'rows'], /--granularity must be/],
      [['quantize', file, '--dtype', 'int8', '--clip', '2'], /--clip must be/],
      [
        ['quantize', file, '--dtype', 'nf4', '--out', join(dir, 'x.safetensors')],
        /cannot store nf4/,
      ],
      [['quantize', file, '--dtype', 'int8', '--bogus'], /unknown option --bogus/],
      [
        ['quantize', file, '--dtype', 'int8', '--axis'],
        /--axis must be a non-negative integer, not ''/,
      ],
      [['quantize', file, '--dtype', 'int8', '--seed', '0x10'], /--seed must be/],
      [
        ['quantize', file, '--dtype', 'uint8', '--scheme', 'sym'],
        /unsigned: it takes --scheme asym/,
      ],
      [['quantize', file, '--dtype', 'nf4', '--scheme', 'asym'], /--scheme applies to integer/],
    ] as const) {
      const r = await cli([...args]);
      expect(r.err).toMatch(msg);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.code).toBe(1);
    }
    const bad = join(dir, 'bad.safetensors');
    writeFileSync(bad, new Uint8Array([1, 2, 3]));
    const r = await cli(['quantize', bad, '--dtype', 'int8']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^slimlab: .*bad\.safetensors/);
  });
});

describe('slimlab calibrate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'slimlab-calibrate-'));
  const acts = Float32Array.from({ length: 64 * 100 }, (_, i) =>
    Math.max(0, Math.sin(i * 0.31) * (1 + (i % 17))),
  );
  const file = join(dir, 'acts.npy');
  writeFileSync(file, Buffer.concat([npyHeader('F32', [64, 100]), Buffer.from(acts.buffer)]));

  test('--json prints threshold, scale, zero point and the error split, as the core computes them', async () => {
    const { calibrate, errorAtThreshold, parseMethod } =
      await import('../../src/core/calib/calibrate.ts');
    for (const m of ['minmax', 'ema:0.9', 'percentile:99.9', 'mse', 'kl', 'kl:128:128']) {
      const { code, out } = await cli(['calibrate', '--input', file, '--method', m, '--json']);
      expect(code).toBe(0);
      const r = JSON.parse(out);
      const batches = Array.from({ length: 2 }, (_, b) => acts.subarray(b * 3200, (b + 1) * 3200));
      const want = calibrate(batches, parseMethod(m), 8);
      expect(r.threshold).toBe(want.threshold);
      expect(r.scale).toBe(want.scale);
      expect(r.zero_point).toBe(0);
      expect(r.signed).toBe(false);
      const e = errorAtThreshold(acts, want.threshold, 8, false);
      expect([r.clip_mse, r.round_mse]).toEqual([e.clipMse, e.roundMse]);
    }
  });

  test('bad options exit 1; a bad file exits 2', async () => {
    for (const [args, msg] of [
      [['calibrate', '--input', file], /--method is required/],
      [['calibrate', '--input', file, '--method', 'kl:9:99'], /kl:BINS:LEVELS/],
      [['calibrate', '--input', file, '--method', 'minmax', '--bits', '1'], /--bits must be/],
    ] as const) {
      const r = await cli([...args]);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(msg);
    }
    const bad = join(dir, 'bad.npy');
    writeFileSync(bad, new Uint8Array([0x93, 1, 2]));
    expect((await cli(['calibrate', '--input', bad, '--method', 'minmax'])).code).toBe(2);
  });
});

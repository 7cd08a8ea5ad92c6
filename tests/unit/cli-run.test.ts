// `slimlab run --preset`: a preset's numbers computed headless, equal to the core's on the same
// tensor and spec; bad presets are reported and fall back; usage errors are clear.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { main } from '../../src/cli/main.ts';
import type { PresetRun } from '../../src/cli/run.ts';
import { quantize } from '../../src/core/quant/quant.ts';
import { summarizeCpu } from '../../src/core/stats/summary.ts';
import { openModel } from '../../src/formats/registry.ts';
import { bytesSource } from '../../src/formats/source.ts';
import { readTensorF32 } from '../../src/formats/tensor-data.ts';

const CNN = new URL('../../public/models/mnist-cnn.safetensors', import.meta.url).pathname;

async function run(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += `${s}\n`), err: (s) => (err += `${s}\n`) });
  return { code, out, err };
}

async function tensor(path: string, name: string) {
  const bytes = new Uint8Array(readFileSync(path));
  const info = await openModel(bytesSource(path, bytes));
  const t = info.tensors.find((x) => x.name === name)!;
  return { x: await readTensorF32(bytesSource(path, bytes), t), shape: t.shape };
}

describe('slimlab run --preset', () => {
  test("a preset's tensor, histogram and quantization, as the core computes them", async () => {
    const r = await run([
      'run',
      '--preset',
      'https://example.org/?demo=mnist-cnn&t=conv2.weight&qb=3&qs=0&qg=group&qz=16&b=32',
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const j = JSON.parse(r.out) as PresetRun;
    expect(j.model).toBe('mnist-cnn.safetensors');
    expect(j.tensor).toBe('conv2.weight');
    const { x, shape } = await tensor(CNN, 'conv2.weight');
    expect(j.shape).toEqual(shape);
    expect(j.counts).toEqual([...summarizeCpu(x, 32).counts]);
    const q = quantize(x, shape, j.quant.spec, { dequantized: false });
    expect(j.quant.spec).toMatchObject({
      bits: 3,
      symmetric: false,
      granularity: { kind: 'group', size: 16 },
    });
    expect(j.quant.mse).toBe(q.error.mse);
    expect(j.quant.bits_per_weight).toBe(q.bitsPerWeight);
    expect(j.preset).toContain('qz=16');
  });

  test('without a tensor, the largest one (as the app picks); bad values reported on stderr', async () => {
    const r = await run(['run', '--preset', '?demo=mnist-cnn&qb=99&t=nope', '--json']);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/Ignored bits .* "99" \(outside 2–16\)/);
    expect(r.err).toMatch(/no tensor named "nope"/);
    const j = JSON.parse(r.out) as PresetRun;
    expect(j.tensor).toBe('fc1.weight');
    expect(j.quant.spec.bits).toBe(8);
  });

  test('--model takes any file; a preset without a model, or no preset, is a usage error', async () => {
    const r = await run(['run', '--preset', 'demo=none&b=16', '--model', CNN]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('16-bin histogram');
    expect((await run(['run', '--preset', 'demo=none'])).err).toMatch(/give --model FILE/);
    expect((await run(['run'])).err).toMatch(/run needs --preset/);
    expect((await run(['run', '--preset', 'b=16', '--bins', '3'])).code).toBe(1);
  });
});

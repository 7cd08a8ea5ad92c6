// `slimlab convert --filter`: the written file holds only the tensors whose name contains the text,
// each with the values of the source; a filter that names nothing is an error, not an empty file.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { openModel } from '../../src/formats/registry.ts';
import { bytesSource } from '../../src/formats/source.ts';
import { readTensorF32 } from '../../src/formats/tensor-data.ts';

const CNN = new URL('../../public/models/mnist-cnn.safetensors', import.meta.url).pathname;

async function cli(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += `${s}\n`), err: (s) => (err += `${s}\n`) });
  return { code, out, err };
}

async function tensors(path: string) {
  const bytes = new Uint8Array(readFileSync(path));
  const src = bytesSource(path.replace(/^.*\//, ''), bytes);
  const info = await openModel(src);
  const out = new Map<string, Float32Array>();
  for (const t of info.tensors) out.set(t.name, await readTensorF32(src, t));
  return out;
}

describe('slimlab convert --filter', () => {
  const dir = mkdtempSync(join(tmpdir(), 'slimlab-convert-'));

  test('.safetensors and .gguf hold only the tensors whose name contains the text', async () => {
    const source = await tensors(CNN);
    const want = [...source.keys()].filter((n) => n.includes('conv2'));
    expect(want.length).toBeGreaterThan(0);
    expect(want.length).toBeLessThan(source.size);
    for (const [out, extra] of [
      [join(dir, 'conv2.safetensors'), []],
      [join(dir, 'conv2.gguf'), ['--type', 'F32']],
    ] as const) {
      const r = await cli(['convert', CNN, out, '--filter', 'conv2', ...extra]);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const got = await tensors(out);
      expect([...got.keys()].sort()).toEqual([...want].sort());
      for (const n of want) expect(got.get(n)).toEqual(source.get(n));
    }
  });

  test('.npy takes the one tensor the filter names; none or several is an error', async () => {
    const out = join(dir, 'one.npy');
    const r = await cli(['convert', CNN, out, '--filter', 'conv2.bias']);
    expect(r.code).toBe(0);
    const [only, ...more] = (await tensors(out)).values();
    expect(more).toEqual([]);
    expect(only).toEqual((await tensors(CNN)).get('conv2.bias'));
    const many = await cli(['convert', CNN, join(dir, 'x.npy'), '--filter', 'weight']);
    expect(many.code).toBe(2);
    expect(many.err).toMatch(/names contain 'weight'; name one with --tensor NAME/);
    const none = await cli(['convert', CNN, join(dir, 'x.safetensors'), '--filter', 'nothing']);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/no tensor name contains 'nothing'/);
  });
});

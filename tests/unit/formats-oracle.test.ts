// Readers against files written by the reference implementations (safetensors, numpy, ml_dtypes).
import { describe, expect, test } from 'vitest';
import { readTensorF32 } from '../../src/formats/tensor-data.ts';
import { openModel } from '../../src/formats/registry.ts';
import { manifest, oracleSource } from '../helpers/fixtures.ts';

const m = manifest();

async function values(file: string, name?: string) {
  const src = oracleSource(file);
  const info = await openModel(src);
  const t = name ? info.tensors.find((x) => x.name === name)! : info.tensors[0]!;
  return { info, t, x: await readTensorF32(src, t) };
}

describe('safetensors files written by the reference implementation', () => {
  for (const f of m.safetensors) {
    for (const [name, want] of Object.entries(f.tensors)) {
      test(`${f.file} · ${name} decodes to the reference values`, async () => {
        const { info, t, x } = await values(f.file, name);
        expect(info.format).toBe('safetensors');
        expect(info.metadata).toEqual(f.metadata);
        expect(t.shape).toEqual(want.shape);
        // float32 of the reference value (i32/i64 beyond 2^24 round as a float32 cast does)
        expect([...x]).toEqual(want.values.map((v) => Math.fround(v)));
      });
    }
  }
});

describe('.npy files written by numpy', () => {
  for (const f of m.npy) {
    test(`${f.file}`, async () => {
      const { info, t, x } = await values(f.file);
      expect(info.format).toBe('npy');
      expect(t.shape).toEqual(f.shape);
      expect(Boolean(t.fortranOrder)).toBe(f.fortran);
      expect([...x]).toEqual(f.values.map((v) => Math.fround(v)));
    });
  }
});

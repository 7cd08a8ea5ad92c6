// .npz archives written by numpy (stored and deflated), read tensor by tensor.
import { describe, expect, test } from 'vitest';
import { FormatError } from '../../src/formats/errors.ts';
import { openModel } from '../../src/formats/registry.ts';
import { bytesSource } from '../../src/formats/source.ts';
import { readTensorF32 } from '../../src/formats/tensor-data.ts';
import { manifest, oracleBytes, oracleSource } from '../helpers/fixtures.ts';

const { files, tensors } = manifest().npz;

describe('.npz written by numpy', () => {
  for (const file of files) {
    test(`${file}: every array, values exact`, async () => {
      const src = oracleSource(file);
      const m = await openModel(src);
      expect(m.format).toBe('npz');
      expect(m.tensors.map((t) => t.name).sort()).toEqual(Object.keys(tensors).sort());
      for (const t of m.tensors) {
        expect(t.shape).toEqual(tensors[t.name]!.shape);
        expect([...(await readTensorF32(src, t))]).toEqual(
          tensors[t.name]!.values.map(Math.fround),
        );
      }
    });
  }

  test('stored entries are read in place, without the rest of the archive', async () => {
    const bytes = oracleBytes('stored.npz');
    const reads: number[] = [];
    const base = bytesSource('stored.npz', bytes);
    const src = { ...base, read: (o: number, n: number) => (reads.push(n), base.read(o, n)) };
    const m = await openModel(src);
    const big = m.tensors.find((t) => t.name === 'big')!;
    expect(big.zipEntry).toBeUndefined();
    reads.length = 0;
    await readTensorF32(src, big);
    expect(reads).toEqual([12000]);
  });

  test('a truncated archive is a FormatError naming the file', async () => {
    const bytes = oracleBytes('deflated.npz');
    await expect(
      openModel(bytesSource('cut.npz', bytes.subarray(0, bytes.length - 100))),
    ).rejects.toThrow(FormatError);
    await expect(
      openModel(bytesSource('cut.npz', bytes.subarray(0, bytes.length - 100))),
    ).rejects.toThrow(/^cut\.npz: /);
  });
});

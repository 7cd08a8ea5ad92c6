// GGUF: files written and quantized by gguf-py (llama.cpp), and the corruption classes llama.cpp tests.
import { describe, expect, test } from 'vitest';
import { formatError } from '../helpers/errors.ts';
import { decodeToFloat32 } from '../../src/core/base/dtype.ts';
import { ggufReader } from '../../src/formats/gguf.ts';
import { openModel } from '../../src/formats/registry.ts';
import { bytesSource } from '../../src/formats/source.ts';
import { manifest, oracleSource } from '../helpers/fixtures.ts';
import { makeGguf } from '../helpers/gguf.ts';

async function npyValues(file: string): Promise<Float32Array> {
  const src = oracleSource(file);
  const t = (await openModel(src)).tensors[0]!;
  return decodeToFloat32(await src.read(t.offset, t.bytes), t.dtype, t.params);
}

describe('GGUF files written by gguf-py', () => {
  for (const f of manifest().gguf) {
    test(`${f.file}: metadata and tensor table`, async () => {
      const m = await openModel(oracleSource(f.file));
      expect(m.format).toBe('gguf');
      expect(m.metadata['GGUF.version']).toBe(String(f.version));
      expect(m.metadata['general.name']).toBe('oracle fixture');
      expect(m.metadata['test.count']).toBe('7');
      expect(m.metadata['test.scale']).toBe('0.125');
      expect(m.metadata['test.flag']).toBe('true');
      expect(m.metadata['test.tokens']).toBe('["a","bb","ccc"]');
      expect(m.tensors.map((t) => t.name)).toEqual(Object.keys(f.tensors));
    });
    for (const [name, want] of Object.entries(f.tensors)) {
      test(`${f.file}: ${want.type} dequantizes exactly as gguf-py`, async () => {
        const src = oracleSource(f.file);
        const t = (await openModel(src)).tensors.find((x) => x.name === name)!;
        expect(t.dtype).toBe(want.type);
        expect(t.shape).toEqual(want.shape);
        const got = decodeToFloat32(await src.read(t.offset, t.bytes), t.dtype, t.params);
        expect([...got]).toEqual([...(await npyValues(want.expected))]);
      });
    }
  }
});

const f32Tensor = (name = 'w', offset = 0, ne = [4]) => ({ name, ne, type: 0, offset });
const u32kv = (key: string, v: number) => ({
  key,
  type: 4,
  value: (w: { u32(v: number): void }) => w.u32(v),
});

const failure = (bytes: Uint8Array) => formatError(ggufReader, 'm.gguf', bytes);

describe('GGUF: corrupt files give a typed error naming the field', () => {
  const data = new Uint8Array(16);
  test('a valid hand-made file parses', async () => {
    const m = await ggufReader.parse(
      bytesSource('m.gguf', makeGguf({ tensors: [f32Tensor()], data })),
    );
    expect(m.tensors[0]).toMatchObject({ name: 'w', dtype: 'F32', shape: [4], bytes: 16 });
  });
  test('bad magic', async () => {
    expect((await failure(makeGguf({ magic: 0x12345678 }))).code).toBe('bad-magic');
  });
  test('bad version', async () => {
    expect((await failure(makeGguf({ version: 1 }))).message).toMatch(
      /m\.gguf: version: 1 is not supported/,
    );
    expect((await failure(makeGguf({ version: 4 }))).code).toBe('bad-version');
  });
  test('absurd tensor and key-value counts', async () => {
    // Quoted exactly as the file holds them, never as Infinity.
    const big = await failure(makeGguf({ tensorCount: 2n ** 60n }));
    expect(big.message).toMatch(
      /tensor_count: 1152921504606846976 tensors cannot fit in \d+ bytes/,
    );
    expect(big.message).not.toMatch(/Infinity/);
    const max = await failure(makeGguf({ kvCount: 2n ** 64n - 1n }));
    expect(max.message).toMatch(/metadata_kv_count: 18446744073709551615 entries/);
    expect((await failure(makeGguf({ kvCount: 1_000_000 }))).message).toMatch(/metadata_kv_count/);
  });
  test('duplicate keys', async () => {
    const e = await failure(makeGguf({ kv: [u32kv('a.b', 1), u32kv('a.b', 2)] }));
    expect(e.message).toMatch(/metadata key 'a\.b': appears twice/);
  });
  test('duplicate tensor names', async () => {
    const e = await failure(
      makeGguf({ tensors: [f32Tensor('w', 0), f32Tensor('w', 32)], data: new Uint8Array(48) }),
    );
    expect(e.message).toMatch(/tensor 'w': name appears twice/);
  });
  test('bad alignment', async () => {
    expect((await failure(makeGguf({ kv: [u32kv('general.alignment', 3)] }))).message).toMatch(
      /power-of-two/,
    );
    expect((await failure(makeGguf({ kv: [u32kv('general.alignment', 0)] }))).code).toBe(
      'bad-header',
    );
  });
  test('offset not aligned', async () => {
    expect((await failure(makeGguf({ tensors: [f32Tensor('w', 4)], data }))).message).toMatch(
      /not a multiple of the alignment 32/,
    );
  });
  test('too many dimensions and overflowing dimensions', async () => {
    expect(
      (await failure(makeGguf({ tensors: [f32Tensor('w', 0, [1, 1, 1, 1, 1])], data }))).code,
    ).toBe('bad-shape');
    const e = await failure(makeGguf({ tensors: [f32Tensor('w', 0, [2 ** 40, 2 ** 40])], data }));
    expect(e.message).toMatch(/tensor 'w' dimensions: \[1099511627776, 1099511627776\] hold more/);
    const past = await failure(makeGguf({ tensors: [f32Tensor('w', 0, [3, 2 ** 60])], data }));
    expect(past.message).toMatch(/\[3, 1152921504606846976\] has a dimension past 2\^53/);
  });
  test('tensor data past the end of the file', async () => {
    const e = await failure(makeGguf({ tensors: [f32Tensor('w', 0, [64])], data }));
    expect(e.code).toBe('truncated');
    expect(e.message).toMatch(/passes the end/);
  });
  test('overlapping tensors', async () => {
    const e = await failure(
      makeGguf({
        tensors: [f32Tensor('a', 0, [16]), f32Tensor('b', 32, [16])],
        data: new Uint8Array(96),
      }),
    );
    expect(e.message).toMatch(/overlaps tensor 'a'/);
  });
  test('unknown tensor type and value type', async () => {
    expect(
      (await failure(makeGguf({ tensors: [{ name: 'w', ne: [4], type: 99, offset: 0 }], data })))
        .code,
    ).toBe('unsupported-dtype');
    expect(
      (await failure(makeGguf({ kv: [{ key: 'k', type: 42, value: () => {} }] }))).message,
    ).toMatch(/unknown value type 42/);
  });
  test('a string longer than the file', async () => {
    const e = await failure(makeGguf({ kv: [{ key: 'k', type: 8, value: (w) => w.u64(1e9) }] }));
    expect(e.message).toMatch(/metadata 'k' length/);
  });
  test('quantized rows must be whole blocks', async () => {
    const e = await failure(
      makeGguf({
        tensors: [{ name: 'q', ne: [16], type: 8, offset: 0 }],
        data: new Uint8Array(64),
      }),
    );
    expect(e.message).toMatch(/not a multiple of the Q8_0 block of 32/);
  });
});

// .npy header parsing and its failures: nothing in a header is ever evaluated.
import { describe, expect, test } from 'vitest';
import { formatError } from '../helpers/errors.ts';
import { npyReader, parsePyLiteral } from '../../src/formats/npy.ts';
import { bytesSource } from '../../src/formats/source.ts';
import { oracleBytes } from '../helpers/fixtures.ts';

function npy(header: string, data = new Uint8Array(0), version = 1): Uint8Array {
  const h = new TextEncoder().encode(header);
  const pre = version === 1 ? 10 : 12;
  const out = new Uint8Array(pre + h.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const v = new DataView(out.buffer);
  if (version === 1) v.setUint16(8, h.length, true);
  else v.setUint32(8, h.length, true);
  out.set(h, pre);
  out.set(data, pre + h.length);
  return out;
}

const failure = (bytes: Uint8Array) => formatError(npyReader, 'a.npy', bytes);

describe('.npy header literal parser', () => {
  test('reads the dict numpy writes', () => {
    expect(parsePyLiteral("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }")).toEqual({
      descr: '<f4',
      fortran_order: false,
      shape: [3, 4],
    });
    expect(parsePyLiteral("{'shape': (5,), 'x': None}")).toEqual({ shape: [5], x: null });
  });
  test('refuses anything that is not a literal', () => {
    expect(() => parsePyLiteral("{'descr': __import__('os')}")).toThrow();
    expect(() => parsePyLiteral("{'a': 1} + 1")).toThrow(/trailing/);
  });
});

describe('.npy: bad input gives a typed error', () => {
  test('bad magic', async () => {
    const b = oracleBytes('v1_f32.npy').slice();
    b[1] = 0;
    expect((await failure(b)).code).toBe('bad-magic');
  });
  test('unknown version', async () => {
    const b = oracleBytes('v1_f32.npy').slice();
    b[6] = 9;
    expect((await failure(b)).message).toMatch(/a\.npy: version: 9\.0/);
  });
  test('broken header', async () => {
    const e = await failure(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3,"));
    expect(e.code).toBe('bad-header');
    expect(e.message).toMatch(/a\.npy: header: is not a Python dict literal/);
  });
  test('object arrays are refused', async () => {
    const e = await failure(npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }"));
    expect(e.code).toBe('unsupported-dtype');
    expect(e.message).toMatch(/object array/);
  });
  test('unsupported dtype', async () => {
    expect(
      (await failure(npy("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }"))).code,
    ).toBe('unsupported-dtype');
  });
  test('structured dtype', async () => {
    const e = await failure(
      npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }"),
    );
    expect(e.message).toMatch(/structured/);
  });
  test('data shorter than the shape needs', async () => {
    const e = await failure(
      npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", new Uint8Array(8)),
    );
    expect(e.code).toBe('truncated');
    expect(e.message).toMatch(/needs 16 bytes/);
  });
  test('header length past the end', async () => {
    const b = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (0,), }");
    new DataView(b.buffer).setUint16(8, 60000, true);
    expect((await failure(b)).code).toBe('truncated');
  });
  test('a version 2 header', async () => {
    const m = await npyReader.parse(
      bytesSource(
        'a.npy',
        npy("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", new Uint8Array(8), 2),
      ),
    );
    expect(m.tensors[0]).toMatchObject({ name: 'a', dtype: 'I32', shape: [2], params: 2 });
  });
  test('a shape past 2^53 is quoted as the header writes it', async () => {
    const e = await failure(
      npy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999, 2), }\n"),
    );
    expect(e.code).toBe('bad-shape');
    expect(e.message).toMatch(/shape: \(99999999999999999999, 2\) is not a tuple/);
    expect(e.message).not.toMatch(/e\+|Infinity|null/);
  });
  test('a PNG named .npy: the bytes it starts with', async () => {
    const e = await failure(
      new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]),
    );
    expect(e.message).toMatch(
      /starts with 89 50 4e 47 0d 0a, not \\x93NUMPY \(it looks like a PNG image\)/,
    );
  });
});

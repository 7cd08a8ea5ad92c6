// The error classes the reference safetensors implementation tests, each a typed FormatError.
import { describe, expect, test } from 'vitest';
import { formatError } from '../helpers/errors.ts';
import type { FormatError } from '../../src/formats/errors.ts';
import { openModel } from '../../src/formats/registry.ts';
import { safetensorsReader } from '../../src/formats/safetensors.ts';
import { bytesSource } from '../../src/formats/source.ts';
import { makeSafetensors } from '../helpers/fixtures.ts';

const f32 = (n: number) => new Uint8Array(n * 4);

const failure = (bytes: Uint8Array) => formatError(safetensorsReader, 'w.safetensors', bytes);

function expectCode(e: FormatError, code: FormatError['code'], text: RegExp) {
  expect(e.code).toBe(code);
  expect(e.file).toBe('w.safetensors');
  expect(e.message).toMatch(/^w\.safetensors: /);
  expect(e.message).toMatch(text);
}

describe('safetensors: bad input gives a typed error naming file and field', () => {
  test('header too large', async () => {
    const b = new Uint8Array(16);
    new DataView(b.buffer).setBigUint64(0, 100_000_001n, true);
    expectCode(await failure(b), 'header-too-large', /header length.*cap/);
  });
  test('header too small', async () => {
    const b = new Uint8Array(9);
    new DataView(b.buffer).setBigUint64(0, 1n, true);
    expectCode(await failure(b), 'header-too-small', /header length/);
  });
  test('header length past the end of the file', async () => {
    const b = makeSafetensors({});
    new DataView(b.buffer).setBigUint64(0, 5000n, true);
    expectCode(await failure(b), 'truncated', /passes the end/);
  });
  test('file shorter than the length prefix', async () => {
    expectCode(await failure(new Uint8Array(5)), 'truncated', /need at least 8/);
  });
  test('non-UTF-8 header', async () => {
    const b = makeSafetensors({ a: 1 });
    b[9] = 0xff;
    expectCode(await failure(b), 'bad-header', /UTF-8/);
  });
  test('header that is not JSON', async () => {
    const b = makeSafetensors({ a: 1 });
    b[b.length - 1] = 0x2c; // replace the final } with ,
    expectCode(await failure(b), 'bad-header', /not JSON/);
  });
  test('unknown dtype', async () => {
    const b = makeSafetensors({ w: { dtype: 'F7', shape: [1], data_offsets: [0, 4] } }, f32(1));
    expectCode(await failure(b), 'unsupported-dtype', /tensor 'w' dtype/);
  });
  test('invalid offsets (end before begin)', async () => {
    const b = makeSafetensors({ w: { dtype: 'F32', shape: [0], data_offsets: [4, 0] } }, f32(1));
    expectCode(await failure(b), 'bad-offsets', /ends before it begins/);
  });
  test('overlapping tensors', async () => {
    const b = makeSafetensors(
      {
        a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
        b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
      },
      f32(3),
    );
    expectCode(await failure(b), 'bad-offsets', /overlaps/);
  });
  test('a gap between tensors', async () => {
    const b = makeSafetensors({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32(2));
    expectCode(await failure(b), 'bad-offsets', /gap/);
  });
  test('incomplete buffer (truncated data section)', async () => {
    const b = makeSafetensors({ a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, f32(2));
    expectCode(await failure(b), 'truncated', /incomplete/);
  });
  test('size and shape disagree', async () => {
    const b = makeSafetensors({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, f32(2));
    expectCode(await failure(b), 'size-mismatch', /needs 12/);
  });
  test('shape product overflows', async () => {
    const big = 2 ** 40;
    const b = makeSafetensors(
      { a: { dtype: 'F32', shape: [big, big], data_offsets: [0, 4] } },
      f32(1),
    );
    expectCode(await failure(b), 'bad-shape', /overflows/);
  });
  test('negative dimension', async () => {
    const b = makeSafetensors({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, f32(1));
    expectCode(await failure(b), 'bad-shape', /non-negative/);
  });
  test('metadata values must be strings', async () => {
    const b = makeSafetensors({ __metadata__: { a: 1 } });
    expectCode(await failure(b), 'bad-header', /__metadata__\.a/);
  });
});

describe('safetensors: what the reference accepts', () => {
  test('zero-sized tensors', async () => {
    const b = makeSafetensors(
      {
        e: { dtype: 'F32', shape: [0, 5], data_offsets: [0, 0] },
        a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
      },
      f32(1),
    );
    const m = await safetensorsReader.parse(bytesSource('w.safetensors', b));
    expect(m.tensors.map((t) => [t.name, t.params])).toEqual([
      ['e', 0],
      ['a', 1],
    ]);
  });
  test('whitespace padding after the JSON', async () => {
    const b = makeSafetensors({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, f32(1), 7);
    const m = await safetensorsReader.parse(bytesSource('w.safetensors', b));
    expect(m.tensors[0]!.offset).toBe(b.length - 4);
  });
  test('an unrecognised file is named as such', async () => {
    await expect(
      openModel(bytesSource('notes.txt', new TextEncoder().encode('hello world'))),
    ).rejects.toThrow(/notes\.txt: is not a recognised weights file/);
  });
});

describe('quantized safetensors metadata that lies', () => {
  const parts = (extra: Record<string, unknown>) =>
    makeSafetensors(
      {
        __metadata__: { 'slimlab.quantization': JSON.stringify(extra) },
        'w.qweight': { dtype: 'I8', shape: [4], data_offsets: [0, 4] },
        'w.scale': { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
      },
      new Uint8Array(12),
    );
  for (const [what, doc] of [
    ['null', null],
    ['a null entry', { format: 1, tensors: { w: null } }],
    [
      'negative dimensions',
      {
        format: 1,
        tensors: { w: { shape: [-1, 4, -1], bits: 8, signed: true, axis: 1, packed: false } },
      },
    ],
    [
      'packed int8',
      {
        format: 1,
        tensors: { w: { shape: [2, 2], bits: 8, signed: true, axis: 0, packed: true } },
      },
    ],
    [
      'an axis past the rank',
      {
        format: 1,
        tensors: { w: { shape: [2, 2], bits: 8, signed: true, axis: 2, packed: false } },
      },
    ],
  ] as const) {
    test(`${what} is a FormatError`, async () => {
      expect((await failure(parts(doc as unknown as Record<string, unknown>))).message).toMatch(
        /slimlab\.quantization/,
      );
    });
  }
  for (const [what, entry] of [
    ['fractional bits', { shape: [2, 2], bits: 2.5, signed: true, axis: 0, packed: false }],
    [
      'a block size per tensor',
      { shape: [2, 2], bits: 8, signed: true, axis: null, block_size: 2, packed: false },
    ],
    [
      'view2d on axis 0',
      { shape: [2, 2], bits: 8, signed: true, axis: 0, block_size: 2, view2d: true, packed: false },
    ],
    [
      'scales that do not match the groups',
      { shape: [2, 2], bits: 8, signed: true, axis: 1, block_size: 1, packed: false },
    ],
  ] as const) {
    test(`format 2: ${what} is a FormatError`, async () => {
      const doc = { format: 2, tensors: { w: entry } };
      expect((await failure(parts(doc))).message).toMatch(/slimlab\.quantization/);
    });
  }
  test('an entry named like a tensor already in the file is a FormatError', async () => {
    const dup = makeSafetensors(
      {
        __metadata__: {
          'slimlab.quantization': JSON.stringify({
            format: 2,
            tensors: { w: { shape: [2, 2], bits: 8, signed: true, axis: 0, packed: false } },
          }),
        },
        w: { dtype: 'F32', shape: [1], data_offsets: [12, 16] },
        'w.qweight': { dtype: 'I8', shape: [4], data_offsets: [0, 4] },
        'w.scale': { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
      },
      new Uint8Array(16),
    );
    expect((await failure(dup)).message).toMatch(/already in the file/);
  });
  test('a consistent entry reads back', async () => {
    const ok = parts({
      format: 1,
      tensors: { w: { shape: [2, 2], bits: 8, signed: true, axis: 0, packed: false } },
    });
    const m = await safetensorsReader.parse(bytesSource('w.safetensors', ok));
    expect(m.tensors.map((t) => t.name)).toEqual(['w']);
  });
});

test('tensor names like __proto__ and constructor survive a write and a read', async () => {
  const { writeSafetensors } = await import('../../src/formats/write/safetensors.ts');
  const out = writeSafetensors(
    ['__proto__', 'constructor'].map((name) => ({
      name,
      dtype: 'F32' as const,
      shape: [1],
      bytes: 4,
      data: async () => new Uint8Array(4),
    })),
  );
  const parts: Uint8Array[] = [];
  for await (const c of out.chunks) parts.push(c);
  const m = await safetensorsReader.parse(
    bytesSource('p.safetensors', Uint8Array.from(parts.flatMap((p) => [...p]))),
  );
  expect(m.tensors.map((t) => t.name).sort()).toEqual(['__proto__', 'constructor']);
});

/** A safetensors file with its header as written (JSON.stringify cannot write 1e400). */
function rawSafetensors(header: string, data = new Uint8Array(0)): Uint8Array {
  const h = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

/** What a lossy read makes of a number: never in a message, which quotes the file instead. */
const LOSSY = /Infinity|null|9007199254740991/;

describe('safetensors: messages quote the numbers the file holds', () => {
  test('data_offsets past the double range are quoted as written', async () => {
    const e = await failure(
      rawSafetensors('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0, 1e400]}}', f32(1)),
    );
    expectCode(e, 'bad-offsets', /data_offsets: \[0, 1e400\] is not a pair of byte offsets/);
    expect(e.message).not.toMatch(LOSSY);
  });
  test('a shape past 2^53 is quoted as written', async () => {
    const e = await failure(
      rawSafetensors('{"w": {"dtype":"F32","shape": [1e400],"data_offsets":[0,4]}}', f32(1)),
    );
    expectCode(e, 'bad-shape', /tensor 'w' shape: \[1e400\]/);
    expect(e.message).not.toMatch(LOSSY);
  });
  test('a PNG named .safetensors: its first 8 bytes, their exact length, and what it looks like', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    const e = await failure(png);
    expectCode(
      e,
      'header-too-large',
      /the first 8 bytes \(89 50 4e 47 0d 0a 1a 0a\) read as a header of 727905341920923785 bytes, over the 100000000-byte cap \(it looks like a PNG image\)/,
    );
    expect(e.message).not.toMatch(LOSSY);
  });
});

// Property: any mutation of a valid file ends in a parsed model or a FormatError, quickly; nothing else.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { isFormatError } from '../../src/formats/errors.ts';
import { openModel } from '../../src/formats/registry.ts';
import { bytesSource } from '../../src/formats/source.ts';
import { oracleBytes } from '../helpers/fixtures.ts';

const mutation = (len: number) =>
  fc.oneof(
    fc.record({
      kind: fc.constant('flip' as const),
      at: fc.nat(len - 1),
      value: fc.integer({ min: 0, max: 255 }),
    }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat(len) }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(len),
      value: fc.integer({ min: 0, max: 255 }),
    }),
  );

function apply(
  base: Uint8Array,
  ms: Array<{ kind: 'flip' | 'cut' | 'insert'; at: number; value?: number }>,
) {
  let b = base.slice();
  for (const m of ms) {
    const at = Math.min(m.at, b.length);
    if (m.kind === 'flip' && at < b.length) b[at] = m.value!;
    else if (m.kind === 'cut') b = b.slice(0, at);
    else if (m.kind === 'insert')
      b = new Uint8Array([...b.subarray(0, at), m.value!, ...b.subarray(at)]);
  }
  return b;
}

describe.each([
  'reference.safetensors',
  'v1_f32.npy',
  'v3_i16.npy',
  'v3.gguf',
  '../onnx/synthetic.onnx',
  'stored.npz',
  'deflated.npz',
])('fuzzing %s', (file) => {
  const base = oracleBytes(file);
  test('every mutated file parses or fails with a FormatError', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(mutation(base.length), { minLength: 1, maxLength: 4 }),
        async (ms) => {
          const bytes = apply(base, ms);
          const t0 = performance.now();
          try {
            const m = await openModel(bytesSource(file, bytes));
            // File offsets stay inside the file (a deflated .npz entry's offsets are inside the entry).
            for (const t of m.tensors)
              if (!t.zipEntry) expect(t.offset + t.bytes).toBeLessThanOrEqual(bytes.length);
          } catch (e) {
            if (!isFormatError(e)) throw e;
            // Messages quote what the file holds, not what a lossy read made of it.
            expect(e.message).not.toMatch(/Infinity|9007199254740991/);
          }
          expect(performance.now() - t0).toBeLessThan(1000);
        },
      ),
      { numRuns: 10_000, seed: 42 },
    );
  });
});

// PyTorch checkpoints written by torch.save (tests/fixtures/pytorch, made by
// scripts/oracles/make_pytorch_fixtures.py): every tensor's values equal torch's, in both layouts,
// and hostile pickles are refused with a FormatError saying why, without running anything.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { isFormatError, type FormatError } from '../../src/formats/errors.ts';
import { fileBytes, type TensorInfo } from '../../src/formats/model.ts';
import { openModel } from '../../src/formats/registry.ts';
import { bytesSource, type ByteSource } from '../../src/formats/source.ts';
import { readTensorF32 } from '../../src/formats/tensor-data.ts';

const DIR = new URL('../fixtures/pytorch/', import.meta.url);
const bytesOf = (file: string) => new Uint8Array(readFileSync(new URL(file, DIR)));
const sourceOf = (file: string) => bytesSource(file, bytesOf(file));

interface Expected {
  checkpoints: Record<
    string,
    {
      layout: 'zip' | 'legacy';
      tensors: Record<string, { dtype: string; shape: number[]; values: number[] }>;
      metadata: Record<string, string>;
    }
  >;
  hostile: Record<string, { layout: string; torch_refuses: string | null }>;
}
const expected = JSON.parse(readFileSync(new URL('expected.json', DIR), 'utf8')) as Expected;

/** torch's dtype names as Slimlab's. */
const DTYPE: Record<string, string> = {
  float64: 'F64',
  float32: 'F32',
  float16: 'F16',
  bfloat16: 'BF16',
  float8_e4m3fn: 'F8_E4M3',
  float8_e5m2: 'F8_E5M2',
  int64: 'I64',
  int32: 'I32',
  int16: 'I16',
  int8: 'I8',
  uint64: 'U64',
  uint32: 'U32',
  uint16: 'U16',
  uint8: 'U8',
  bool: 'BOOL',
};

/** Counts every byte read, to show reads stay near one tensor. */
function counting(src: ByteSource) {
  const reads: number[] = [];
  const s: ByteSource = {
    name: src.name,
    size: src.size,
    read: (o, n) => (reads.push(n), src.read(o, n)),
  };
  return { src: s, reads };
}

describe('checkpoints written by torch.save', () => {
  for (const [file, want] of Object.entries(expected.checkpoints)) {
    test(`${file} (${want.layout} layout): every tensor's name, dtype, shape and values equal torch's`, async () => {
      const src = sourceOf(file);
      const m = await openModel(src);
      expect(m.format).toBe('pytorch');
      expect(m.metadata['pytorch.layout']).toBe(want.layout);
      expect(m.tensors.map((t) => t.name)).toEqual(Object.keys(want.tensors));
      for (const t of m.tensors) {
        const w = want.tensors[t.name]!;
        expect(t.dtype, t.name).toBe(DTYPE[w.dtype]);
        expect(t.shape, t.name).toEqual(w.shape);
        expect(t.params, t.name).toBe(w.values.length);
        expect([...(await readTensorF32(src, t))], t.name).toEqual(w.values.map(Math.fround));
      }
      for (const [k, v] of Object.entries(want.metadata)) expect(m.metadata[k], k).toBe(v);
    });
  }

  test('views keep their storage offset; only non-contiguous ones carry strides', async () => {
    for (const file of ['views.pt', 'legacy_views.pt']) {
      const m = await openModel(sourceOf(file));
      const t = (name: string) => m.tensors.find((x) => x.name === name)!;
      expect(t('whole').strides).toBeUndefined();
      // x[1:3] of a 4×6 float32: contiguous, 6 elements (24 bytes) into the shared storage.
      expect(t('rows').strides).toBeUndefined();
      expect(t('rows').offset - t('whole').offset).toBe(24);
      expect(t('transposed').strides).toEqual([1, 6]);
      expect(t('every_other').strides).toEqual([6, 2]);
      expect(t('every_other').offset - t('whole').offset).toBe(4);
      expect(t('column').strides).toEqual([6]);
      expect(t('broadcast').strides).toEqual([0, 1]);
      expect(fileBytes(t('broadcast'))).toBe(6); // three float16 values stand for six
      // Two tensors sharing one storage point at the same bytes.
      expect(t('shared_a').offset).toBe(t('whole').offset);
      expect(t('shared_b').offset).toBe(t('whole').offset);
    }
  });

  test('opening reads the pickle, not the tensors; a tensor reads only its own bytes', async () => {
    const { src, reads } = counting(sourceOf('legacy_nested.ckpt'));
    const m = await openModel(src);
    const data = m.tensors.reduce((s, t) => s + t.bytes, 0);
    // The legacy layout reads its pickles in one window, then 8 bytes before each storage.
    expect(reads.filter((n) => n > 1024)).toEqual([src.size]);
    reads.length = 0;
    const w = m.tensors.find((t) => t.name === 'model.0.weight')!;
    await readTensorF32(src, w);
    expect(reads).toEqual([w.bytes]);
    expect(data).toBeGreaterThan(0);

    const z = counting(sourceOf('pytorch_model.bin'));
    const hf = await openModel(z.src);
    z.reads.length = 0;
    const weight = hf.tensors.find((t) => t.name === 'weight')!;
    await readTensorF32(z.src, weight);
    expect(z.reads).toEqual([8 * 4 * 2]); // Linear(8, 4) in float16
  });

  test('`slimlab inspect pytorch_model.bin` lists the tensors and exits 0', async () => {
    let out = '';
    const code = await main(['inspect', new URL('pytorch_model.bin', DIR).pathname, '--json'], {
      out: (s) => (out += s),
      err: () => undefined,
    });
    expect(code).toBe(0);
    const doc = JSON.parse(out) as { format: string; tensors: Array<{ name: string }> };
    expect(doc.format).toBe('pytorch');
    expect(doc.tensors.map((t) => t.name)).toEqual(['weight', 'bias']);
  });
});

/** What each hostile pickle must be refused with (torch's own refusal is in expected.json). */
const REFUSALS: Record<string, RegExp> = {
  global_os_system: /global 'os\.system' is not allowed: Slimlab never runs code from a checkpoint/,
  reduce_os_system: /global 'posix\.system' is not allowed: Slimlab never runs code/,
  reduce_eval: /global 'builtins\.eval' is not allowed/,
  inst: /opcode INST .* is not allowed/,
  obj: /opcode OBJ .* is not allowed/,
  deep_lists: /nests deeper than 200 levels/,
  deep_marks: /nesting passes 200 levels/,
  huge_memo_put: /memo index 4294967295 is larger than a \d+-byte pickle can hold/,
  huge_memo_get: /memo index 2147483647 is larger than/,
  build_dict: /BUILD is allowed on tensors and OrderedDicts only, not on a dict/,
  huge_string: /a 4294967280-byte string needs 4294967280 bytes, but the pickle ends/,
  huge_storage: /storage '0' element count 1152921504606846976 is too large/,
};

describe('hostile pickles are refused, never run', () => {
  for (const [file, { torch_refuses }] of Object.entries(expected.hostile)) {
    const kind = file.replace(/^hostile_/, '').replace(/_(zip|legacy)\.\w+$/, '');
    test(`${file}: ${REFUSALS[kind]!.source}`, async () => {
      const err = await openModel(sourceOf(file)).catch((e: unknown) => e);
      expect(isFormatError(err), String(err)).toBe(true);
      expect((err as FormatError).message).toMatch(new RegExp(`^${file}: `));
      expect((err as FormatError).message).toMatch(REFUSALS[kind]!);
      // torch refuses the same files, except nesting and memo indices it has no cap for.
      if (!['deep_lists', 'deep_marks', 'huge_memo_put'].includes(kind))
        expect(torch_refuses).not.toBeNull();
    });
  }

  /** A legacy-layout file around a given main pickle, with the fixtures' preamble and no storages. */
  const legacyWith = (pkl: number[], after: number[] = [0x80, 0x02, 0x5d, 0x2e]) => {
    const legacy = bytesOf('hostile_build_dict_legacy.bin');
    // The preamble (magic, protocol, sys_info) is everything before the hostile pickle `80 02 7d 7d 62`.
    const cut = legacy.findIndex((_, i) =>
      [0x80, 0x02, 0x7d, 0x7d, 0x62].every((b, j) => legacy[i + j] === b),
    );
    return new Uint8Array([...legacy.subarray(0, cut), ...pkl, ...after]);
  };

  test('a list that contains itself is refused, not walked forever', async () => {
    // ] q0 h0 a . : an empty list, memoised, appended to itself.
    const bytes = legacyWith([0x80, 0x02, 0x5d, 0x71, 0x00, 0x68, 0x00, 0x61, 0x2e]);
    await expect(openModel(bytesSource('self.bin', bytes))).rejects.toThrow(/contains itself/);
  });

  test('a pickle that shares one list at every level (2^100 paths) is refused, not walked 2^100 times', async () => {
    // L0 = []; L(i+1) = [Li, Li]; a walk without a bound would visit 2^100 lists.
    const op: number[] = [0x80, 0x02, 0x5d, 0x71, 0];
    for (let i = 0; i < 100; i++) op.push(0x5d, 0x28, 0x68, i, 0x68, i, 0x65, 0x71, i + 1);
    op.push(0x2e);
    await expect(openModel(bytesSource('laughs.bin', legacyWith(op)))).rejects.toThrow(
      /refers to the same containers over and over/,
    );
  });

  test('a stride-0 view standing for more bytes than the file holds is refused', async () => {
    const ascii = (t: string) => [...t].map((c) => c.charCodeAt(0));
    const str = (t: string) => [0x58, t.length, 0, 0, 0, ...ascii(t)]; // BINUNICODE
    const pkl = [
      ...[0x80, 0x02, 0x63, ...ascii('torch._utils\n_rebuild_tensor_v2\n'), 0x28],
      // ('storage', torch.FloatStorage, '0', 'cpu', 1, None): one float32 element
      ...[0x28, ...str('storage'), 0x63, ...ascii('torch\nFloatStorage\n'), ...str('0')],
      ...[...str('cpu'), 0x4b, 1, 0x4e, 0x74, 0x51],
      // offset 0, size (2^30,), stride (0,), requires_grad False, hooks OrderedDict()
      ...[0x4b, 0, 0x4a, 0, 0, 0, 0x40, 0x85, 0x4b, 0, 0x85, 0x89],
      ...[0x63, ...ascii('collections\nOrderedDict\n'), 0x29, 0x52, 0x74, 0x52, 0x2e],
    ];
    // Storage keys ['0'], then storage '0': its element count (int64 1) and one float32.
    const after = [0x80, 0x02, 0x5d, 0x28, ...str('0'), 0x65, 0x2e, 1, 0, 0, 0, 0, 0, 0, 0];
    const bytes = legacyWith(pkl, [...after, 0, 0, 0x80, 0x3f]);
    await expect(openModel(bytesSource('expand.bin', bytes))).rejects.toThrow(
      /tensor 'tensor': expands 4 stored bytes to 4294967296, more than the \d+-byte file/,
    );
  });

  test('a legacy file cut inside a storage is a truncated-file error naming the storage', async () => {
    const bytes = bytesOf('legacy_views.pt');
    const err = await openModel(bytesSource('cut.pt', bytes.subarray(0, bytes.length - 10))).catch(
      (e: unknown) => e,
    );
    expect(isFormatError(err) && err.code).toBe('truncated');
    expect(String(err)).toMatch(/^FormatError: cut\.pt: storage '\d+': .* pass(es)? the end/);
  });
});

describe('sniffing: each zip reader claims only its own', () => {
  test('a .npz still opens as npz; a torch zip is not an npz', async () => {
    expect((await openModel(sourceOf('views.pt'))).format).toBe('pytorch');
    const npz = new Uint8Array(
      readFileSync(new URL('../fixtures/oracle/stored.npz', import.meta.url)),
    );
    expect((await openModel(bytesSource('stored.npz', npz))).format).toBe('npz');
    // Named .npz, a torch zip is read as what its bytes say.
    expect((await openModel(bytesSource('renamed.npz', bytesOf('views.pt')))).format).toBe(
      'pytorch',
    );
  });

  test('a zip with no .npy members named .npz is an error, not an empty model', async () => {
    // The torch zip's data.pkl renamed so neither reader claims it by its first member.
    const bytes = bytesOf('hostile_build_dict_zip.pt');
    const text = new TextDecoder('latin1').decode(bytes);
    const b = bytes.slice();
    for (let i = text.indexOf('data.pkl'); i >= 0; i = text.indexOf('data.pkl', i + 1))
      b.set([0x78], i); // 'xata.pkl'
    await expect(openModel(bytesSource('empty.npz', b))).rejects.toThrow(/holds no \.npy arrays/);
    await expect(openModel(bytesSource('empty.pt', b))).rejects.toThrow(
      /empty\.pt: is not a recognised weights file.*not a PyTorch checkpoint/,
    );
  });
});

describe('fuzzing torch checkpoints', () => {
  for (const file of ['views.pt', 'legacy_views.pt']) {
    test(
      `every mutation of ${file} opens or fails with a FormatError`,
      { timeout: 120_000 },
      async () => {
        const base = bytesOf(file);
        await fc.assert(
          fc.asyncProperty(
            fc.array(
              fc.record({
                at: fc.nat(base.length - 1),
                value: fc.integer({ min: 0, max: 255 }),
                cut: fc.boolean(),
              }),
              { minLength: 1, maxLength: 4 },
            ),
            async (ms) => {
              let b = base.slice();
              for (const m of ms) {
                if (m.cut) b = b.slice(0, m.at);
                else if (m.at < b.length) b[m.at] = m.value;
              }
              try {
                const src = bytesSource(file, b);
                const m = await openModel(src);
                for (const t of m.tensors as TensorInfo[]) {
                  if (!t.zipEntry) expect(t.offset + fileBytes(t)).toBeLessThanOrEqual(b.length);
                  await readTensorF32(src, t);
                }
              } catch (e) {
                if (!isFormatError(e)) throw e;
              }
            },
          ),
          { numRuns: 2000, seed: 7 },
        );
      },
    );
  }
});

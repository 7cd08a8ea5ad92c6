// llama2.c checkpoints: the real stories260K opens as a Llama under HF names, and a file whose header
// and size disagree is refused with a typed error (and never claimed by the registry as '.bin').
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { llamaConfigOf, llama2cReader } from '../../src/formats/llama2c.ts';
import { totalParams } from '../../src/formats/model.ts';
import { openModel, sniff } from '../../src/formats/registry.ts';
import { bytesSource } from '../../src/formats/source.ts';
import { formatError } from '../helpers/errors.ts';

const STORIES = new URL('../../public/models/stories260K.bin', import.meta.url);
const bytes = new Uint8Array(readFileSync(STORIES));

/** A checkpoint of zeros with this header and exactly the size it implies (unless `extra`). */
function checkpoint(h: number[], extra = 0): Uint8Array {
  const [dim, hidden, layers, heads, kv, vocab, seq] = h as [number, ...number[]];
  const hd = dim / heads!;
  const floats =
    Math.abs(vocab!) * dim * (vocab! < 0 ? 2 : 1) +
    layers! * (2 * dim + 2 * dim * dim + 2 * kv! * hd * dim + 3 * hidden! * dim) +
    dim +
    seq! * hd;
  const b = new Uint8Array(28 + floats * 4 + extra);
  const v = new DataView(b.buffer);
  h.forEach((x, i) => v.setInt32(i * 4, x, true));
  return b;
}

describe('llama2c: stories260K', () => {
  test('opens as a 5-layer Llama of width 64 with 260,032 parameters', async () => {
    const m = await openModel(bytesSource('stories260K.bin', bytes));
    expect(m.format).toBe('llama2c');
    expect(m.tensors).toHaveLength(1 + 5 * 9 + 1);
    expect(totalParams(m)).toBe(260_032);
    const config = llamaConfigOf(m.metadata);
    expect(config).toEqual({
      dim: 64,
      hidden: 172,
      layers: 5,
      heads: 8,
      kvHeads: 4,
      vocab: 512,
      seqLen: 512,
      normEps: 1e-5,
      ropeTheta: 10000,
      rope: 'interleaved',
      tiedEmbedding: true,
    });
    const byName = new Map(m.tensors.map((t) => [t.name, t]));
    expect(byName.has('lm_head.weight')).toBe(false);
    expect(byName.get('model.embed_tokens.weight')).toMatchObject({ shape: [512, 64], offset: 28 });
    expect(byName.get('model.layers.0.self_attn.k_proj.weight')?.shape).toEqual([32, 64]);
    expect(byName.get('model.layers.4.mlp.down_proj.weight')?.shape).toEqual([64, 172]);
    // wq stacked after the embedding (512·64) and rms_att (5·64): layer 1 is one [64, 64] further.
    const q1 = byName.get('model.layers.1.self_attn.q_proj.weight')!;
    expect(q1.offset).toBe(28 + (512 * 64 + 5 * 64 + 64 * 64) * 4);
    // rms_final is followed only by the two rotary tables [512, 4] each.
    expect(byName.get('model.norm.weight')!.offset).toBe(
      bytes.byteLength - 64 * 4 - 2 * 512 * 4 * 4,
    );
    for (const t of m.tensors) {
      expect(t.dtype).toBe('F32');
      expect(t.offset + t.bytes).toBeLessThanOrEqual(bytes.byteLength);
    }
  });

  test('the RMSNorm gains read as plausible floats (offsets land on the right arrays)', async () => {
    const m = await llama2cReader.parse(bytesSource('stories260K.bin', bytes));
    const norm = m.tensors.find((t) => t.name === 'model.norm.weight')!;
    const v = new Float32Array(bytes.slice(norm.offset, norm.offset + norm.bytes).buffer);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean).toBeGreaterThan(0.3);
    expect(mean).toBeLessThan(10);
  });
});

describe('llama2c: a header and size that disagree are refused', () => {
  const good = [64, 172, 2, 8, 4, -32, 16];
  const fail = (b: Uint8Array) => formatError(llama2cReader, 'model.bin', b);

  test('an untied classifier adds lm_head', async () => {
    const m = await llama2cReader.parse(bytesSource('model.bin', checkpoint(good)));
    expect(m.tensors.at(-1)).toMatchObject({ name: 'lm_head.weight', shape: [32, 64] });
    expect(llamaConfigOf(m.metadata)?.tiedEmbedding).toBe(false);
  });
  test('a truncated file', async () => {
    const b = checkpoint(good);
    const e = await fail(b.subarray(0, b.byteLength - 4));
    expect(e.code).toBe('truncated');
    expect(e.message).toMatch(
      `model.bin: file size: not a llama2.c checkpoint: the header implies ${b.byteLength} bytes, the file has ${b.byteLength - 4}`,
    );
  });
  test('a file one byte too long', async () => {
    const e = await fail(checkpoint(good, 1));
    expect(e.code).toBe('size-mismatch');
    expect(e.message).toMatch(/the header implies \d+ bytes, the file has \d+/);
  });
  test('shorter than the header', async () => {
    expect((await fail(new Uint8Array(20))).code).toBe('truncated');
  });
  test.each([
    ['n_layers', [64, 172, 0, 8, 4, 32, 16]],
    ['dim', [-64, 172, 2, 8, 4, 32, 16]],
    ['vocab_size', [64, 172, 2, 8, 4, 0, 16]],
    ['n_kv_heads', [64, 172, 2, 8, -4, 32, 16]],
  ])('zero or negative %s', async (field, h) => {
    const b = new Uint8Array(4096);
    const v = new DataView(b.buffer);
    h.forEach((x, i) => v.setInt32(i * 4, x, true));
    const e = await fail(b);
    expect(e.code).toBe('bad-header');
    expect(e.message).toContain(`model.bin: ${field}: not a llama2.c checkpoint: ${field} is`);
  });
  test('heads that do not divide dim, and query heads not a multiple of kv heads', async () => {
    const b = new Uint8Array(4096);
    const v = new DataView(b.buffer);
    [64, 172, 2, 6, 3, 32, 16].forEach((x, i) => v.setInt32(i * 4, x, true));
    expect((await fail(b)).message).toMatch(/dim 64 is not a multiple of the 6 heads/);
    [64, 172, 2, 8, 3, 32, 16].forEach((x, i) => v.setInt32(i * 4, x, true));
    expect((await fail(b)).message).toMatch(/8 query heads do not share 3 key\/value heads/);
  });
  test('llamaConfigOf is null for metadata that is not a llama2.c header', () => {
    expect(llamaConfigOf({})).toBeNull();
    expect(llamaConfigOf({ 'llama2c.dim': '64' })).toBeNull();
  });
});

describe('llama2c: the registry claims a .bin only when it is exactly a checkpoint', () => {
  test('a PyTorch zip .bin is not claimed as llama2c', async () => {
    const zip = new Uint8Array(200);
    zip.set([0x50, 0x4b, 0x03, 0x04]);
    expect((await sniff(bytesSource('pytorch_model.bin', zip)))?.format).not.toBe('llama2c');
  });
  test('another .bin of the wrong size is unknown, and the error says why', async () => {
    const b = checkpoint([64, 172, 2, 8, 4, 32, 16], 8);
    const src = bytesSource('weights.bin', b);
    expect(await sniff(src)).toBeNull();
    await expect(openModel(src)).rejects.toMatchObject({
      code: 'unknown-format',
      message: expect.stringMatching(/not a llama2\.c checkpoint: the header implies \d+ bytes/),
    });
  });
  test('random bytes are not claimed', async () => {
    const b = new Uint8Array(1000).map((_, i) => (i * 7919) % 251);
    expect(await sniff(bytesSource('x.bin', b))).toBeNull();
  });
  test('an exact checkpoint is claimed whatever its name', async () => {
    const src = bytesSource('model', checkpoint([64, 172, 2, 8, 4, 32, 16]));
    expect((await sniff(src))?.format).toBe('llama2c');
  });
});

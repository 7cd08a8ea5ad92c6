// Several files dropped at once: shards with their index, ONNX with its external data, bad files listed.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { openGroup } from '../../src/formats/group.ts';
import { bytesSource } from '../../src/formats/source.ts';
import { readTensorF32 } from '../../src/formats/tensor-data.ts';
import { manifest, oracleSource } from '../helpers/fixtures.ts';

const ONNX = fileURLToPath(new URL('../fixtures/onnx/', import.meta.url));
const onnxSource = (f: string) => bytesSource(f, new Uint8Array(readFileSync(ONNX + f)));
const shards = ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'];

describe('opening files together', () => {
  test('a sharded safetensors checkpoint opens as one model', async () => {
    const { index, tensors } = manifest().sharded;
    const r = await openGroup([index, ...shards].map(oracleSource));
    expect(r.problems).toEqual([]);
    expect(r.models).toHaveLength(1);
    const { info, sources } = r.models[0]!;
    expect(info.metadata.shards).toBe('2');
    expect(info.tensors.map((t) => t.name).sort()).toEqual(Object.keys(tensors).sort());
    for (const t of info.tensors) {
      const x = await readTensorF32(sources.get(t.dataFile!)!, t);
      expect([...x]).toEqual(tensors[t.name]!.values.map(Math.fround));
    }
  });

  test('a missing shard is a problem that names it', async () => {
    const r = await openGroup([manifest().sharded.index, shards[0]!].map(oracleSource));
    expect(r.models).toEqual([]);
    expect(r.problems[0]!.message).toMatch(
      /index\.json: shards: missing model-00002-of-00002\.safetensors/,
    );
  });

  test('ONNX external data without its companion file is a problem that names it', async () => {
    const r = await openGroup([onnxSource('synthetic.onnx')]);
    expect(r.problems[0]!.message).toMatch(
      /synthetic\.onnx: tensor '.*': its data is in 'synthetic\.weights'/,
    );
  });

  test('ONNX with its companion opens; a stray data file alone is reported', async () => {
    const ok = await openGroup([onnxSource('synthetic.weights'), onnxSource('synthetic.onnx')]);
    expect(ok.problems).toEqual([]);
    expect([...ok.models[0]!.sources.keys()]).toEqual(['synthetic.onnx', 'synthetic.weights']);
    const stray = await openGroup([onnxSource('synthetic.weights')]);
    expect(stray.problems[0]!.message).toMatch(
      /synthetic\.weights: is not a recognised weights file/,
    );
  });

  test('good files open and bad ones are listed, each with its reason', async () => {
    const r = await openGroup([
      oracleSource('v1_f32.npy'),
      bytesSource('junk.safetensors', new Uint8Array([1, 2, 3])),
      oracleSource('v3.gguf'),
    ]);
    expect(r.models.map((m) => m.info.format)).toEqual(['npy', 'gguf']);
    expect(r.problems.map((p) => p.file)).toEqual(['junk.safetensors']);
  });
});

// Every ggml block type dequantizes to gguf-py's float32 values bit for bit: random blocks of each
// type (scripts/oracles/make_ggml_dequant_fixtures.py), and a GGUF written by gguf-py's GGUFWriter
// with a tensor of each type, opened and read through our reader. The i-quant codebooks in
// ggml-grids.ts are checked against gguf-py's own tables (SLIMLAB_PYTHON names the interpreter).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { decodeToFloat32, storageBytes } from '../../src/core/base/dtype.ts';
import * as grids from '../../src/core/quant/ggml-grids.ts';
import { GGML_BLOCKS, type GgmlBlockType } from '../../src/core/quant/ggml-quants.ts';
import { openModel } from '../../src/formats/registry.ts';
import { readTensorF32 } from '../../src/formats/tensor-data.ts';
import { ORACLE_DIR, oracleSource } from '../helpers/fixtures.ts';

interface Fixture {
  gguf_version: string;
  blocks: Record<
    string,
    {
      id: number;
      block: number;
      bytes: number;
      blocks: number;
      oracle: string;
      raw: string;
      expected: string;
    }
  >;
  gguf: {
    file: string;
    tensors: Record<string, { type: string; shape: number[]; oracle: string; expected: string }>;
  };
}

const fixture = JSON.parse(readFileSync(`${ORACLE_DIR}ggml_dequant.json`, 'utf8')) as Fixture;

const bytesOf = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));
const floatsOf = (b64: string) => {
  const b = bytesOf(b64);
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
};

/** The first element whose float32 bits differ (so -0 ≠ 0 and NaN payloads count), or null. */
function firstDifference(got: Float32Array, want: Float32Array): string | null {
  if (got.length !== want.length) return `length ${got.length}, want ${want.length}`;
  const g = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const w = new Uint32Array(want.buffer, want.byteOffset, want.length);
  for (let i = 0; i < g.length; i++) {
    if (g[i] !== w[i]) return `element ${i}: ${got[i]} (0x${g[i]!.toString(16)}), want ${want[i]}`;
  }
  return null;
}

describe('ggml blocks dequantize exactly as gguf-py', () => {
  test('the fixture covers every block type we read, with the same block sizes', () => {
    expect(Object.keys(fixture.blocks).sort()).toEqual(Object.keys(GGML_BLOCKS).sort());
    for (const [name, c] of Object.entries(fixture.blocks)) {
      expect(GGML_BLOCKS[name as GgmlBlockType], name).toEqual({ block: c.block, bytes: c.bytes });
    }
  });
  for (const [name, c] of Object.entries(fixture.blocks)) {
    test(`${name}: ${c.blocks} random blocks (${c.oracle})`, () => {
      const raw = bytesOf(c.raw);
      const count = c.blocks * c.block;
      expect(storageBytes(name as GgmlBlockType, count)).toBe(raw.byteLength);
      const got = decodeToFloat32(raw, name as GgmlBlockType, count);
      expect(firstDifference(got, floatsOf(c.expected))).toBeNull();
    });
  }
  test('blocks read at an odd offset inside a larger buffer decode the same', () => {
    const c = fixture.blocks.IQ2_S!;
    const raw = bytesOf(c.raw);
    const padded = new Uint8Array(raw.byteLength + 3);
    padded.set(raw, 3);
    const got = decodeToFloat32(padded.subarray(3), 'IQ2_S', c.blocks * c.block);
    expect(firstDifference(got, floatsOf(c.expected))).toBeNull();
  });
  test('a byte count that is not whole blocks is refused', () => {
    const raw = bytesOf(fixture.blocks.Q3_K!.raw);
    expect(() => decodeToFloat32(raw.subarray(0, 109), 'Q3_K', 256)).toThrow(/110 bytes/);
    expect(() => decodeToFloat32(raw, 'Q3_K', 100)).toThrow(/whole blocks/);
  });
});

describe('a GGUF written by gguf-py with a tensor of every type', () => {
  for (const [name, want] of Object.entries(fixture.gguf.tensors)) {
    test(`${name} (${want.type}) opens and reads as gguf-py reads it`, async () => {
      const src = oracleSource(fixture.gguf.file);
      const m = await openModel(src);
      const t = m.tensors.find((x) => x.name === name);
      expect(t, `tensor ${name}`).toBeDefined();
      expect(t!.dtype).toBe(want.type);
      expect(t!.shape).toEqual(want.shape);
      const got = await readTensorF32(src, t!);
      expect(firstDifference(got, floatsOf(want.expected))).toBeNull();
    });
  }
});

const PYTHON = process.env.SLIMLAB_PYTHON ?? 'python3';
const probe = spawnSync(PYTHON, ['-c', 'import gguf, numpy'], { encoding: 'utf8' });
const available = probe.status === 0;
const required = Boolean(process.env.CI);
const missing = `${PYTHON} cannot import gguf and numpy (set SLIMLAB_PYTHON)`;
if (!available && !required)
  console.warn(`skipping the ggml grid table check: ${missing}\n${probe.stderr ?? ''}`);
const SCRIPT = new URL('../../scripts/oracles/make_ggml_grids.py', import.meta.url).pathname;

describe.skipIf(!available && !required)('ggml-grids.ts holds gguf-py’s tables', () => {
  test('every grid and codebook equals the installed gguf-py’s', () => {
    expect(available, `${missing}: ${probe.stderr || probe.error?.message}`).toBe(true);
    const r = spawnSync(PYTHON, [SCRIPT, '--json'], { encoding: 'utf8', maxBuffer: 1 << 24 });
    expect(r.status, r.stderr).toBe(0);
    const tables = JSON.parse(r.stdout) as Record<string, { shape: number[]; values: number[] }>;
    const ours = grids as Record<string, Int8Array | Uint8Array>;
    expect(Object.keys(tables).sort()).toEqual(Object.keys(ours).sort());
    for (const [name, want] of Object.entries(tables)) {
      expect(ours[name]!.length, name).toBe(want.shape.reduce((a, b) => a * b, 1));
      expect([...ours[name]!], name).toEqual(want.values);
    }
  });
});

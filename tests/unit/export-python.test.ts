// Exported files checked by the reference readers (gguf-py, safetensors, numpy) through
// scripts/oracles/check_exports.py. SLIMLAB_PYTHON names the interpreter to use (.ci/run installs
// one). Where Python lacks those packages the check skips with the reason, except under CI, where it
// runs and fails with that reason.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SPEC } from '../../src/core/quant/spec.ts';
import { describe, expect, test } from 'vitest';
import { exportModel, type ExportOptions } from '../../src/engine/export.ts';
import { openGroup, type OpenedModel } from '../../src/formats/group.ts';
import { bytesSource } from '../../src/formats/source.ts';
import { readTensorF32 } from '../../src/formats/tensor-data.ts';
import { npyHeader } from '../../src/formats/write/npy.ts';
import { f32Safetensors } from '../helpers/safetensors.ts';
import { normal } from '../helpers/random.ts';

const PYTHON = process.env.SLIMLAB_PYTHON ?? 'python3';
const probe = spawnSync(PYTHON, ['-c', 'import gguf, safetensors, numpy'], { encoding: 'utf8' });
const available = probe.status === 0;
const required = Boolean(process.env.CI);
const missing = `${PYTHON} cannot import gguf, safetensors and numpy (set SLIMLAB_PYTHON)`;
if (!available && !required)
  console.warn(`skipping the Python export check: ${missing}\n${probe.stderr ?? ''}`);
const SCRIPT = new URL('../../scripts/oracles/check_exports.py', import.meta.url).pathname;

async function bytesOf(m: OpenedModel, o: ExportOptions): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of exportModel(m, o).chunks) parts.push(c.slice());
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

const TITLE = `exports read by the reference implementations${available ? '' : ` (${missing})`}`;

describe.skipIf(!available && !required)(TITLE, () => {
  test('GGUF (F16, Q8_0, Q4_0), safetensors (int2–16 per tensor/channel/group, fp16, bf16) and .npy', async () => {
    expect(available, `${missing}: ${probe.stderr || probe.error?.message}`).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'slimlab-export-'));
    const src = f32Safetensors({
      'blk.w': { shape: [16, 96], data: normal(1536, 4, 0.05) },
      'blk.b': normal(16, 5),
      'conv.w': { shape: [4, 3, 3, 3], data: normal(108, 6, 0.2) },
    });
    const { models } = await openGroup([bytesSource('m.safetensors', src)]);
    const m = models[0]!;
    const outputs: Array<[string, ExportOptions]> = [
      ['f16.gguf', { format: 'gguf', type: 'F16' }],
      ['q8.gguf', { format: 'gguf', type: 'Q8_0' }],
      ['q4.gguf', { format: 'gguf', type: 'Q4_0' }],
      ['i8.safetensors', { format: 'safetensors', quantize: 'int8', symmetric: true }],
      ['u8.safetensors', { format: 'safetensors', quantize: 'int8', symmetric: false }],
      ['i4.safetensors', { format: 'safetensors', quantize: 'int4', symmetric: true }],
      ['u4.safetensors', { format: 'safetensors', quantize: 'int4', symmetric: false }],
      ['blk.w.npy', { format: 'npy', tensor: 'blk.w' }],
      [
        'g32.safetensors',
        {
          format: 'safetensors',
          spec: {
            ...DEFAULT_SPEC,
            bits: 4,
            scaleBits: 16,
            granularity: { kind: 'group', size: 32 },
          },
        },
      ],
      [
        'u3t.safetensors',
        {
          format: 'safetensors',
          spec: { ...DEFAULT_SPEC, bits: 3, symmetric: false, granularity: { kind: 'tensor' } },
        },
      ],
      [
        'i16c1.safetensors',
        {
          format: 'safetensors',
          spec: { ...DEFAULT_SPEC, bits: 16, granularity: { kind: 'channel', axis: 1 } },
        },
      ],
      [
        'u6g.safetensors',
        {
          format: 'safetensors',
          spec: {
            ...DEFAULT_SPEC,
            bits: 6,
            symmetric: false,
            granularity: { kind: 'group', size: 40, axis: 1 },
          },
        },
      ],
      ['bf16.safetensors', { format: 'safetensors', spec: { ...DEFAULT_SPEC, format: 'bf16' } }],
      [
        'g8conv.safetensors',
        {
          format: 'safetensors',
          spec: {
            ...DEFAULT_SPEC,
            bits: 5,
            symmetric: false,
            granularity: { kind: 'group', size: 8 },
          },
        },
      ],
      ['fp16.safetensors', { format: 'safetensors', spec: { ...DEFAULT_SPEC, format: 'fp16' } }],
    ];
    for (const [file, o] of outputs) {
      const out = await bytesOf(m, o);
      writeFileSync(join(dir, file), out);
      // What our own reader says each tensor holds, for the script to compare with.
      const back = (await openGroup([bytesSource(file, out)])).models[0]!;
      mkdirSync(join(dir, 'expected', file), { recursive: true });
      for (const t of back.info.tensors) {
        const x = await readTensorF32(back.sources.get(back.info.file)!, t);
        const name = file.endsWith('.npy') ? 'blk.w' : t.name;
        writeFileSync(
          join(dir, 'expected', file, `${name}.npy`),
          Buffer.concat([
            npyHeader('F32', [x.length]),
            Buffer.from(x.buffer, x.byteOffset, x.byteLength),
          ]),
        );
      }
    }
    const r = spawnSync(PYTHON, [SCRIPT, dir], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toMatch(/tensors checked, 0 mismatches/);
    expect(r.status).toBe(0);
  });
});

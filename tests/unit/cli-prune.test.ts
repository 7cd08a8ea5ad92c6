// `slimlab prune`: per-tensor masks as the core (itself equal to torch) computes them, the global
// threshold found in two bounded passes, --out, and clear errors.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { main } from '../../src/cli/main.ts';
import {
  globalMagnitudeMasks,
  magnitudeMask,
  nmMask,
  sparsityOf,
} from '../../src/core/prune/prune.ts';
import { openModel } from '../../src/formats/registry.ts';
import { bytesSource } from '../../src/formats/source.ts';
import { readTensorF32 } from '../../src/formats/tensor-data.ts';

const MLP = new URL('../../public/models/mnist-mlp.safetensors', import.meta.url).pathname;

async function run(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += `${s}\n`), err: (s) => (err += `${s}\n`) });
  return { code, out, err };
}

async function tensors(path: string) {
  const bytes = new Uint8Array(readFileSync(path));
  const info = await openModel(bytesSource(path, bytes));
  const out: Record<string, Float32Array> = {};
  for (const t of info.tensors) out[t.name] = await readTensorF32(bytesSource(path, bytes), t);
  return out;
}

describe('slimlab prune', () => {
  test('global magnitude: the two-pass threshold prunes exactly what one global sort does', async () => {
    const w = await tensors(MLP);
    const names = ['fc1.weight', 'fc2.weight', 'fc3.weight'];
    const dir = mkdtempSync(join(tmpdir(), 'slimlab-prune-'));
    const out = join(dir, 'pruned.safetensors');
    const r = await run([
      'prune',
      MLP,
      '--method',
      'global-magnitude',
      '--sparsity',
      '0.7',
      '--json',
      '--out',
      out,
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { name?: string; sparsity: number; zeros: number });
    const want = globalMagnitudeMasks(
      names.map((n) => w[n]!),
      0.7,
    );
    names.forEach((n, i) =>
      expect(lines[i]!.zeros).toBe(want[i]!.length - want[i]!.reduce((a, v) => a + v, 0)),
    );
    expect(lines.at(-1)!.sparsity).toBeCloseTo(0.7, 5);
    const pruned = await tensors(out);
    names.forEach((n, i) =>
      expect([...pruned[n]!].map((v) => (v === 0 ? 0 : 1))).toEqual([...want[i]!]),
    );
    // Biases are not weights of rank ≥ 2: unchanged.
    expect([...pruned['fc1.bias']!]).toEqual([...w['fc1.bias']!]);
  });

  test('per tensor magnitude and 2:4 match the core masks; relative error grows with sparsity', async () => {
    const w = await tensors(MLP);
    const m = await run(['prune', MLP, '--method', 'magnitude', '--sparsity', '0.9', '--json']);
    const nm = await run(['prune', MLP, '--method', 'nm:2:4', '--json']);
    const rows = (o: string) =>
      o
        .trim()
        .split('\n')
        .slice(0, 3)
        .map((l) => JSON.parse(l) as { zeros: number; relative_error: number });
    const a = rows(m.out);
    const b = rows(nm.out);
    expect(a[0]!.zeros).toBe(
      w['fc1.weight']!.length - magnitudeMask(w['fc1.weight']!, 0.9).reduce((s, v) => s + v, 0),
    );
    expect(b[0]!.zeros / w['fc1.weight']!.length).toBe(
      sparsityOf(nmMask(w['fc1.weight']!, 784, 2, 4)),
    );
    expect(a[0]!.relative_error).toBeGreaterThan(b[0]!.relative_error);
  });

  test('bad options exit 1 with one line', async () => {
    for (const args of [
      [MLP, '--method', 'random', '--sparsity', '0.5'],
      [MLP, '--method', 'magnitude'],
      [MLP, '--method', 'magnitude', '--sparsity', '1.5'],
      [MLP, '--method', 'nm:4:2'],
      [MLP, '--method', 'nm:2:4', '--sparsity', '0.3'],
      [MLP, '--method', 'magnitude', '--sparsity', '0.5', '--out', 'x.gguf'],
    ]) {
      const r = await run(['prune', ...args]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
  });
});

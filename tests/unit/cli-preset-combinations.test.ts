// Every combination of the quantization keys a link can carry (format × bits × range × granularity,
// and the axis, group size, rounding, scale storage and clip at their extremes) that the preset
// schema accepts is one the engine runs: no link the schema lets through ends in an error.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { mulberry32 } from '../../src/core/base/rng.ts';
import { quantizeCpu } from '../../src/engine/quantize.ts';
import { FIELDS } from '../../src/presets/fields.ts';
import { decodePreset, specOf } from '../../src/presets/schema.ts';
import { f32Safetensors } from '../helpers/safetensors.ts';

const SHAPE = [3, 40];
const r = mulberry32(5);
const X = Float32Array.from({ length: 120 }, () => (r() - 0.5) * 4 * (r() < 0.05 ? 10 : 1));

/** The link decoded and its spec run as the engine runs the tensor panel's quantization. */
function runs(query: string) {
  const d = decodePreset(query);
  const q = quantizeCpu(X, SHAPE, specOf(d.settings));
  return { d, q };
}

describe('links the schema accepts run in the engine', () => {
  test('format × bits × symmetric × granularity', () => {
    let accepted = 0;
    for (const qf of FIELDS.qFormat.options)
      for (let qb = FIELDS.qBits.min; qb <= FIELDS.qBits.max; qb++)
        for (const qs of [0, 1])
          for (const qg of ['tensor', 'channel&qa=1', 'group&qz=7']) {
            const query = `qf=${qf}&qb=${qb}&qs=${qs}&qg=${qg}`;
            const { d, q } = runs(query);
            if (d.given.includes('qBits')) accepted++;
            // A value the schema refuses is named; what it keeps is what ran.
            if (!d.given.includes('qBits')) expect(d.notices.join(' '), query).toMatch(/qb/);
            expect(Number.isFinite(q.error.mse), query).toBe(true);
            expect(q.bitsPerWeight, query).toBeGreaterThan(0);
          }
    // Most of the grid is accepted, not refused wholesale.
    expect(accepted).toBeGreaterThan(FIELDS.qFormat.options.length * 2 * 3 * 4);
  });

  test('the axis, group size, rounding, restricted range, scale bits and clip at their ends', () => {
    for (const qf of FIELDS.qFormat.options)
      for (const extra of [
        'qg=channel&qa=7',
        'qg=channel&qa=0',
        'qg=group&qz=1',
        'qg=group&qz=65536',
        'qn=stochastic&z=123',
        'qr=1&qs=1',
        'qk=16',
        'qc=0.5',
        'qc=1',
      ]) {
        const query = `qf=${qf}&${extra}`;
        const { d, q } = runs(query);
        expect(d.notices, query).toEqual([]);
        expect(Number.isFinite(q.error.mse), query).toBe(true);
      }
  });

  test('a seeded sample of those links through `slimlab run --preset` exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slimlab-combos-'));
    const file = join(dir, 'w.safetensors');
    writeFileSync(file, f32Safetensors({ w: { shape: SHAPE, data: X } }));
    const pick = mulberry32(11);
    const one = <T>(xs: readonly T[]) => xs[Math.floor(pick() * xs.length)]!;
    for (let i = 0; i < 12; i++) {
      const query = `demo=none&qf=${one(FIELDS.qFormat.options)}&qb=${2 + Math.floor(pick() * 15)}&qg=${one(['tensor', 'channel', 'group'])}&qz=${one([1, 16, 65536])}&qa=${one([0, 1, 7])}&qs=${one([0, 1])}`;
      let err = '';
      const code = await main(['run', '--preset', query, '--model', file, '--json'], {
        out: () => {},
        err: (s) => (err += s),
      });
      expect(code, `${query}: ${err}`).toBe(0);
    }
  });
});

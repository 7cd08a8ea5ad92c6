// CPU statistics and histogram against numpy / scipy (tests/fixtures/oracle/manifest.json).
import { describe, expect, test } from 'vitest';
import { decodeToFloat32 } from '../../src/core/base/dtype.ts';
import { summarizeCpu } from '../../src/core/stats/summary.ts';
import { openModel } from '../../src/formats/registry.ts';
import { manifest, oracleSource } from '../helpers/fixtures.ts';

async function load(c: ReturnType<typeof manifest>['stats'][number]): Promise<Float32Array> {
  if (c.x) return Float32Array.from(c.x, (v) => (v === null ? NaN : v));
  const src = oracleSource(c.file!);
  const t = (await openModel(src)).tensors[0]!;
  return decodeToFloat32(await src.read(t.offset, t.bytes), t.dtype, t.params);
}

describe('statistics match numpy and scipy', () => {
  for (const c of manifest().stats) {
    test(c.name, async () => {
      const x = await load(c);
      const s = summarizeCpu(x, c.bins);
      const e = c.expected;
      expect(s.stats.min).toBe(e.min ?? NaN);
      expect(s.stats.max).toBe(e.max ?? NaN);
      expect(s.stats.mean).toBeCloseTo(e.mean!, 12);
      expect(s.stats.std).toBeCloseTo(e.std!, 12);
      if (e.kurtosis === null) expect(s.stats.kurtosis).toBeNaN();
      else
        expect(Math.abs(s.stats.kurtosis - e.kurtosis)).toBeLessThan(
          1e-9 * Math.max(1, Math.abs(e.kurtosis)),
        );
      expect(s.stats.zeros).toBe(e.zeros);
      expect(s.stats.nans).toBe(c.nonfinite.nan);
      expect([s.binning.lo, s.binning.hi]).toEqual(e.edges.map((v) => Math.fround(v)));
      // numpy bins in float64, we in float32 (to match the GPU bit for bit): a value within an ulp
      // of an edge may land in the neighbouring bin, nothing more.
      expect(s.counts.reduce((a, b) => a + b, 0)).toBe(e.counts.reduce((a, b) => a + b, 0));
      const moved = e.counts.reduce((a, v, i) => a + Math.abs(v - s.counts[i]!), 0);
      expect(moved).toBeLessThanOrEqual(2);
    });
  }
});

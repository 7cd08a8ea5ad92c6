// The benchmark report parser: accepts what the bench writes, rejects files that are not reports
// with a message saying what is wrong, and never lets a malformed row through to the charts.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parseKernelReport } from '../../src/core/perf/bench-report.ts';

const row = {
  m: 64,
  k: 128,
  n: 64,
  chosen: 'blocked',
  ms: { tiled: 3, blocked: 1 },
  gpuMs: {},
  peerMs: 2,
  peerDiff: 0,
};
const base = { adapter: 'test adapter', date: '2026-01-01T00:00:00Z', matmul: [row] };

describe('parseKernelReport', () => {
  test('the saved report the app ships parses', () => {
    const r = parseKernelReport(readFileSync('public/bench/kernels.json', 'utf8'));
    expect(r.ok, r.ok ? '' : r.error).toBe(true);
    if (r.ok) expect(r.report.matmul.length + r.report.attention.length).toBeGreaterThan(0);
  });

  test('a minimal report, with absent sections as empty or null', () => {
    const r = parseKernelReport(JSON.stringify(base));
    expect(r).toMatchObject({
      ok: true,
      report: { adapter: 'test adapter', attention: [], sparse: null, int8: null, peer: null },
    });
  });

  test.each([
    ['not json', /not JSON/],
    ['[1, 2]', /not a JSON object/],
    [JSON.stringify({ matmul: [row] }), /adapter is missing/],
    [JSON.stringify({ adapter: 'x' }), /no kernel results/],
    [JSON.stringify({ ...base, matmul: [{ ...row, chosen: 'magic' }] }), /matmul\[0\]: chosen/],
    [JSON.stringify({ ...base, matmul: [{ ...row, ms: { tiled: -1 } }] }), /matmul\[0\]: ms.tiled/],
    [JSON.stringify({ ...base, matmul: [{ ...row, ms: { tiled: 1 } }] }), /chosen variant time/],
    [JSON.stringify({ ...base, matmul: [{ ...row, m: '64' }] }), /matmul\[0\]: m/],
    [JSON.stringify({ ...base, attention: [{ n: 1, flashMs: 'fast' }] }), /attention\[0\]/],
    [JSON.stringify({ ...base, sparse: { shape: {}, csr: 3 } }), /sparse/],
  ])('rejects %s', (text, message) => {
    const r = parseKernelReport(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });
});

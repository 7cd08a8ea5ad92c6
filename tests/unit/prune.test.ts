// Pruning masks against torch (scripts/oracles/make_prune_fixtures.py: torch.nn.utils.prune and
// torch.ao.pruning.WeightNormSparsifier), the cubic schedule of Zhu & Gupta, and sparse storage.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  channelL1Keep,
  cubicSparsity,
  globalMagnitudeMasks,
  magnitudeMask,
  nmMask,
  pruneCount,
  rowMask,
  sparseBytes,
} from '../../src/core/prune/prune.ts';
import { ORACLE_DIR } from '../helpers/fixtures.ts';

interface One {
  shape: number[];
  w: number[];
  mask: number[];
}
type Case =
  | (One & { kind: 'l1_unstructured' | 'ln_structured'; amount: number })
  | { kind: 'global_unstructured'; amount: number; tensors: One[] }
  | (One & { kind: 'nm'; n: number; m: number });

const cases = JSON.parse(readFileSync(`${ORACLE_DIR}prune_cases.json`, 'utf8')) as Case[];

describe('masks equal torch', () => {
  for (const c of cases)
    test(`${c.kind} ${'amount' in c ? c.amount : `${c.n}:${c.m}`} ${'shape' in c ? c.shape.join('×') : ''}`, () => {
      if (c.kind === 'global_unstructured') {
        const got = globalMagnitudeMasks(
          c.tensors.map((t) => Float32Array.from(t.w)),
          c.amount,
        );
        c.tensors.forEach((t, i) => expect([...got[i]!]).toEqual(t.mask));
        return;
      }
      const w = Float32Array.from(c.w);
      const rows = c.shape[0]!;
      const cols = w.length / rows;
      let mask: Uint8Array;
      if (c.kind === 'nm') mask = nmMask(w, cols, c.n, c.m);
      else if (c.kind === 'l1_unstructured') mask = magnitudeMask(w, c.amount);
      else mask = rowMask(channelL1Keep(w, rows, c.amount), cols);
      expect([...mask]).toEqual(c.mask);
    });
});

test('counts round half to even, as Python does', () => {
  expect(pruneCount(0.25, 10)).toBe(2);
  expect(pruneCount(0.35, 10)).toBe(4);
  expect(pruneCount(0.5, 7)).toBe(4);
  expect(pruneCount(0.5, 5)).toBe(2);
  expect(pruneCount(1.2, 5)).toBe(5);
});

test('the cubic schedule starts at s_i, ends at s_f, prunes fastest early, and holds between steps', () => {
  const o = { initial: 0, final: 0.9, start: 100, every: 10, n: 10 };
  expect(cubicSparsity(0, o)).toBe(0);
  expect(cubicSparsity(100, o)).toBe(0);
  expect(cubicSparsity(105, o)).toBe(0);
  expect(cubicSparsity(110, o)).toBeCloseTo(0.9 * (1 - 0.9 ** 3), 12);
  expect(cubicSparsity(150, o)).toBeCloseTo(0.9 - 0.9 * 0.5 ** 3, 12);
  expect(cubicSparsity(200, o)).toBeCloseTo(0.9, 12);
  expect(cubicSparsity(10_000, o)).toBeCloseTo(0.9, 12);
  const gains = [0, 1, 2, 3].map(
    (i) => cubicSparsity(110 + 10 * i, o) - cubicSparsity(100 + 10 * i, o),
  );
  for (let i = 1; i < gains.length; i++) expect(gains[i]!).toBeLessThan(gains[i - 1]!);
});

test('sparse storage: CSR pays 4 bytes an index and breaks even late; 2:4 is 0.5625× at fp16', () => {
  const [r, c] = [1024, 1024];
  const n = r * c;
  expect(sparseBytes('dense', r, c, n, 16)).toBe(2 * n);
  expect(sparseBytes('2:4', r, c, n / 2, 16) / sparseBytes('dense', r, c, n, 16)).toBe(0.5625);
  expect(sparseBytes('2:4', r, c, n / 2, 8) / sparseBytes('dense', r, c, n, 8)).toBe(0.625);
  expect(sparseBytes('2:4', r, c, n / 2, 4) / sparseBytes('dense', r, c, n, 4)).toBe(0.75);
  expect(sparseBytes('bitmask', r, c, n / 10, 32)).toBe((n / 10) * 4 + n / 8);
  expect(sparseBytes('csr', r, c, n / 10, 32)).toBe((n / 10) * 8 + (r + 1) * 4);
  // fp32 CSR beats dense only past 50% sparsity; at int8 past 80%.
  const even = (bits: number) =>
    [...Array(100).keys()].find(
      (p) =>
        sparseBytes('csr', r, c, n * (1 - p / 100), bits) < sparseBytes('dense', r, c, n, bits),
    );
  expect(even(32)).toBe(51);
  expect(even(8)).toBe(81);
});

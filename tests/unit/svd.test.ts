// SVD against numpy.linalg.svd (scripts/oracles/make_svd_fixtures.py), on random matrices and on the
// demo MLP's own weights.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  factors,
  lowRank,
  rankForEnergy,
  svd,
  truncationError,
} from '../../src/core/lowrank/svd.ts';
import { linearForward } from '../../src/core/nn/nn.ts';
import { openModel } from '../../src/formats/registry.ts';
import { bytesSource } from '../../src/formats/source.ts';
import { readTensorF32 } from '../../src/formats/tensor-data.ts';
import { ORACLE_DIR } from '../helpers/fixtures.ts';

interface Case {
  name: string;
  m: number;
  n: number;
  a?: number[];
  tensor?: string;
  s: number[];
  k?: number;
  frobenius?: number;
}
const cases = JSON.parse(readFileSync(`${ORACLE_DIR}svd_cases.json`, 'utf8')) as Case[];
const MODEL = new URL('../../public/models/mnist-mlp.safetensors', import.meta.url).pathname;

async function matrix(c: Case): Promise<ArrayLike<number>> {
  if (c.a) return c.a;
  const bytes = new Uint8Array(readFileSync(MODEL));
  const info = await openModel(bytesSource('m', bytes));
  return readTensorF32(
    bytesSource('m', bytes),
    info.tensors.find((t) => t.name === c.tensor)!,
  );
}

describe('SVD matches numpy', () => {
  for (const c of cases)
    test(
      c.name,
      async () => {
        const a = await matrix(c);
        const d = svd(a, c.m, c.n);
        expect(d.s.length).toBe(c.s.length);
        d.s.forEach((v, i) => expect(Math.abs(v - c.s[i]!)).toBeLessThan(1e-9 * c.s[0]!));
        // U · S · Vᵀ gives back A.
        const full = lowRank(d, d.r);
        let worst = 0;
        for (let i = 0; i < c.m * c.n; i++) worst = Math.max(worst, Math.abs(full[i]! - a[i]!));
        expect(worst).toBeLessThan(1e-5 * c.s[0]!);
        if (c.k !== undefined) {
          // The rank-k error equals the root of the discarded singular values' squares (Eckart–Young).
          expect(truncationError(d.s, c.k)).toBeCloseTo(c.frobenius!, 5);
          const approx = lowRank(d, c.k);
          let e = 0;
          for (let i = 0; i < c.m * c.n; i++) e += (approx[i]! - a[i]!) ** 2;
          expect(Math.sqrt(e)).toBeCloseTo(c.frobenius!, 4);
        }
      },
      60_000,
    );

  test('the two factors multiply back to the rank-k approximation', () => {
    const m = 9;
    const n = 13;
    const a = Float32Array.from({ length: m * n }, (_, i) => Math.sin(i * 1.7) + Math.cos(i * 0.3));
    const d = svd(a, m, n);
    for (const k of [1, 4, 9]) {
      const f = factors(d, k);
      // B [m, k] · A [k, n]: rows of B against columns of A, i.e. linearForward(B, m, k, Aᵀ, n).
      const at = new Float32Array(n * k);
      for (let c = 0; c < k; c++) for (let j = 0; j < n; j++) at[j * k + c] = f.a[c * n + j]!;
      const prod = linearForward(f.b, m, k, at, n, null);
      const want = lowRank(d, k);
      for (let i = 0; i < want.length; i++) expect(prod[i]!).toBeCloseTo(want[i]!, 5);
    }
  });

  test('rank for an energy fraction', () => {
    expect(rankForEnergy([3, 2, 1], 1)).toBe(3);
    expect(rankForEnergy([3, 2, 1], 9 / 14)).toBe(1);
    expect(rankForEnergy([3, 2, 1], 0.92)).toBe(2);
    expect(rankForEnergy([3, 2, 1], 0.93)).toBe(3);
    expect(rankForEnergy([0, 0], 0.9)).toBe(0);
  });
});

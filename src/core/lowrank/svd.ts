// Singular value decomposition by one-sided Jacobi rotations (Hestenes), in float64: accurate to
// working precision for the small matrices of the demo models, and simple enough to check against
// numpy. A = U · diag(S) · Vᵀ with S descending.

export interface Svd {
  /** m × r, row-major (r = min(m, n)). */
  u: Float64Array;
  s: Float64Array;
  /** n × r, row-major: the right singular vectors are its columns. */
  v: Float64Array;
  m: number;
  n: number;
  r: number;
}

/** The SVD of a row-major m × n matrix. */
export function svd(a: ArrayLike<number>, m: number, n: number, maxSweeps = 60): Svd {
  const steps = jacobi(a, m, n, maxSweeps);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * The same SVD, computed in steps of a few million operations with `between()` awaited after each:
 * a caller can let other work (a cancel) in while a large matrix is decomposed.
 */
export async function svdInSteps(
  a: ArrayLike<number>,
  m: number,
  n: number,
  between: () => Promise<void>,
  maxSweeps = 60,
): Promise<Svd> {
  const steps = jacobi(a, m, n, maxSweeps);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await between();
  }
}

/** Rotations of one sweep between two yields (each pair costs about 6·m operations). */
const PAIRS_PER_STEP = 4096;

function* jacobi(
  a: ArrayLike<number>,
  m: number,
  n: number,
  maxSweeps: number,
): Generator<void, Svd> {
  if (m < n) {
    // Work on the transpose (tall), then swap the roles of U and V.
    const t = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = a[i * n + j]!;
    const r = yield* jacobi(t, n, m, maxSweeps);
    return { u: r.v, s: r.s, v: r.u, m, n, r: r.r };
  }
  // Columns of A (m ≥ n) stored contiguously: col[j] = A[:, j].
  const col = new Float64Array(n * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) col[j * m + i] = a[i * n + j]!;
  const v = new Float64Array(n * n);
  for (let j = 0; j < n; j++) v[j * n + j] = 1;
  const eps = 1e-15;
  let pairs = 0;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      if (pairs >= PAIRS_PER_STEP) {
        pairs = 0;
        yield;
      }
      pairs += n - 1 - p;
      for (let q = p + 1; q < n; q++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        const op = p * m;
        const oq = q * m;
        for (let i = 0; i < m; i++) {
          const x = col[op + i]!;
          const y = col[oq + i]!;
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (Math.abs(gamma) <= eps * Math.sqrt(alpha * beta) || gamma === 0) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let i = 0; i < m; i++) {
          const x = col[op + i]!;
          const y = col[oq + i]!;
          col[op + i] = c * x - s * y;
          col[oq + i] = s * x + c * y;
        }
        for (let i = 0; i < n; i++) {
          const x = v[i * n + p]!;
          const y = v[i * n + q]!;
          v[i * n + p] = c * x - s * y;
          v[i * n + q] = s * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  const s = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let t = 0;
    for (let i = 0; i < m; i++) t += col[j * m + i]! ** 2;
    s[j] = Math.sqrt(t);
  }
  const order = Array.from({ length: n }, (_, j) => j).sort((x, y) => s[y]! - s[x]!);
  const u = new Float64Array(m * n);
  const vs = new Float64Array(n * n);
  const ss = new Float64Array(n);
  order.forEach((j, k) => {
    ss[k] = s[j]!;
    for (let i = 0; i < m; i++) u[i * n + k] = s[j]! > 0 ? col[j * m + i]! / s[j]! : 0;
    for (let i = 0; i < n; i++) vs[i * n + k] = v[i * n + j]!;
  });
  return { u, s: ss, v: vs, m, n, r: n };
}

/** The best rank-k approximation U_k · diag(S_k) · V_kᵀ, row-major m × n, as float32. */
export function lowRank(d: Svd, k: number): Float32Array {
  const out = new Float32Array(d.m * d.n);
  const kk = Math.max(0, Math.min(k, d.r));
  for (let i = 0; i < d.m; i++)
    for (let j = 0; j < d.n; j++) {
      let t = 0;
      for (let c = 0; c < kk; c++) t += d.u[i * d.r + c]! * d.s[c]! * d.v[j * d.r + c]!;
      out[i * d.n + j] = t;
    }
  return out;
}

/**
 * The rank-k approximation as two factors, B [m, k] · A [k, n] = lowRank(d, k), with the singular
 * values split evenly: A = √Σ_k V_kᵀ, B = U_k √Σ_k (each factor's rows and columns equally scaled).
 */
export function factors(d: Svd, k: number): { a: Float32Array; b: Float32Array } {
  const kk = Math.max(0, Math.min(k, d.r));
  const a = new Float32Array(kk * d.n);
  const b = new Float32Array(d.m * kk);
  for (let c = 0; c < kk; c++) {
    const r = Math.sqrt(d.s[c]!);
    for (let j = 0; j < d.n; j++) a[c * d.n + j] = r * d.v[j * d.r + c]!;
    for (let i = 0; i < d.m; i++) b[i * kk + c] = r * d.u[i * d.r + c]!;
  }
  return { a, b };
}

/** The Frobenius error of the rank-k approximation: the root of the discarded singular values' squares. */
export function truncationError(s: ArrayLike<number>, k: number): number {
  let t = 0;
  for (let c = Math.max(0, k); c < s.length; c++) t += s[c]! ** 2;
  return Math.sqrt(t);
}

/** The smallest rank keeping at least `fraction` of the energy Σσ². */
export function rankForEnergy(s: ArrayLike<number>, fraction: number): number {
  let total = 0;
  for (let c = 0; c < s.length; c++) total += s[c]! ** 2;
  if (total === 0) return 0;
  let kept = 0;
  for (let c = 0; c < s.length; c++) {
    kept += s[c]! ** 2;
    if (kept >= fraction * total * (1 - 1e-12)) return c + 1;
  }
  return s.length;
}

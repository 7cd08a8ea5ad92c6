// Float matrix products: the CPU twin of shaders/matmul/matmul_blocked.wgsl and matvec.wgsl, and the
// rule that picks a kernel for a shape. ONNX's MatMul layout is the default (B is [K, N]); `transB`
// takes torch Linear's weight layout ([N, K], y = x·Wᵀ).

export type MatmulVariant = 'matvec' | 'tiled' | 'blocked';

export interface MatmulShape {
  m: number;
  k: number;
  n: number;
  /** B is stored [N, K] (a Linear weight) instead of [K, N]. */
  transB?: boolean;
}

/** Columns of C computed together: one panel of B, held in float64. */
const PANEL = 4;

/**
 * C[M, N] = A[M, K] · B (+ bias[N]), summed in float64 and rounded once. Each output is one sum over
 * K in order, started from its bias; the blocking below changes which sums run side by side, never
 * the order within one, so every layout and shape gives the same bits as the plain triple loop.
 */
export function matmul(
  a: Float32Array,
  b: Float32Array,
  s: MatmulShape,
  bias: Float32Array | null = null,
): Float32Array {
  const { m, k, n, transB } = s;
  if (a.length !== m * k || b.length !== k * n)
    throw new RangeError(
      `matmul: A has ${a.length} values, B ${b.length}; want ${m}×${k}, ${k}×${n}`,
    );
  const c = new Float32Array(m * n);
  // A in float64 once, and B a panel of 4 columns at a time, each column's K values contiguous:
  // the inner loop then reads doubles only (no float32 conversion per multiply-add), and keeps
  // 4 × 4 independent sums in registers, where one running sum would wait on each addition.
  const a64 = Float64Array.from(a);
  const panel = new Float64Array(PANEL * k);
  const cb = new Float64Array(PANEL);
  for (let j0 = 0; j0 < n; j0 += PANEL) {
    const cols = Math.min(PANEL, n - j0);
    // Columns past N stay zero: their sums are computed and dropped.
    if (cols < PANEL) panel.fill(0);
    for (let r = 0; r < cols; r++) {
      const j = j0 + r;
      const o = r * k;
      if (transB) for (let t = 0; t < k; t++) panel[o + t] = b[j * k + t]!;
      else for (let t = 0; t < k; t++) panel[o + t] = b[t * n + j]!;
      cb[r] = bias ? bias[j]! : 0;
    }
    for (let r = cols; r < PANEL; r++) cb[r] = 0;
    let i = 0;
    for (; i + 4 <= m; i += 4) block4x4(a64, panel, cb, c, i, j0, cols, k, n);
    for (; i < m; i++) block1x4(a64, panel, cb, c, i, j0, cols, k, n);
  }
  return c;
}

/** C[i … i + 3, j0 … j0 + cols − 1] from rows i … i + 3 of A and the panel. */
function block4x4(
  a: Float64Array,
  p: Float64Array,
  cb: Float64Array,
  c: Float32Array,
  i: number,
  j0: number,
  cols: number,
  k: number,
  n: number,
): void {
  const a0 = i * k;
  const a1 = a0 + k;
  const a2 = a1 + k;
  const a3 = a2 + k;
  const p1 = k;
  const p2 = 2 * k;
  const p3 = 3 * k;
  let c00 = cb[0]!;
  let c01 = cb[1]!;
  let c02 = cb[2]!;
  let c03 = cb[3]!;
  let c10 = c00;
  let c11 = c01;
  let c12 = c02;
  let c13 = c03;
  let c20 = c00;
  let c21 = c01;
  let c22 = c02;
  let c23 = c03;
  let c30 = c00;
  let c31 = c01;
  let c32 = c02;
  let c33 = c03;
  for (let t = 0; t < k; t++) {
    const y0 = p[t]!;
    const y1 = p[p1 + t]!;
    const y2 = p[p2 + t]!;
    const y3 = p[p3 + t]!;
    const x0 = a[a0 + t]!;
    const x1 = a[a1 + t]!;
    const x2 = a[a2 + t]!;
    const x3 = a[a3 + t]!;
    c00 += x0 * y0;
    c01 += x0 * y1;
    c02 += x0 * y2;
    c03 += x0 * y3;
    c10 += x1 * y0;
    c11 += x1 * y1;
    c12 += x1 * y2;
    c13 += x1 * y3;
    c20 += x2 * y0;
    c21 += x2 * y1;
    c22 += x2 * y2;
    c23 += x2 * y3;
    c30 += x3 * y0;
    c31 += x3 * y1;
    c32 += x3 * y2;
    c33 += x3 * y3;
  }
  const o = i * n + j0;
  if (cols === PANEL) {
    c[o] = c00;
    c[o + 1] = c01;
    c[o + 2] = c02;
    c[o + 3] = c03;
    c[o + n] = c10;
    c[o + n + 1] = c11;
    c[o + n + 2] = c12;
    c[o + n + 3] = c13;
    c[o + 2 * n] = c20;
    c[o + 2 * n + 1] = c21;
    c[o + 2 * n + 2] = c22;
    c[o + 2 * n + 3] = c23;
    c[o + 3 * n] = c30;
    c[o + 3 * n + 1] = c31;
    c[o + 3 * n + 2] = c32;
    c[o + 3 * n + 3] = c33;
    return;
  }
  const rows = [
    [c00, c01, c02],
    [c10, c11, c12],
    [c20, c21, c22],
    [c30, c31, c32],
  ];
  for (let r = 0; r < 4; r++) for (let q = 0; q < cols; q++) c[o + r * n + q] = rows[r]![q]!;
}

/** C[i, j0 … j0 + cols − 1] from row i of A and the panel (the rows left after blocks of 4). */
function block1x4(
  a: Float64Array,
  p: Float64Array,
  cb: Float64Array,
  c: Float32Array,
  i: number,
  j0: number,
  cols: number,
  k: number,
  n: number,
): void {
  const a0 = i * k;
  let c0 = cb[0]!;
  let c1 = cb[1]!;
  let c2 = cb[2]!;
  let c3 = cb[3]!;
  for (let t = 0; t < k; t++) {
    const x = a[a0 + t]!;
    c0 += x * p[t]!;
    c1 += x * p[k + t]!;
    c2 += x * p[2 * k + t]!;
    c3 += x * p[3 * k + t]!;
  }
  const o = i * n + j0;
  const sums = [c0, c1, c2, c3];
  for (let q = 0; q < cols; q++) c[o + q] = sums[q]!;
}

/** Rows up to which the matrix-vector kernel is used (it keeps one sum per row in registers). */
export const MATVEC_MAX_ROWS = 8;
/** Below this many rows or columns a 32 × 32 register-blocked tile would be mostly padding. */
export const BLOCKED_MIN = 32;

/**
 * The kernel for a shape: few rows are a stream over B (memory-bound: read each weight once, no
 * tile to fill), small products the 16 × 16 tiled kernel, the rest the 32 × 32 register-blocked one
 * (each invocation computes 4 × 4 outputs, so each value loaded from workgroup memory is used 4×).
 */
export function chooseMatmul(s: MatmulShape): MatmulVariant {
  if (s.m <= MATVEC_MAX_ROWS) return 'matvec';
  if (s.m < BLOCKED_MIN || s.n < BLOCKED_MIN) return 'tiled';
  return 'blocked';
}

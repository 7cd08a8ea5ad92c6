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

/** C[M, N] = A[M, K] · B (+ bias[N]), summed in float64 and rounded once. */
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
  const col = new Float64Array(k);
  for (let j = 0; j < n; j++) {
    for (let t = 0; t < k; t++) col[t] = transB ? b[j * k + t]! : b[t * n + j]!;
    for (let i = 0; i < m; i++) {
      let acc = bias ? bias[j]! : 0;
      for (let t = 0; t < k; t++) acc += a[i * k + t]! * col[t]!;
      c[i * n + j] = acc;
    }
  }
  return c;
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

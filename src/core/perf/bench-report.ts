// The kernel benchmark's report: what `npm run bench:kernels` saves and the app's benchmark panel
// draws (from the saved file, a file the user opens, or a run on this device). Parsing checks the
// structure, since the file may come from anywhere.
import type { MatmulVariant } from '../nn/matmul.ts';

export interface MatmulRow {
  m: number;
  k: number;
  n: number;
  /** The variant chooseMatmul picks for the shape. */
  chosen: MatmulVariant;
  /** Wall ms per run (upload A, multiply, read C back) of each variant that applies. */
  ms: Partial<Record<MatmulVariant, number>>;
  /** GPU ms of the multiply alone, from timestamp queries. */
  gpuMs: Partial<Record<MatmulVariant, number>>;
  peerMs: number | null;
  /** Largest |ours − peer| over max |C| (the two must compute the same product). */
  peerDiff: number | null;
}

export interface AttentionRow {
  n: number;
  flashMs: number;
  flashBytes: number;
  naiveMs: number | null;
  naiveBytes: number;
  /** Why the naive kernel did not run (its scores over the binding limit). */
  naiveNote: string | null;
  /** GPU ms of the kernels alone, from timestamp queries (null without them). */
  flashGpuMs: number | null;
  naiveGpuMs: number | null;
  /**
   * The peer's MultiHeadAttention on the same inputs, and its largest difference from our result
   * over max |O| (ours equal the CPU reference; a large difference means the peer computed something
   * else, and its time is no comparison).
   */
  peerMs: number | null;
  peerDiff: number | null;
}

export interface SparseReport {
  shape: { b: number; k: number; n: number };
  /** The tiled dense kernel (linear.wgsl) and the direct one with the sparse kernels' mapping. */
  denseMs: number;
  directMs: number;
  /**
   * Our best dense kernel on the same product (the register-blocked matmul, Bᵀ layout): what a
   * sparse kernel has to beat to be worth it. Absent in reports from before it existed.
   */
  blockedMs?: number;
  sparse24Ms: number;
  /** CSR at each sparsity (fraction of zeros). */
  csr: Array<{ sparsity: number; ms: number }>;
  /** The lowest sparsity of the sweep at which CSR beat the faster dense kernel (null: none did). */
  breakEven: number | null;
}

export interface KernelReport {
  adapter: string;
  /** ISO time of the run. */
  date: string;
  /** The peer library of the comparisons, or null (peerError says why, when it failed). */
  peer: string | null;
  peerError: string | null;
  /** 'timestamp-query' when GPU times were measured, null for wall-clock times only. */
  gpuTiming: 'timestamp-query' | null;
  matmul: MatmulRow[];
  attention: AttentionRow[];
  sparse: SparseReport | null;
  /** int8 × int8 → int32 against f32 with the same mapping, on the same shape. */
  int8: { variant: string; f32Ms: number; int8Ms: number; unpackedMs: number } | null;
  /** f16 weights and inputs (shader-f16, or the f32 fallback) against f32, same mapping. */
  f16: { variant: string; f32Ms: number; f16Ms: number } | null;
}

type Parsed = { ok: true; report: KernelReport } | { ok: false; error: string };

const isObj = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);
const num = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x >= 0;
const numOrNull = (x: unknown) => x === null || num(x);

function check(ok: boolean, what: string): void {
  if (!ok) throw new TypeError(what);
}

function checkRows<T>(x: unknown, name: string, row: (r: Record<string, unknown>) => void): T[] {
  check(Array.isArray(x), `${name} is not a list`);
  (x as unknown[]).forEach((r, i) => {
    check(isObj(r), `${name}[${i}] is not an object`);
    try {
      row(r as Record<string, unknown>);
    } catch (e) {
      throw new TypeError(`${name}[${i}]: ${(e as Error).message}`, { cause: e });
    }
  });
  return x as T[];
}

const VARIANTS = ['matvec', 'tiled', 'blocked'];

/** A kernel report from JSON text, or what is wrong with it. Unknown fields are ignored. */
export function parseKernelReport(text: string): Parsed {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `not JSON: ${(e as Error).message}` };
  }
  try {
    check(isObj(j), 'the file is not a JSON object');
    const o = j as Record<string, unknown>;
    check(typeof o.adapter === 'string', 'adapter is missing');
    const matmul = checkRows<MatmulRow>(o.matmul ?? [], 'matmul', (r) => {
      for (const k of ['m', 'k', 'n']) check(Number.isInteger(r[k]) && num(r[k]), `${k}`);
      check(VARIANTS.includes(r.chosen as string), 'chosen');
      for (const f of ['ms', 'gpuMs']) {
        check(isObj(r[f]), f);
        for (const [k, v] of Object.entries(r[f] as object))
          check(VARIANTS.includes(k) && num(v), `${f}.${k}`);
      }
      check(numOrNull(r.peerMs) && numOrNull(r.peerDiff), 'peer');
      check(
        (r.ms as Record<string, unknown>)[r.chosen as string] !== undefined,
        'chosen variant time',
      );
    });
    const attention = checkRows<AttentionRow>(o.attention ?? [], 'attention', (r) => {
      for (const k of ['n', 'flashMs', 'flashBytes', 'naiveBytes']) check(num(r[k]), k);
      for (const k of ['naiveMs', 'flashGpuMs', 'naiveGpuMs', 'peerMs', 'peerDiff'])
        check(r[k] === undefined || numOrNull(r[k]), k);
      check(
        r.naiveNote === undefined || r.naiveNote === null || typeof r.naiveNote === 'string',
        'naiveNote',
      );
    });
    let sparse: SparseReport | null = null;
    if (o.sparse != null) {
      const s = o.sparse as Record<string, unknown>;
      check(isObj(s) && isObj(s.shape), 'sparse.shape');
      for (const k of ['denseMs', 'directMs', 'sparse24Ms']) check(num(s[k]), `sparse.${k}`);
      check(s.blockedMs === undefined || num(s.blockedMs), 'sparse.blockedMs');
      checkRows(s.csr, 'sparse.csr', (r) => check(num(r.sparsity) && num(r.ms), 'sparsity, ms'));
      check(numOrNull(s.breakEven ?? null), 'sparse.breakEven');
      sparse = s as unknown as SparseReport;
    }
    const int8 = o.int8 == null ? null : (o.int8 as KernelReport['int8']);
    if (int8) check(num(int8.f32Ms) && num(int8.int8Ms) && num(int8.unpackedMs), 'int8');
    const f16 = o.f16 == null ? null : (o.f16 as KernelReport['f16']);
    if (f16) check(num(f16.f32Ms) && num(f16.f16Ms), 'f16');
    check(
      matmul.length > 0 || attention.length > 0 || sparse !== null || int8 !== null,
      'the file has no kernel results',
    );
    return {
      ok: true,
      report: {
        adapter: o.adapter as string,
        date: typeof o.date === 'string' ? o.date : '',
        peer: typeof o.peer === 'string' ? o.peer : null,
        peerError: typeof o.peerError === 'string' ? o.peerError : null,
        gpuTiming: o.gpuTiming === 'timestamp-query' ? 'timestamp-query' : null,
        matmul,
        attention: attention.map((r) => ({
          ...r,
          naiveMs: r.naiveMs ?? null,
          naiveNote: r.naiveNote ?? null,
          flashGpuMs: r.flashGpuMs ?? null,
          naiveGpuMs: r.naiveGpuMs ?? null,
          peerMs: r.peerMs ?? null,
          peerDiff: r.peerDiff ?? null,
        })),
        sparse,
        int8,
        f16,
      },
    };
  } catch (e) {
    return { ok: false, error: `not a kernel benchmark report: ${(e as Error).message}` };
  }
}

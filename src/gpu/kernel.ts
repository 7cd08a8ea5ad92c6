// What every kernel wrapper in src/gpu/kernels shares: the record it registers (shader, WGSL text,
// CPU twin, encode function), the one place a bind group is made and a pass is encoded, scratch
// buffers bound where a variant reads or writes nothing, and the dispatch-grid arithmetic.
import { storage, uniform } from './buffers.ts';
import { timedPass, type PassTimer } from './timing.ts';

/** 32-bit uniform fields, in the order of the shader's params struct. */
export type Fields = ReadonlyArray<['u32' | 'f32', number]>;

/** The entry of one shader in the registry (src/gpu/kernels/index.ts). */
export interface KernelRecord {
  /** File stem, shared by the shader, its wrapper and the registry key. */
  stem: string;
  /** The shader's path from the repository root. */
  shader: string;
  /** Its WGSL text. */
  code: string;
  /** The CPU reference: module path from the repository root and the exported function's name. */
  twin: { module: string; name: string };
  /** Encodes the kernel's dispatch (one per stage where it has stages); resolves with what to destroy. */
  encode: (...args: never[]) => Promise<unknown>;
}

export interface Scratch {
  /** A zeroed 4-byte buffer bound where a kernel variant reads nothing. */
  dummy: GPUBuffer;
  /** Another, bound where a variant writes nothing (a buffer may not be both in one pass). */
  sink: GPUBuffer;
}

const scratches = new WeakMap<GPUDevice, Scratch>();

/** The device's scratch buffers, made once and kept for the device's life (8 bytes). */
export function scratch(device: GPUDevice): Scratch {
  let s = scratches.get(device);
  if (!s) {
    s = { dummy: storage(device, 4, true), sink: storage(device, 4, true) };
    scratches.set(device, s);
  }
  return s;
}

export interface PassSpec {
  /** Storage bindings in the shader's order (read-only inputs, then read-write outputs). */
  buffers: readonly GPUBuffer[];
  /** The uniform params struct, bound last; none when null. */
  params: Fields | null;
  /** Workgroups in x and y; no dispatch when either is 0. */
  groups: readonly [number, number];
  timer?: PassTimer | null | undefined;
}

/**
 * Binds the buffers (and a fresh uniform of `params`) in binding order and encodes one compute
 * pass; returns the uniform to destroy after submission. The only place a bind group is made.
 */
export function encodePass(
  device: GPUDevice,
  enc: GPUCommandEncoder,
  p: GPUComputePipeline,
  s: PassSpec,
): GPUBuffer[] {
  const [gx, gy] = s.groups;
  const limit = device.limits.maxComputeWorkgroupsPerDimension;
  if (gx > limit || gy > limit)
    throw new RangeError(
      `${p.label}: ${gx} × ${gy} workgroups, over this device's ${limit} per dimension`,
    );
  const params = s.params ? uniform(device, s.params) : null;
  const all = params ? [...s.buffers, params] : s.buffers;
  const bind = device.createBindGroup({
    layout: p.getBindGroupLayout(0),
    entries: all.map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  const pass = enc.beginComputePass(timedPass(s.timer));
  pass.setPipeline(p);
  pass.setBindGroup(0, bind);
  if (gx > 0 && gy > 0) pass.dispatchWorkgroups(gx, gy);
  pass.end();
  return params ? [params] : [];
}

/** WebGPU's default maxComputeWorkgroupsPerDimension, which the grids below stay under. */
export const MAX_GROUPS = 65535;

/** A 2-D grid of `wg`-wide workgroups covering n invocations: [x groups, y groups, row length]. */
export function grid2d(n: number, wg = 256): [number, number, number] {
  const gx = Math.max(1, Math.min(MAX_GROUPS, Math.ceil(n / wg)));
  const row = gx * wg;
  return [gx, Math.max(1, Math.ceil(n / row)), row];
}

/** One row of `wg`-wide workgroups covering n invocations (at least one workgroup). */
export function groups1d(n: number, wg: number, what = 'invocations'): [number, number] {
  const g = Math.ceil(n / wg);
  if (g > MAX_GROUPS) throw new RangeError(`${n} ${what} exceed one dispatch`);
  return [Math.max(1, g), 1];
}

/** Throws a RangeError naming the kernel and the field unless `ok`. */
export function check(ok: boolean, stem: string, message: string): asserts ok {
  if (!ok) throw new RangeError(`${stem}: ${message}`);
}

/** Checks that a binding holds at least `floats` 4-byte values. */
export function checkSize(stem: string, name: string, buf: GPUBuffer, floats: number): void {
  check(
    buf.size >= floats * 4,
    stem,
    `${name} holds ${buf.size} bytes, needs ${floats} values (${floats * 4} bytes)`,
  );
}

/** Checks that counts are whole numbers ≥ min (1 unless given). */
export function checkCounts(stem: string, counts: Record<string, number>, min = 1): void {
  for (const [k, v] of Object.entries(counts))
    check(Number.isInteger(v) && v >= min, stem, `${k} must be an integer ≥ ${min}, got ${v}`);
}

// Buffer helpers shared by the kernel wrappers and the GPU operations: uploads, uniforms, read-back,
// the pipeline cache and the chunking of tensors larger than one storage binding.

export function uploadF32(
  device: GPUDevice,
  x: Float32Array,
  begin: number,
  count: number,
): GPUBuffer {
  const buf = device.createBuffer({
    size: Math.max(4, count * 4),
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
  });
  if (count > 0) device.queue.writeBuffer(buf, 0, x, begin, count);
  return buf;
}

/** A uniform buffer from 32-bit fields, each tagged as u32 or f32; padded to 16 bytes. */
export function uniform(
  device: GPUDevice,
  fields: ReadonlyArray<['u32' | 'f32', number]>,
): GPUBuffer {
  const size = Math.max(16, Math.ceil((fields.length * 4) / 16) * 16);
  const data = new ArrayBuffer(size);
  const v = new DataView(data);
  fields.forEach(([t, x], i) =>
    t === 'u32' ? v.setUint32(i * 4, x, true) : v.setFloat32(i * 4, x, true),
  );
  const buf = device.createBuffer({
    size,
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
  device.queue.writeBuffer(buf, 0, data);
  return buf;
}

export function storage(device: GPUDevice, bytes: number, zero = false): GPUBuffer {
  const buf = device.createBuffer({
    size: Math.max(4, Math.ceil(bytes / 4) * 4),
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
  });
  if (zero) device.queue.writeBuffer(buf, 0, new Uint8Array(buf.size));
  return buf;
}

/** Copies `src` into a mappable buffer after the given commands, and returns its bytes. */
export async function readBack(
  device: GPUDevice,
  encoder: GPUCommandEncoder,
  sources: readonly GPUBuffer[],
): Promise<ArrayBuffer[]> {
  const staging = sources.map((s) => {
    const b = device.createBuffer({
      size: s.size,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    encoder.copyBufferToBuffer(s, 0, b, 0, s.size);
    return b;
  });
  device.queue.submit([encoder.finish()]);
  try {
    return await Promise.all(
      staging.map(async (b) => {
        await b.mapAsync(GPUMapMode.READ);
        return b.getMappedRange().slice(0);
      }),
    );
  } finally {
    staging.forEach((b) => b.destroy());
  }
}

/** Pipelines are cached per device and per (shader, overrides). */
const cache = new WeakMap<GPUDevice, Map<string, Promise<GPUComputePipeline>>>();

/**
 * The compute pipeline of a kernel; rejects with the compiler's messages when the shader or the
 * overrides are invalid (instead of the silent no-op dispatch an invalid pipeline gives).
 */
export function pipeline(
  device: GPUDevice,
  key: string,
  code: string,
  constants: Record<string, number> = {},
): Promise<GPUComputePipeline> {
  let m = cache.get(device);
  if (!m) cache.set(device, (m = new Map()));
  const k = `${key}|${JSON.stringify(constants)}`;
  let p = m.get(k);
  if (!p) {
    p = compile(device, key, code, constants);
    m.set(k, p);
    p.catch(() => m.delete(k));
  }
  return p;
}

async function compile(
  device: GPUDevice,
  key: string,
  code: string,
  constants: Record<string, number>,
): Promise<GPUComputePipeline> {
  const module = device.createShaderModule({ label: key, code });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((x) => x.type === 'error');
  if (errors.length) {
    throw new Error(
      `${key}.wgsl: ${errors.map((e) => `${e.lineNum}:${e.linePos} ${e.message}`).join('; ')}`,
    );
  }
  return device.createComputePipelineAsync({
    label: key,
    layout: 'auto',
    compute: { module, entryPoint: 'main', constants },
  });
}

/** Workgroups for a grid-stride kernel: about `perThread` elements per invocation, bounded. */
export function gridFor(n: number, wg: number, perThread = 16, cap = 4096): number {
  return Math.max(1, Math.min(cap, Math.ceil(n / (wg * perThread))));
}

export interface GpuRunOptions {
  signal?: AbortSignal | undefined;
  /** Called with the fraction done, 0..1. */
  onProgress?: ((fraction: number) => void) | undefined;
}

/** [begin, end) element ranges of at most one storage binding each. */
export function chunkRanges(n: number, maxBindingBytes: number): Array<[number, number]> {
  // Chunks are whole multiples of 256 elements so every chunk but the last is full.
  const per = Math.max(256, Math.floor(maxBindingBytes / 4 / 256) * 256);
  const out: Array<[number, number]> = [];
  for (let b = 0; b < n; b += per) out.push([b, Math.min(n, b + per)]);
  return out;
}

export function uploadU32(device: GPUDevice, a: Uint32Array): GPUBuffer {
  const b = storage(device, Math.max(4, a.byteLength));
  if (a.length) device.queue.writeBuffer(b, 0, a);
  return b;
}

// WebGPU device acquisition: takes any adapter (a fallback one such as SwiftShader included),
// asks for the largest storage bindings the adapter allows and for the optional features that
// kernels have variants for, and reports what it got in a form the UI can show.

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  description: string;
  isFallback: boolean;
  features: string[];
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
  maxComputeWorkgroupStorageSize: number;
  maxComputeInvocationsPerWorkgroup: number;
  packedDot4: boolean;
}

export interface GpuContext {
  device: GPUDevice;
  summary: AdapterSummary;
  /** Largest chunk, in bytes, one storage binding may hold (lowered in tests to force chunking). */
  maxBindingBytes: number;
  /** Resolves with a message once the device is lost. */
  lost: Promise<string>;
}

const OPTIONAL_FEATURES: GPUFeatureName[] = ['shader-f16', 'subgroups', 'timestamp-query'];

export type GpuAcquisition = { ok: true; ctx: GpuContext } | { ok: false; reason: string };

export async function acquireGpu(gpu: GPU | undefined): Promise<GpuAcquisition> {
  if (!gpu) return { ok: false, reason: 'WebGPU is not available in this browser' };
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter();
  } catch (e) {
    return { ok: false, reason: `requestAdapter failed: ${(e as Error).message}` };
  }
  if (!adapter) return { ok: false, reason: 'no WebGPU adapter was found' };
  const features = OPTIONAL_FEATURES.filter((f) => adapter.features.has(f));
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({
      requiredFeatures: features,
      requiredLimits: {
        maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
        maxBufferSize: adapter.limits.maxBufferSize,
      },
    });
  } catch (e) {
    return { ok: false, reason: `requestDevice failed: ${(e as Error).message}` };
  }
  const info = adapter.info;
  const summary: AdapterSummary = {
    vendor: info.vendor || 'unknown',
    architecture: info.architecture || '',
    description: info.description || '',
    isFallback: Boolean(
      (info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter,
    ),
    features: [...device.features].sort(),
    maxStorageBufferBindingSize: device.limits.maxStorageBufferBindingSize,
    maxBufferSize: device.limits.maxBufferSize,
    maxComputeWorkgroupStorageSize: device.limits.maxComputeWorkgroupStorageSize,
    maxComputeInvocationsPerWorkgroup: device.limits.maxComputeInvocationsPerWorkgroup,
    packedDot4: gpu.wgslLanguageFeatures?.has('packed_4x8_integer_dot_product') ?? false,
  };
  const lost = device.lost.then((l) => `GPU device lost (${l.reason}): ${l.message}`);
  return {
    ok: true,
    ctx: {
      device,
      summary,
      maxBindingBytes: Math.min(summary.maxStorageBufferBindingSize, summary.maxBufferSize),
      lost,
    },
  };
}

export function adapterLabel(s: AdapterSummary): string {
  const name = [s.vendor, s.architecture].filter(Boolean).join(' ');
  return `${name || 'unknown adapter'}${s.isFallback ? ' (fallback)' : ''}`;
}

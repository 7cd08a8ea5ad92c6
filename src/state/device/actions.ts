// The engine's device: connecting to it, choosing WebGPU or the CPU, and what runs on it as a
// measurement (the kernel benchmark, the model's timing and per-layer work for the latency model).
import type { EngineClient } from '../../bridge/client.ts';
import type { Deployment, KernelReport, LayerWork } from '../../engine/types.ts';
import { client, notify, setEngine, startJob } from '../jobs/actions.ts';
import { analyseSelected } from '../tensors/actions.ts';
import { labSize } from '../settings/slice.ts';
import { useStore } from '../store.ts';

/** Where this browser keeps the person's choice of compute backend. */
export const COMPUTE_KEY = 'slimlab-compute';

function storedCompute(): 'cpu' | null {
  try {
    return localStorage.getItem(COMPUTE_KEY) === 'cpu' ? 'cpu' : null;
  } catch {
    return null;
  }
}

/**
 * Connects the engine. A person who chose the CPU on this browser keeps it (on a software adapter
 * the first histogram on WebGPU waits seconds for its kernels to compile); WebGPU stays acquired,
 * one choice away.
 */
export async function connectEngine(c: EngineClient): Promise<void> {
  setEngine(c);
  let status = await c.init((e) => {
    if (e.type === 'backend') useStore.setState({ backend: e.status });
  });
  if (status.kind === 'webgpu' && storedCompute() === 'cpu') status = await c.useBackend('cpu');
  useStore.setState({ backend: status });
}

export async function chooseBackend(kind: 'webgpu' | 'cpu'): Promise<void> {
  try {
    if (kind === 'cpu') localStorage.setItem(COMPUTE_KEY, 'cpu');
    else localStorage.removeItem(COMPUTE_KEY);
  } catch {
    // Storage refused (a private window's policy): the choice holds for this visit only.
  }
  useStore.setState({ backend: await client().useBackend(kind) });
  await analyseSelected();
}

/**
 * Per-sample work of each layer of the open model under a deployment (for the latency model): a
 * demo that runs, layer by layer; any other model, one product per Linear or convolution weight
 * (per token; a convolution at `positions` output positions).
 */
export async function modelWork(d: Deployment, positions = 1): Promise<LayerWork[] | null> {
  const { model } = useStore.getState();
  if (!model) return null;
  try {
    if (!model.architecture)
      return await client().run('weightWork', { modelId: model.id, deployment: d, positions });
    return await client().run('modelWork', { modelId: model.id, deployment: d });
  } catch (e) {
    notify('error', `Latency model failed: ${(e as Error).message}`);
    return null;
  }
}

/** The short kernel benchmark on this device's GPU (matmul, attention, sparse, int8, f16). */
export async function benchKernels(): Promise<KernelReport | undefined> {
  return startJob(
    'Benchmarking the kernels on this device',
    { cancelled: 'Benchmark cancelled', failed: (m) => `Benchmark failed: ${m}` },
    (opts) => client().run('kernelBench', {}, opts),
  );
}

/** Times the open demo model's forward pass on this device. */
export async function measureLatency(
  batch: number,
): Promise<{ ms: number; on: 'webgpu' | 'cpu'; batch: number } | undefined> {
  const { model, settings } = useStore.getState();
  if (!model?.architecture) return undefined;
  return startJob(
    `Timing ${model.file} on this device (batch ${batch})`,
    { cancelled: 'Timing cancelled', failed: (m) => `Timing failed: ${m}` },
    (opts) =>
      client().run('measureLatency', { modelId: model.id, batch, ...labSize(settings) }, opts),
  );
}

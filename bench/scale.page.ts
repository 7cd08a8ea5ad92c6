// Opens the chosen files through the real worker and analyses every tensor, one after another.
import { createEngineClient } from '../src/bridge/client.ts';

export interface ScaleReport {
  tensors: number;
  elements: number;
  ms: number;
  backend: string;
  error?: string;
}

declare global {
  interface Window {
    __scale?: ScaleReport;
  }
}

const status = document.getElementById('status')!;
const backend = (new URLSearchParams(location.search).get('backend') ?? 'cpu') as 'cpu' | 'webgpu';
const client = createEngineClient();
status.textContent = 'starting the engine';
const ready = client
  .init(() => {})
  .then(() => client.useBackend(backend))
  .then(() => (status.textContent = 'ready: choose a file'));

document.getElementById('file')!.addEventListener('change', async (e) => {
  const files = [...((e.target as HTMLInputElement).files ?? [])];
  status.textContent = 'waiting for the engine';
  await ready;
  status.textContent = 'opening';
  const t0 = performance.now();
  try {
    const { models, problems } = await client.run('open', { files });
    if (!models[0]) throw new Error(problems[0]?.message ?? 'nothing opened');
    let elements = 0;
    for (const [i, t] of models[0].tensors.entries()) {
      status.textContent = `${i + 1}/${models[0].tensors.length} ${t.name}`;
      const r = await client.run('analyse', { modelId: models[0].id, tensor: t.name, bins: 256 });
      elements += r.stats.count;
    }
    window.__scale = {
      tensors: models[0].tensors.length,
      elements,
      ms: performance.now() - t0,
      backend,
    };
  } catch (err) {
    window.__scale = { tensors: 0, elements: 0, ms: 0, backend, error: (err as Error).message };
  }
  status.textContent = 'done';
});

// The engine API as the UI sees it: through the real worker and comlink (progress, transfer,
// cancellation), and in-process for a lost device.
import { describe, expect, test } from 'vitest';
import { summarizeCpu } from '../../src/core/stats/summary.ts';
import { createEngineClient } from '../../src/bridge/client.ts';
import { createEngineApi } from '../../src/worker/api.ts';
import { blobSource } from '../../src/engine/blob-source.ts';
import { openGroup } from '../../src/formats/group.ts';
import { f32Safetensors } from '../helpers/safetensors.ts';
import { normal } from '../helpers/random.ts';

describe('engine worker through the bridge', () => {
  const client = createEngineClient();

  test('initialises on WebGPU, opens a file, analyses with progress and transferred counts', async () => {
    const status = await client.init(() => {});
    expect(status.kind).toBe('webgpu');
    const x = normal(300_000, 7);
    const opened = await client.run('open', {
      files: [new File([f32Safetensors({ w: x })], 'w.safetensors')],
    });
    expect(opened.problems).toEqual([]);
    const model = opened.models[0]!;
    const seen: number[] = [];
    const r = await client.run(
      'analyse',

      { modelId: model.id, tensor: 'w', bins: 50 },
      { onProgress: (f) => seen.push(f) },
    );
    expect(r.backend).toBe('webgpu');
    expect(r.counts).toBeInstanceOf(Uint32Array);
    expect([...r.counts]).toEqual([...summarizeCpu(x, 50).counts]);
    expect(seen.length).toBeGreaterThan(0);
  });

  test('an aborted analysis rejects within 250 ms', async () => {
    await client.useBackend('cpu');
    const x = new Float32Array(32 << 20).fill(1);
    const { models } = await client.run('open', {
      files: [new File([f32Safetensors({ big: x })], 'big.safetensors')],
    });
    const ctrl = new AbortController();
    let abortedAt = 0;
    const run = client.run(
      'analyse',

      { modelId: models[0]!.id, tensor: 'big', bins: 16 },
      {
        signal: ctrl.signal,
        onProgress: () => {
          if (!abortedAt) {
            abortedAt = performance.now();
            ctrl.abort();
          }
        },
      },
    );
    await expect(run).rejects.toThrow(/cancelled/);
    expect(performance.now() - abortedAt).toBeLessThan(250);
    await client.useBackend('webgpu');
  });

  test('an export streams into a file handle (origin-private file system)', async () => {
    const x = normal(64 * 32, 9);
    const { models } = await client.run('open', {
      files: [new File([f32Safetensors({ w: { shape: [64, 32], data: x } })], 'e.safetensors')],
    });
    const root = await navigator.storage.getDirectory();
    const handle = await root.getFileHandle('e.q8_0.gguf', { create: true });
    const seen: number[] = [];
    const r = await client.run(
      'export',

      { modelId: models[0]!.id, options: { format: 'gguf', type: 'Q8_0' }, target: handle },
      { onProgress: (f) => seen.push(f) },
    );
    expect(r.blob).toBeNull();
    const file = await handle.getFile();
    expect(file.size).toBe(r.bytes);
    const back = await openGroup([blobSource(file, file.name)]);
    expect(back.models[0]!.info.tensors[0]).toMatchObject({
      name: 'w',
      dtype: 'Q8_0',
      shape: [64, 32],
    });
    expect(seen.at(-1)).toBe(1);
  });

  test('bad files come back as problems, not exceptions', async () => {
    const r = await client.run('open', {
      files: [new File([new Uint8Array([1, 2, 3])], 'three.safetensors')],
    });
    expect(r.models).toEqual([]);
    expect(r.problems[0]!.message).toMatch(/^three\.safetensors: /);
  });
});

describe('a lost GPU device', () => {
  test('the engine says so and continues on the CPU', async () => {
    let device: GPUDevice | undefined;
    // A GPU whose device we can reach, to destroy it as a driver reset would.
    const gpu = {
      wgslLanguageFeatures: navigator.gpu.wgslLanguageFeatures,
      async requestAdapter(o?: GPURequestAdapterOptions) {
        const a = (await navigator.gpu.requestAdapter(o))!;
        return new Proxy(a, {
          get(t, p) {
            if (p === 'requestDevice')
              return async (d?: GPUDeviceDescriptor) => (device = await t.requestDevice(d));
            const v = Reflect.get(t, p) as unknown;
            return typeof v === 'function' ? v.bind(t) : v;
          },
        });
      },
    } as unknown as GPU;
    const events: string[] = [];
    const api = createEngineApi(gpu);
    expect((await api.init((e) => events.push(e.status.kind))).kind).toBe('webgpu');
    const x = normal(1000, 1);
    const { models } = await api.run('j0', 'open', {
      files: [new File([f32Safetensors({ w: x })], 'w.safetensors')],
    });
    device!.destroy();
    await expect.poll(() => api.status().kind).toBe('cpu');
    expect(api.status().reason).toMatch(/lost.*continuing on the CPU/);
    const r = await api.run('j1', 'analyse', { modelId: models[0]!.id, tensor: 'w', bins: 8 });
    expect(r.backend).toBe('cpu');
    expect([...r.counts]).toEqual([...summarizeCpu(x, 8).counts]);
    expect(events.at(-1)).toBe('cpu');
  });
});

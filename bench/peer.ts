// The peer in the kernel comparison: onnxruntime-web's WebGPU backend, on the same adapter as our
// kernels, in the same page (it asks for its own device). Its MatMul takes B as a GPU
// tensor made once, as our layer keeps its weights on the device; A goes up and C comes back on
// every run, as with ours; times are wall-clock around that (its profiler reports nothing on the
// WebGPU backend this version ships). Only `npm run bench` loads it; the app's bundle does not.
import * as ort from 'onnxruntime-web/webgpu';
import type { KernelPeer } from '../src/engine/kernel-bench.ts';
import matmulModel from './models/matmul.onnx?url';
import mhaModel from './models/mha.onnx?url';

async function bytes(url: string): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

export async function onnxruntimePeer(): Promise<KernelPeer> {
  ort.env.wasm.wasmPaths = new URL('/node_modules/onnxruntime-web/dist/', location.href).href;
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: ['webgpu'],
    graphOptimizationLevel: 'all',
  };
  // One at a time: the WebGPU backend refuses to create two sessions at once.
  const mm = await ort.InferenceSession.create(await bytes(matmulModel), options);
  const mha = await ort.InferenceSession.create(await bytes(mhaModel), options);
  const device = await ort.env.webgpu.device;
  async function run(
    session: ort.InferenceSession,
    feeds: Record<string, ort.Tensor>,
  ): Promise<Float32Array> {
    const out = await session.run(feeds);
    const t = Object.values(out)[0]!;
    const data = (await t.getData()) as Float32Array;
    t.dispose();
    return data;
  }
  return {
    name: `onnxruntime-web ${ort.env.versions.web ?? ort.env.versions.common ?? ''} (webgpu)`,
    async matmul(b, k, n) {
      const buf = device.createBuffer({
        size: b.byteLength,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
      });
      device.queue.writeBuffer(buf, 0, b);
      const B = ort.Tensor.fromGpuBuffer(buf, { dataType: 'float32', dims: [k, n] });
      return {
        run: (a) => run(mm, { A: new ort.Tensor('float32', a, [a.length / k, k]), B }),
        release: () => buf.destroy(),
      };
    },
    async attention(heads, n, d) {
      const dims = [1, n, heads * d];
      return {
        run: (q, k, v) =>
          run(mha, {
            Q: new ort.Tensor('float32', q!, dims),
            K: new ort.Tensor('float32', k!, dims),
            V: new ort.Tensor('float32', v!, dims),
          }),
        release: () => {},
      };
    },
  };
}

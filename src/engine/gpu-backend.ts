// The WebGPU backend: the kernels behind the same interface as the CPU reference. Loaded only when
// a GPU is acquired, so that the CLI and a tab without WebGPU never load the kernels.
import { adapterLabel, type GpuContext } from '../gpu/device.ts';
import { summarizeGpu } from '../gpu/ops/summarize.ts';
import { quantizeIntGpu } from '../gpu/ops/quantize.ts';
import { denseStackGpu } from '../gpu/ops/dense.ts';
import { absHistogramGpu } from '../gpu/ops/abs-histogram.ts';
import { GpuNet } from '../gpu/ops/net-gpu.ts';
import { LlamaGpu } from '../gpu/ops/llama.ts';
import { quantize } from '../core/quant/quant.ts';
import { denseStack, isDenseStack } from '../models/zoo.ts';
import type { AnalysisBackend } from './backend.ts';
import type { LmDevice } from './lm.ts';

export function gpuBackend(ctx: GpuContext): AnalysisBackend {
  return {
    kind: 'webgpu',
    label: adapterLabel(ctx.summary),
    summarize: (x, bins, opts) => summarizeGpu(ctx, x, bins, opts),
    quantize: async (x, shape, spec, opts) => {
      const g = await quantizeIntGpu(ctx, x, shape, spec, opts);
      return g
        ? { outcome: g, on: 'webgpu' }
        : { outcome: quantize(x, shape, spec, opts), on: 'cpu' };
    },
    net: {
      on: 'webgpu',
      // A software adapter (SwiftShader) runs the convolution and attention kernels 20–50× slower
      // than the CPU reference (npm run bench): there, only dense stacks go to it.
      accepts: (net) => !ctx.summary.isFallback || isDenseStack(net),
      logits: async (net, p, x, B) => {
        // MLPs take the dense-stack kernel (ReLU fused); other networks the layer-by-layer kernels.
        const stack = denseStack(net, p);
        if (stack) return denseStackGpu(ctx, stack, x, B);
        const g = new GpuNet(ctx, net, p);
        try {
          return await g.logits(x, B);
        } finally {
          g.destroy();
        }
      },
      trainer: ctx.summary.isFallback
        ? undefined
        : (net, p, masks) => new GpuNet(ctx, net, p, masks),
    },
    absHistogram: (x, bins) => absHistogramGpu(ctx, x, bins),
    // A software adapter runs a language model's window about 2× slower than the CPU pass
    // (SwiftShader, 256 tokens of stories260K): there the CPU runs it.
    lm: ctx.summary.isFallback ? undefined : llamaDevice(ctx),
  };
}

/** The language model's forward pass on this GPU (weights uploaded once per model opened). */
export function llamaDevice(ctx: GpuContext): LmDevice {
  return {
    label: adapterLabel(ctx.summary),
    open: (cfg, weights) => {
      const g = new LlamaGpu(ctx, cfg, weights);
      return { logits: (tokens, between) => g.logits(tokens, between), destroy: () => g.destroy() };
    },
  };
}

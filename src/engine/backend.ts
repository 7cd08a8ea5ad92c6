// The two ways of computing a tensor's summary: WebGPU kernels, or the CPU reference. Both give
// the same numbers (integers exactly, floats within the tolerances in tests/gpu/tolerances.ts).
import { summarizeCpuSliced, type Summary } from '../core/stats/summary.ts';
import type { AdapterSummary } from '../gpu/device.ts';
import { quantize, type QuantOptions, type QuantOutcome } from '../core/quant/quant.ts';
import type { QuantSpec } from '../core/quant/spec.ts';
import type { AbsHistogram } from '../core/calib/calibrate.ts';
import { cpuRunner, type NetRunner } from '../models/runner.ts';
import type { LmDevice } from './lm.ts';

export interface RunOptions {
  signal?: AbortSignal | undefined;
  onProgress?: ((fraction: number) => void) | undefined;
  /** Long training jobs wait while this says so (checked at each tick). */
  paused?: (() => boolean) | undefined;
}

/**
 * A tick for long loops: reports progress, yields a macrotask (so that cancel and pause messages can
 * arrive), honours a cancel, and waits while paused.
 */
export function ticker(opts: RunOptions): (fraction: number) => Promise<void> {
  return async (f) => {
    opts.onProgress?.(f);
    do {
      await new Promise((r) => setTimeout(r, opts.paused?.() ? 100 : 0));
      opts.signal?.throwIfAborted();
    } while (opts.paused?.());
  };
}

export interface AnalysisBackend {
  kind: 'webgpu' | 'cpu';
  label: string;
  summarize(x: Float32Array, bins: number, opts: RunOptions): Promise<Summary>;
  /** Quantization with its error; `on` says where it ran (the GPU covers integer formats). */
  quantize(
    x: Float32Array,
    shape: readonly number[],
    spec: QuantSpec,
    opts: QuantOptions & RunOptions,
  ): Promise<{ outcome: QuantOutcome; on: 'webgpu' | 'cpu' }>;
  /** Runs the demo networks (forward passes, and training where the backend has a trainer). */
  net: NetRunner;
  /** |x| histograms for the calibrators (absent: the CPU twin makes them). */
  absHistogram?: (x: Float32Array, bins: number) => Promise<AbsHistogram | null>;
  /** A language model's forward pass (absent: the CPU runs it). */
  lm?: LmDevice | undefined;
}

/** What the status area shows: the backend in use and, on the CPU, why. */
export interface BackendStatus {
  kind: 'webgpu' | 'cpu';
  label: string;
  adapter?: AdapterSummary;
  reason?: string;
}

const yieldToEvents = () => new Promise<void>((r) => setTimeout(r, 0));

export function cpuBackend(): AnalysisBackend {
  return {
    kind: 'cpu',
    label: 'CPU (JavaScript)',
    summarize: (x, bins, opts) =>
      summarizeCpuSliced(x, bins, async (f) => {
        opts.onProgress?.(f);
        // Yield so that a cancel message can arrive, then honour it.
        await yieldToEvents();
        opts.signal?.throwIfAborted();
      }),
    quantize: async (x, shape, spec, opts) => ({
      outcome: quantize(x, shape, spec, opts),
      on: 'cpu',
    }),
    net: cpuRunner,
  };
}

// Running a demo network: the CPU reference or a device runner (the GPU), and what a network takes
// to store. The labs that evaluate variants live in engine/labs.
import { bitsPerWeight, type QuantSpec } from '../core/quant/spec.ts';
import { blockLayout } from '../core/quant/blocks.ts';
import type { Hooks, Params, WeightLayer } from '../core/nn/layer.ts';
import { logitsOf as netLogits, netParams, weightLayers, type Net } from '../core/nn/network.ts';
/**
 * Bytes to store a network: each weight-layer weight at `bits(layer)` bits per weight (scale and
 * zero-point overhead included by the caller), every other parameter in float32.
 */
export function storedBytes(net: Net, bits: (l: WeightLayer) => number = () => 32): number {
  const layers = weightLayers(net);
  const weights = new Set(layers.map((l) => `${l.name}.weight`));
  let bytes = 0;
  for (const [name, shape] of netParams(net))
    if (!weights.has(name)) bytes += 4 * shape.reduce((a, b) => a * b, 1);
  for (const l of layers) bytes += (bits(l) * l.rows * l.cols) / 8;
  return Math.ceil(bytes);
}

/** Bytes of a network whose weights go through `spec`. */
export function specBytes(net: Net, spec: QuantSpec): number {
  return storedBytes(net, (l) => bitsPerWeight(spec, blockLayout(l.weightShape, spec.granularity)));
}

/** A trainer that keeps a network's parameters on a device (the GPU): plain cross-entropy steps. */
export interface NetTrainer {
  step(
    x: Float32Array,
    labels: ArrayLike<number>,
    B: number,
    o: { lr: number; weightDecay?: number },
  ): Promise<number>;
  download(): Promise<Params>;
  destroy(): void;
}

/** Runs demo networks: the GPU kernels, or the CPU reference. */
export interface NetRunner {
  on: 'webgpu' | 'cpu';
  logits(net: Net, p: Params, x: Float32Array, B: number): Promise<Float32Array>;
  /** A device trainer (absent: training runs on the CPU). */
  trainer?: ((net: Net, p: Params, masks?: Params) => NetTrainer) | undefined;
  /** Whether this runner should take a network (absent: every one); others go to the CPU. */
  accepts?: (net: Net) => boolean;
  /** Where the networks it declines run (absent: the plain CPU reference). */
  fallback?: NetRunner;
}

export const cpuRunner: NetRunner = {
  on: 'cpu',
  logits: async (net, p, x, B) => netLogits(net, p, x, B),
};

export async function logitsOn(
  runner: NetRunner,
  net: Net,
  p: Params,
  x: Float32Array,
  B: number,
): Promise<{ logits: Float32Array; on: 'webgpu' | 'cpu' }> {
  const r = runnerFor(runner, net);
  return { logits: await r.logits(net, p, x, B), on: r.on };
}

/** The runner itself, or the CPU where it declines the network. */
export function runnerFor(runner: NetRunner, net: Net): NetRunner {
  return runner.accepts && !runner.accepts(net) ? (runner.fallback ?? cpuRunner) : runner;
}

/**
 * `logitsOf` with a cancel check between its chunks of inputs (the same chunks, so the same
 * numbers, hooks included): a job that runs it stops within a chunk of an abort.
 */
export async function logitsUntil(
  signal: AbortSignal | undefined,
  net: Net,
  p: Params,
  x: Float32Array,
  B: number,
  hooks: Hooks = {},
  chunk = 256,
): Promise<Float32Array> {
  const out = new Float32Array(B * net.classes);
  for (let s = 0; s < B; s += chunk) {
    if (signal) {
      await new Promise((r) => setTimeout(r, 0));
      signal.throwIfAborted();
    }
    const n = Math.min(chunk, B - s);
    out.set(
      netLogits(net, p, x.subarray(s * net.inSize, (s + n) * net.inSize), n, hooks),
      s * net.classes,
    );
  }
  return out;
}

/** The CPU side of a runner: itself on the CPU, else where it sends the networks it declines. */
export function cpuSide(runner: NetRunner): NetRunner {
  return runner.on === 'cpu' ? runner : (runner.fallback ?? cpuRunner);
}

/** The runner with its CPU work (its own, or the networks it declines) stopping at an abort. */
export function untilAborted(runner: NetRunner, signal: AbortSignal): NetRunner {
  const cpu: NetRunner = {
    on: 'cpu',
    logits: (net, p, x, B) => logitsUntil(signal, net, p, x, B),
  };
  return runner.on === 'cpu' ? cpu : { ...runner, fallback: cpu };
}

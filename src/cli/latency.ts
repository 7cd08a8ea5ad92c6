// The Latency panel's numbers in `slimlab run`'s text: times in the unit that reads best, figures to
// five significant digits.
import type { KvRun, LatencyRun } from '../engine/latency-model.ts';
import { sig } from './numbers.ts';

/** A time in the unit that keeps it between 1 and 1,000. */
export function seconds(v: number): string {
  if (v >= 1) return `${sig(v)} s`;
  if (v >= 1e-3) return `${sig(v * 1e3)} ms`;
  if (v >= 1e-6) return `${sig(v * 1e6)} µs`;
  return `${sig(v * 1e9)} ns`;
}

export function latencyText(r: LatencyRun): string[] {
  const per = r.profiles.map(
    (p) =>
      `    ${p.name}: ${seconds(p.native_s)} (fp32 ${seconds(p.fp32_s)}; WebGPU ${p.webgpu_s === null ? 'not available' : seconds(p.webgpu_s)})`,
  );
  const layers = r.layers.map(
    (l) =>
      `    ${l.name}: ${seconds(l.seconds)}, ${l.intensity === null ? 'no bytes moved' : `${sig(l.intensity)} FLOPs/byte`} against a ridge of ${sig(l.ridge)}: ${l.bound}-bound`,
  );
  return [
    `  latency (${r.deployment}, ${r.of === 'tokens' ? `${r.batch} tokens through the weights` : `batch ${r.batch}`}), estimated natively on each profile:`,
    ...per,
    `  layers on ${r.profile}:`,
    ...layers,
    ...r.notes.map((n) => `    ${n}`),
  ];
}

export function kvText(r: KvRun): string[] {
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  return [
    `  KV cache: ${r.bytes_per_token} bytes a token; 1000 requests up to ${r.max_len} tokens in ${sig(r.budget_bytes / 2 ** 30)} GiB: contiguous ${pct(r.contiguous.waste)} wasted, ${r.contiguous.fit} fit; paged (blocks of ${r.block}) ${pct(r.paged.waste)} wasted, ${r.paged.fit} fit`,
  ];
}

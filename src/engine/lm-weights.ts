// The weights of a compressed language model: every matrix through the compression's weight parts
// (pruning, low rank, quantization, in that order), each tensor in turn with a cancel check between.
import { llamaTensors } from '../core/lm/config.ts';
import { quantize } from '../core/quant/quant.ts';
import type { QuantSpec } from '../core/quant/spec.ts';
import type { LanguageModel } from './lm.ts';
import { checkpoint, fitSpec } from './quantize.ts';

/** Every matrix (projections, embedding, classifier) through `spec` and back; norms kept. */
export async function compressedWeights(
  lm: LanguageModel,
  spec: QuantSpec,
  signal?: AbortSignal,
): Promise<Map<string, Float32Array>> {
  const out = new Map(lm.weights);
  for (const t of llamaTensors(lm.cfg)) {
    if (t.shape.length < 2) continue;
    await checkpoint(signal);
    const x = lm.weights.get(t.name)!;
    out.set(t.name, quantize(x, t.shape, fitSpec(spec, t.shape).spec).xq!);
  }
  return out;
}

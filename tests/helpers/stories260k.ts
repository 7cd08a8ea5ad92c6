// stories260K (public/models/stories260K.bin, the same bytes as shared/models/stories260K: sha256
// b0a507e7…) read through our llama2.c reader, and its oracle fixture
// (tests/fixtures/oracle/stories260K_logits.json, made by scripts/oracles/make_llama_fixtures.py).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { f16BitsToNumber } from '../../src/core/base/f16.ts';
import type { LlamaConfig } from '../../src/core/lm/config.ts';
import type { LlamaWeights } from '../../src/core/lm/llama.ts';
import { llama2cReader, llamaConfigOf } from '../../src/formats/llama2c.ts';
import { bytesSource } from '../../src/formats/source.ts';
import { readTensorF32 } from '../../src/formats/tensor-data.ts';
import { ORACLE_DIR } from './fixtures.ts';

export const STORIES260K = fileURLToPath(
  new URL('../../public/models/stories260K.bin', import.meta.url),
);

/** The model's configuration and every tensor, by HF name, as float32. */
export async function loadStories260K(): Promise<{
  cfg: LlamaConfig;
  tensors: Map<string, Float32Array>;
  weights: LlamaWeights;
}> {
  const src = bytesSource('stories260K.bin', new Uint8Array(readFileSync(STORIES260K)));
  const info = await llama2cReader.parse(src);
  const cfg = llamaConfigOf(info.metadata);
  if (!cfg) throw new Error('stories260K.bin: the header is not a sound llama2.c configuration');
  const tensors = new Map<string, Float32Array>();
  for (const t of info.tensors) tensors.set(t.name, await readTensorF32(src, t));
  return { cfg, tensors, weights: weightsOf(tensors) };
}

/** A weight lookup over a map that names the missing tensor instead of returning undefined. */
export function weightsOf(tensors: Map<string, Float32Array>): LlamaWeights {
  return (name) => {
    const w = tensors.get(name);
    if (!w) throw new Error(`no tensor '${name}'`);
    return w;
  };
}

interface Stats {
  nll: number[];
  ppl: number;
  ppl_base: number;
  kl: number[];
  kl_summary: Record<'mean' | 'median' | 'p90' | 'p99' | 'p99_9' | 'max' | 'min', number>;
  same_top: number;
  dp_rms: number;
  ln_ppl_ratio: number;
}

export interface LogitsFixture {
  tokens: number[];
  /** HF's logits [T, vocab]. */
  logits: Float32Array;
  base: { nll: number[]; ppl: number };
  /** An int8-per-channel copy of the model: its logits (float16 in the file) and numpy's statistics. */
  quantized: Stats & { logits: Float32Array };
}

function bytesOf(b64: string): Uint8Array {
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

export function loadLogitsFixture(): LogitsFixture {
  const raw = JSON.parse(readFileSync(`${ORACLE_DIR}stories260K_logits.json`, 'utf8')) as {
    tokens: number[];
    logits_f32_b64: string;
    base: { nll: number[]; ppl: number };
    quantized: Stats & { logits_f16_b64: string };
  };
  const f32 = bytesOf(raw.logits_f32_b64);
  const f16 = bytesOf(raw.quantized.logits_f16_b64);
  const v16 = new DataView(f16.buffer, f16.byteOffset, f16.byteLength);
  const q = new Float32Array(f16.byteLength / 2);
  for (let i = 0; i < q.length; i++) q[i] = f16BitsToNumber(v16.getUint16(2 * i, true));
  return {
    tokens: raw.tokens,
    logits: new Float32Array(f32.buffer.slice(f32.byteOffset, f32.byteOffset + f32.byteLength)),
    base: raw.base,
    quantized: { ...raw.quantized, logits: q },
  };
}

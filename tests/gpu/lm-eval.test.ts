// The engine's evaluation of a language model with its forward pass on the GPU (the device the
// backend offers on a hardware adapter) against the same evaluation on the CPU: the perplexity, and
// the KL of a weight-quantized model, agree within the logits' tolerance; a compression with hooks
// (a rounded key/value cache) runs on the CPU and says so.
import { beforeAll, expect, test } from 'vitest';
import binUrl from '/models/stories260K.bin?url';
import tokUrl from '/models/stories260K.tok512.bin?url';
import { DEFAULT_SPEC } from '../../src/core/quant/spec.ts';
import { llama2cReader, llamaConfigOf } from '../../src/formats/llama2c.ts';
import { bytesSource } from '../../src/formats/source.ts';
import { readTensorF32 } from '../../src/formats/tensor-data.ts';
import { openTokenizer, type Tokenizer } from '../../src/formats/tokenizer.ts';
import { llamaDevice } from '../../src/engine/gpu-backend.ts';
import { evaluateLm, type LanguageModel } from '../../src/engine/lm.ts';
import { NO_COMPRESSION } from '../../src/engine/lm-compression.ts';
import { gpuContext } from './kernel-harness.ts';

let lm: LanguageModel;
let tok: Tokenizer;
const TEXT =
  'Once upon a time, there was a little girl named Lily. She loved to play outside in the sun. One day, she saw a big red ball in the park and ran to get it.';

const bytes = async (url: string) => new Uint8Array(await (await fetch(url)).arrayBuffer());

beforeAll(async () => {
  const src = bytesSource('stories260K.bin', await bytes(binUrl));
  const info = await llama2cReader.parse(src);
  const cfg = llamaConfigOf(info.metadata)!;
  const weights = new Map<string, Float32Array>();
  for (const t of info.tensors) weights.set(t.name, await readTensorF32(src, t));
  lm = { cfg, weights };
  tok = await openTokenizer(bytesSource('tok512.bin', await bytes(tokUrl)), cfg.vocab);
});

test('perplexity and KL on the GPU equal the CPU evaluation', async () => {
  const device = llamaDevice(await gpuContext());
  const int4 = {
    ...NO_COMPRESSION,
    weights: { ...DEFAULT_SPEC, bits: 4, granularity: { kind: 'group' as const, size: 32 } },
  };
  const cpu = await evaluateLm(lm, tok, TEXT, 32, int4);
  const gpu = await evaluateLm(lm, tok, TEXT, 32, int4, { device });
  expect(cpu.on).toEqual({ base: 'CPU', compressed: 'CPU' });
  expect(gpu.on.base).toBe(device.label);
  expect(gpu.on.compressed).toBe(device.label);
  expect(gpu.scored).toBe(cpu.scored);
  expect(Math.abs(gpu.ppl / cpu.ppl - 1)).toBeLessThan(1e-4);
  const c = cpu.compressed!;
  const g = gpu.compressed!;
  expect(c.kl.mean).toBeGreaterThan(0.01);
  expect(Math.abs(g.kl.mean - c.kl.mean)).toBeLessThan(1e-4);
  expect(g.sameTopPct).toBeCloseTo(c.sameTopPct, 0);
});

test('a rounded key/value cache is measured on the CPU, the base on the GPU', async () => {
  const device = llamaDevice(await gpuContext());
  const kv = { ...NO_COMPRESSION, kvCache: 'int4' as const };
  const gpu = await evaluateLm(lm, tok, TEXT, 32, kv, { device });
  const cpu = await evaluateLm(lm, tok, TEXT, 32, kv);
  expect(gpu.on).toEqual({ base: device.label, compressed: 'CPU' });
  expect(Math.abs(gpu.compressed!.kl.mean - cpu.compressed!.kl.mean)).toBeLessThan(1e-4);
});

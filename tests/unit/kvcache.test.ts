// KV-cache arithmetic against published figures and hand-worked cases.
import { expect, test } from 'vitest';
import {
  bytesPerToken,
  contiguousUse,
  pagedUse,
  sequencesThatFit,
} from '../../src/core/perf/kvcache.ts';

// Llama-2-7B: 32 layers, 32 KV heads of 128, fp16 — 0.5 MiB a token (vLLM paper, section 3).
const llama7b = { layers: 32, kvHeads: 32, headDim: 128, bytesPerValue: 2 };

test('memory per token: Llama-2-7B in fp16 is 512 KiB; grouped-query attention divides it', () => {
  expect(bytesPerToken(llama7b)).toBe(512 * 1024);
  expect(bytesPerToken({ ...llama7b, kvHeads: 8 })).toBe(128 * 1024);
  expect(bytesPerToken({ ...llama7b, bytesPerValue: 1 })).toBe(256 * 1024);
});

test('contiguous pre-allocation wastes what the sequences do not use; pages waste under one block each', () => {
  const lengths = [100, 300, 2048, 17];
  const c = contiguousUse(lengths, 2048, llama7b);
  expect(c.waste).toBeCloseTo(1 - (100 + 300 + 2048 + 17) / (4 * 2048), 12);
  const p = pagedUse(lengths, 16, llama7b);
  const reserved = (112 + 304 + 2048 + 32) * bytesPerToken(llama7b);
  expect(p.reserved).toBe(reserved);
  expect(p.waste).toBeLessThan(0.02);
  expect(pagedUse(lengths, 1, llama7b).waste).toBe(0);
});

test('sequences that fit in a budget', () => {
  const t = bytesPerToken(llama7b);
  const lengths = Array.from({ length: 300 }, () => 200);
  const budget = 16 * 2048 * t;
  expect(sequencesThatFit(lengths, budget, llama7b, { kind: 'contiguous', maxLen: 2048 })).toBe(16);
  expect(sequencesThatFit(lengths, budget, llama7b, { kind: 'paged', block: 16 })).toBe(
    Math.floor((16 * 2048) / 208),
  );
});

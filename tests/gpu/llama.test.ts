// The Llama forward pass on the GPU (src/gpu/ops/llama.ts: rms_norm, rope, gqa_attention, swiglu
// and the matmul kernels chained with the weights kept on the device) against the CPU pass
// (llamaLogitsInSteps in src/core/lm/llama.ts) and against transformers' logits for stories260K
// (tests/fixtures/oracle/stories260K_logits.json, made by scripts/oracles/make_llama_fixtures.py)
// and for a small random Qwen2 folder with q/k/v biases (tests/fixtures/hf-qwen2, made by
// scripts/oracles/make_hf_qwen2_fixture.py); a random model with grouped-query attention,
// half-split rotary, an untied classifier, biases and tables split over several bindings;
// re-upload, cancel and destroy.
import { beforeAll, describe, expect, test } from 'vitest';
import binUrl from '/models/stories260K.bin?url';
import oracle from '../fixtures/oracle/stories260K_logits.json';
import qwen2Oracle from '../fixtures/oracle/hf_qwen2_logits.json';
import { llamaTensors, type LlamaConfig } from '../../src/core/lm/config.ts';
import { llamaLogits, llamaLogitsInSteps, type LlamaWeights } from '../../src/core/lm/llama.ts';
import { openGroup } from '../../src/formats/group.ts';
import { lmConfigOf } from '../../src/formats/hf-config.ts';
import { llama2cReader, llamaConfigOf } from '../../src/formats/llama2c.ts';
import { bytesSource } from '../../src/formats/source.ts';
import { readTensorF32 } from '../../src/formats/tensor-data.ts';
import type { GpuContext } from '../../src/gpu/device.ts';
import { LlamaGpu } from '../../src/gpu/ops/llama.ts';
import { normal, rng } from '../helpers/random.ts';
import { gpuContext } from './kernel-harness.ts';
import { LLAMA_LOGITS_TOLERANCE, LLAMA_ORACLE_TOLERANCE } from './tolerances.ts';

let ctx: GpuContext;
let cfg: LlamaConfig;
let tensors: Map<string, Float32Array>;

const lookup =
  (m: Map<string, Float32Array>): LlamaWeights =>
  (name) => {
    const w = m.get(name);
    if (!w) throw new Error(`no tensor '${name}'`);
    return w;
  };

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function maxAbs(a: Float32Array): number {
  let m = 0;
  for (const x of a) m = Math.max(m, Math.abs(x));
  return m;
}

/** The files of the Qwen2 folder, served by the test server. */
const QWEN2_FILES = import.meta.glob('../fixtures/hf-qwen2/*', {
  query: '?url',
  import: 'default',
  eager: true,
}) as Record<string, string>;

function decodeF32(b64: string): Float32Array {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}

const oracleLogits = () => decodeF32(oracle.logits_f32_b64);

beforeAll(async () => {
  ctx = await gpuContext();
  const src = bytesSource(
    'stories260K.bin',
    new Uint8Array(await (await fetch(binUrl)).arrayBuffer()),
  );
  const info = await llama2cReader.parse(src);
  const c = llamaConfigOf(info.metadata);
  if (!c) throw new Error('stories260K.bin: the header is not a sound llama2.c configuration');
  cfg = c;
  tensors = new Map();
  for (const t of info.tensors) tensors.set(t.name, await readTensorF32(src, t));
});

describe('stories260K on the GPU', () => {
  test('the window logits equal the CPU pass and transformers', async () => {
    const g = new LlamaGpu(ctx, cfg, tensors);
    try {
      let gpuPauses = 0;
      const got = await g.logits(oracle.tokens, async () => {
        gpuPauses++;
      });
      expect(gpuPauses).toBe(cfg.layers);
      const cpu = await llamaLogitsInSteps(cfg, lookup(tensors), oracle.tokens, async () => {});
      const dCpu = maxAbsDiff(got, cpu);
      const dHf = maxAbsDiff(got, oracleLogits());
      console.log(
        `stories260K, ${oracle.tokens.length} tokens: max |Δlogit| GPU vs CPU ${dCpu.toExponential(2)}, vs transformers ${dHf.toExponential(2)} (max |logit| ${maxAbs(cpu).toFixed(2)})`,
      );
      expect(dCpu).toBeLessThanOrEqual(LLAMA_LOGITS_TOLERANCE);
      expect(dHf).toBeLessThanOrEqual(LLAMA_ORACLE_TOLERANCE);
    } finally {
      g.destroy();
    }
  });

  test('a 256-token window: the same logits as the CPU pass, and what it costs', async () => {
    const r = rng(256);
    const tokens = Array.from({ length: 256 }, () => Math.floor(r() * cfg.vocab));
    const g = new LlamaGpu(ctx, cfg, lookup(tensors));
    try {
      await g.logits(tokens.slice(0, 8)); // compiles the pipelines
      const t0 = performance.now();
      const got = await g.logits(tokens);
      const ms = performance.now() - t0;
      const c0 = performance.now();
      const cpu = llamaLogits(cfg, lookup(tensors), tokens);
      const cpuMs = performance.now() - c0;
      const d = maxAbsDiff(got, cpu);
      const s = g.lastRun!;
      console.log(
        `stories260K, 256 tokens on ${ctx.summary.architecture || ctx.summary.vendor}: ${s.dispatches} dispatches, ${s.copies} copies, ${s.submits} submits, ${ms.toFixed(0)} ms (CPU pass ${cpuMs.toFixed(0)} ms); max |Δlogit| vs CPU ${d.toExponential(2)}`,
      );
      expect(s.dispatches).toBe(15 * cfg.layers + 2);
      expect(d).toBeLessThanOrEqual(LLAMA_LOGITS_TOLERANCE);
    } finally {
      g.destroy();
    }
  });

  test('upload() rewrites the weights in place; a failing between() stops the pass; destroy() ends it', async () => {
    const g = new LlamaGpu(ctx, cfg, tensors);
    try {
      const tokens = oracle.tokens.slice(0, 20);
      const changed = new Map(tensors);
      const name = 'model.layers.2.mlp.down_proj.weight';
      changed.set(
        name,
        tensors.get(name)!.map((x) => x * 0.5),
      );
      g.upload(changed);
      const d = maxAbsDiff(await g.logits(tokens), llamaLogits(cfg, lookup(changed), tokens));
      expect(d).toBeLessThanOrEqual(LLAMA_LOGITS_TOLERANCE);
      expect(
        maxAbsDiff(
          llamaLogits(cfg, lookup(changed), tokens),
          llamaLogits(cfg, lookup(tensors), tokens),
        ),
      ).toBeGreaterThan(1e-2);
      let calls = 0;
      await expect(
        g.logits(tokens, async () => {
          if (++calls === 2) throw new Error('cancelled');
        }),
      ).rejects.toThrow('cancelled');
      expect(calls).toBe(2);
      await expect(g.logits([0, cfg.vocab])).rejects.toThrow(
        /token 1 is 512, outside the vocabulary/,
      );
    } finally {
      g.destroy();
    }
    await expect(g.logits([1])).rejects.toThrow(/after destroy/);
  });
});

/** A random model: 4 query heads on 2 key/value heads of 6, half-split rotary, untied classifier. */
const SMALL: LlamaConfig = {
  dim: 24,
  hidden: 37,
  layers: 2,
  heads: 4,
  kvHeads: 2,
  vocab: 101,
  seqLen: 80,
  normEps: 1e-6,
  ropeTheta: 1000000,
  rope: 'half',
  tiedEmbedding: false,
};

function randomModel(c: LlamaConfig): Map<string, Float32Array> {
  const m = new Map<string, Float32Array>();
  llamaTensors(c).forEach(({ name, shape }, i) => {
    const n = shape.reduce((a, b) => a * b, 1);
    m.set(
      name,
      name.endsWith('norm.weight')
        ? normal(n, i, 0.1, 1)
        : name.endsWith('.bias')
          ? normal(n, i, 0.5)
          : normal(n, i, 1 / Math.sqrt(shape.at(-1)!)),
    );
  });
  return m;
}

describe('a random model with grouped-query attention, half-split rotary and an untied classifier', () => {
  const r = rng(7);
  const tokens = Array.from({ length: 75 }, () => Math.floor(r() * SMALL.vocab));

  test('equals the CPU pass, with the embedding and the classifier split over bindings', async () => {
    const m = randomModel(SMALL);
    // Bindings of 3,600 bytes: the 37 × 24 MLP weights fit, the 101-row tables go in parts of
    // 37 rows (37, 37, 27), and a long window's activations do not fit.
    const small = { ...ctx, maxBindingBytes: 3600 };
    const T = 3;
    const g = new LlamaGpu(small, SMALL, m);
    try {
      const got = await g.logits(tokens.slice(0, T));
      const want = llamaLogits(SMALL, lookup(m), tokens.slice(0, T));
      expect(maxAbsDiff(got, want)).toBeLessThanOrEqual(LLAMA_LOGITS_TOLERANCE);
      // One classifier pass per part: the split really happened.
      expect(g.lastRun!.dispatches).toBe(15 * SMALL.layers + 1 + 3);
      await expect(g.logits(tokens)).rejects.toThrow(/pass one storage binding/);
    } finally {
      g.destroy();
    }
    const big = new LlamaGpu(ctx, SMALL, lookup(m));
    try {
      const got = await big.logits(tokens);
      const want = llamaLogits(SMALL, lookup(m), tokens);
      expect(maxAbsDiff(got, want)).toBeLessThanOrEqual(LLAMA_LOGITS_TOLERANCE);
    } finally {
      big.destroy();
    }
  });

  test('adds the q/k/v biases (Qwen2) and the o bias (Llama with attention_bias) as the CPU pass does', async () => {
    const biased: LlamaConfig = { ...SMALL, qkvBias: true, oBias: true };
    const m = randomModel(biased);
    const g = new LlamaGpu(ctx, biased, m);
    try {
      const got = await g.logits(tokens);
      const want = llamaLogits(biased, lookup(m), tokens);
      expect(maxAbsDiff(got, want)).toBeLessThanOrEqual(LLAMA_LOGITS_TOLERANCE);
      // The biases move the logits far beyond the tolerance: the comparison sees them.
      expect(maxAbsDiff(want, llamaLogits(SMALL, lookup(m), tokens))).toBeGreaterThan(0.1);
    } finally {
      g.destroy();
    }
  });

  test('refuses a tensor of the wrong size, naming it', () => {
    const m = randomModel(SMALL);
    m.set('model.layers.1.mlp.up_proj.weight', new Float32Array(5));
    expect(() => new LlamaGpu(ctx, SMALL, m)).toThrow(
      /'model.layers.1.mlp.up_proj.weight' has 5 values, want 888/,
    );
    m.delete('model.layers.1.mlp.up_proj.weight');
    expect(() => new LlamaGpu(ctx, SMALL, m)).toThrow(
      /no tensor 'model.layers.1.mlp.up_proj.weight'/,
    );
  });
});

describe('a Qwen2 folder (q/k/v biases, tied embedding) on the GPU', () => {
  test("equals transformers' Qwen2ForCausalLM on the same file", async () => {
    const files = await Promise.all(
      Object.entries(QWEN2_FILES).map(async ([path, url]) =>
        bytesSource(
          path.split('/').at(-1)!,
          new Uint8Array(await (await fetch(url)).arrayBuffer()),
        ),
      ),
    );
    const r = await openGroup(files);
    expect(r.problems).toEqual([]);
    const m = r.models[0]!;
    const qcfg = lmConfigOf(m.info.metadata)!;
    expect(qcfg.qkvBias).toBe(true);
    const byName = new Map(m.info.tensors.map((t) => [t.name, t]));
    const qt = new Map<string, Float32Array>();
    for (const { name } of llamaTensors(qcfg))
      qt.set(name, await readTensorF32(m.sources.get(m.info.file)!, byName.get(name)!));
    const g = new LlamaGpu(ctx, qcfg, qt);
    try {
      const got = await g.logits(qwen2Oracle.tokens);
      const d = maxAbsDiff(got, decodeF32(qwen2Oracle.logits_f32_b64));
      console.log(`hf-qwen2 on the GPU: max |Δlogit| vs transformers ${d.toExponential(2)}`);
      expect(d).toBeLessThanOrEqual(LLAMA_ORACLE_TOLERANCE);
    } finally {
      g.destroy();
    }
  });
});

// A Hugging Face Qwen2 folder (Llama with q/k/v biases and tied embeddings) opened as the tab opens
// dropped files, its configuration read from config.json, and its logits against transformers'
// Qwen2ForCausalLM on the same file (scripts/oracles/make_hf_qwen2_fixture.py).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { llamaTensors, type LlamaConfig } from '../../src/core/lm/config.ts';
import { llamaLogits } from '../../src/core/lm/llama.ts';
import { openGroup } from '../../src/formats/group.ts';
import { hfLlamaConfigOf, lmConfigOf, readHfConfig } from '../../src/formats/hf-config.ts';
import { bytesSource } from '../../src/formats/source.ts';
import { readTensorF32 } from '../../src/formats/tensor-data.ts';
import { ORACLE_DIR } from '../helpers/fixtures.ts';
import { weightsOf } from '../helpers/stories260k.ts';

const LOGIT_TOL = 1e-4;
const DIR = fileURLToPath(new URL('../fixtures/hf-qwen2/', import.meta.url));
const FILES = readdirSync(DIR).sort();
const CONFIG = JSON.parse(readFileSync(DIR + 'config.json', 'utf8')) as Record<string, unknown>;
const folderFile = (f: string) => bytesSource(f, new Uint8Array(readFileSync(DIR + f)));
const metadataOf = (config: unknown) =>
  readHfConfig(bytesSource('config.json', new TextEncoder().encode(JSON.stringify(config))));

/** What make_hf_qwen2_fixture.py asked transformers for. */
const EXPECTED: LlamaConfig = {
  dim: 48,
  hidden: 96,
  layers: 2,
  heads: 6,
  kvHeads: 2,
  vocab: 300,
  seqLen: 128,
  normEps: 1e-6,
  ropeTheta: 1e6,
  rope: 'half',
  tiedEmbedding: true,
  qkvBias: true,
};

describe('a Hugging Face Qwen2 folder', () => {
  test('runs: the configuration has q/k/v biases and the tensors include them', async () => {
    const r = await openGroup(FILES.map(folderFile));
    expect(r.problems).toEqual([]);
    const cfg = lmConfigOf(r.models[0]!.info.metadata);
    expect(cfg).toEqual(EXPECTED);
    const names = llamaTensors(cfg!).map((t) => t.name);
    expect(names).toContain('model.layers.1.self_attn.v_proj.bias');
    expect(names.some((n) => n.endsWith('o_proj.bias'))).toBe(false);
    const stored = new Set(r.models[0]!.info.tensors.map((t) => t.name));
    expect(names.filter((n) => !stored.has(n))).toEqual([]);
  });

  test('logits equal transformers Qwen2ForCausalLM on the same file within 1e-4', async () => {
    const r = await openGroup(FILES.map(folderFile));
    const m = r.models[0]!;
    const cfg = lmConfigOf(m.info.metadata)!;
    const byName = new Map(m.info.tensors.map((t) => [t.name, t]));
    const tensors = new Map<string, Float32Array>();
    for (const { name } of llamaTensors(cfg))
      tensors.set(name, await readTensorF32(m.sources.get(m.info.file)!, byName.get(name)!));
    const raw = JSON.parse(readFileSync(`${ORACLE_DIR}hf_qwen2_logits.json`, 'utf8')) as {
      tokens: number[];
      logits_f32_b64: string;
    };
    const b = Buffer.from(raw.logits_f32_b64, 'base64');
    const ref = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    const ours = llamaLogits(cfg, weightsOf(tensors), raw.tokens);
    expect(ours.length).toBe(ref.length);
    let d = 0;
    for (let i = 0; i < ours.length; i++) d = Math.max(d, Math.abs(ours[i]! - ref[i]!));
    console.log(`hf-qwen2: max |Δlogit| vs transformers = ${d.toExponential(2)}`);
    expect(d).toBeLessThanOrEqual(LOGIT_TOL);
    // Without the biases the logits move far: the test sees them.
    const plain = llamaLogits({ ...cfg, qkvBias: false }, weightsOf(tensors), raw.tokens);
    let p = 0;
    for (let i = 0; i < ours.length; i++) p = Math.max(p, Math.abs(plain[i]! - ref[i]!));
    expect(p).toBeGreaterThan(100 * LOGIT_TOL);
  });

  test('a sliding window is refused; Llama with attention_bias has q/k/v/o biases', async () => {
    const windowed = await metadataOf({ ...CONFIG, use_sliding_window: true, sliding_window: 32 });
    expect(() => hfLlamaConfigOf(windowed)).toThrow(/Qwen2ForCausalLM with use_sliding_window/);
    const llama = await metadataOf({
      ...CONFIG,
      architectures: ['LlamaForCausalLM'],
      model_type: 'llama',
      attention_bias: true,
    });
    const cfg = hfLlamaConfigOf(llama)!;
    expect([cfg.qkvBias, cfg.oBias]).toEqual([true, true]);
    expect(llamaTensors(cfg).map((t) => t.name)).toContain('model.layers.0.self_attn.o_proj.bias');
  });
});

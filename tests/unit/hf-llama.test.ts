// A Hugging Face Llama folder (config.json, two safetensors shards with their index, a
// generation_config.json) opened as the tab opens dropped files, its configuration read from
// config.json, and its logits against transformers' LlamaForCausalLM on the same files
// (scripts/oracles/make_hf_llama_fixture.py). Plus what a person is told when the folder is
// incomplete or describes a model the forward pass cannot run.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { llamaTensors, type LlamaConfig } from '../../src/core/lm/config.ts';
import { llamaLogits } from '../../src/core/lm/llama.ts';
import { openGroup, type OpenedModel } from '../../src/formats/group.ts';
import { hfLlamaConfigOf, lmConfigOf, readHfConfig } from '../../src/formats/hf-config.ts';
import { bytesSource, type ByteSource } from '../../src/formats/source.ts';
import { readTensorF32 } from '../../src/formats/tensor-data.ts';
import { ORACLE_DIR, oracleSource } from '../helpers/fixtures.ts';
import { weightsOf } from '../helpers/stories260k.ts';

/** HF computes in float32 with other summation orders; the brief's bound on the logits. */
const LOGIT_TOL = 1e-4;
const DIR = fileURLToPath(new URL('../fixtures/hf-llama/', import.meta.url));
const FILES = readdirSync(DIR).sort();
const SHARDS = FILES.filter((f) => f.endsWith('.safetensors'));
const CONFIG = JSON.parse(readFileSync(DIR + 'config.json', 'utf8')) as Record<string, unknown>;

const folderFile = (f: string, prefix = '') =>
  bytesSource(prefix + f, new Uint8Array(readFileSync(DIR + f)));
const jsonFile = (name: string, json: unknown) =>
  bytesSource(name, new TextEncoder().encode(JSON.stringify(json)));
/** The folder with config.json replaced by `config`. */
const withConfig = (config: unknown): ByteSource[] => [
  ...FILES.filter((f) => f !== 'config.json').map((f) => folderFile(f)),
  jsonFile('config.json', config),
];
/** What make_hf_llama_fixture.py asked transformers for. */
const EXPECTED: LlamaConfig = {
  dim: 48,
  hidden: 96,
  layers: 2,
  heads: 6,
  kvHeads: 2,
  vocab: 300,
  seqLen: 128,
  normEps: 1e-6,
  ropeTheta: 500000,
  rope: 'half',
  tiedEmbedding: false,
};
/** A configuration's metadata as the group step writes it. */
const metadataOf = (config: unknown) => readHfConfig(jsonFile('config.json', config));

function loadFixture(): { tokens: number[]; logits: Float32Array } {
  const raw = JSON.parse(readFileSync(`${ORACLE_DIR}hf_llama_logits.json`, 'utf8')) as {
    tokens: number[];
    logits_f32_b64: string;
  };
  const b = Buffer.from(raw.logits_f32_b64, 'base64');
  return {
    tokens: raw.tokens,
    logits: new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)),
  };
}

async function weightsFrom(m: OpenedModel, cfg: LlamaConfig): Promise<Map<string, Float32Array>> {
  const byName = new Map(m.info.tensors.map((t) => [t.name, t]));
  const out = new Map<string, Float32Array>();
  for (const { name } of llamaTensors(cfg)) {
    const t = byName.get(name)!;
    out.set(name, await readTensorF32(m.sources.get(t.dataFile ?? m.info.file)!, t));
  }
  return out;
}

describe('a Hugging Face Llama folder', () => {
  test('opens as one model with config.json and its companion in the metadata', async () => {
    expect(SHARDS).toHaveLength(2);
    const r = await openGroup(FILES.map((f) => folderFile(f)));
    expect(r.problems).toEqual([]);
    expect(r.models).toHaveLength(1);
    const { metadata } = r.models[0]!.info;
    expect(metadata['hf.architectures']).toBe('["LlamaForCausalLM"]');
    expect(metadata['hf.hidden_size']).toBe('48');
    expect(metadata['companion files']).toBe('generation_config.json');
  });

  test('the configuration comes from config.json', async () => {
    const r = await openGroup(FILES.map((f) => folderFile(f)));
    expect(lmConfigOf(r.models[0]!.info.metadata)).toEqual(EXPECTED);
  });

  test('logits equal transformers LlamaForCausalLM on the same files within 1e-4', async () => {
    const r = await openGroup(FILES.map((f) => folderFile(f, 'my-model/')));
    expect(r.problems).toEqual([]);
    const m = r.models[0]!;
    const cfg = lmConfigOf(m.info.metadata)!;
    const fx = loadFixture();
    const ours = llamaLogits(cfg, weightsOf(await weightsFrom(m, cfg)), fx.tokens);
    expect(ours.length).toBe(fx.logits.length);
    let d = 0;
    for (let i = 0; i < ours.length; i++) d = Math.max(d, Math.abs(ours[i]! - fx.logits[i]!));
    console.log(`hf-llama: max |Δlogit| vs transformers = ${d.toExponential(2)}`);
    expect(d).toBeLessThanOrEqual(LOGIT_TOL);
  });

  test('a single-file model.safetensors takes the config.json beside it', async () => {
    const weights = oracleSource('reference.safetensors');
    const r = await openGroup([
      bytesSource('model.safetensors', await weights.read(0, weights.size)),
      folderFile('config.json'),
      jsonFile('tokenizer_config.json', {}),
    ]);
    expect(r.problems).toEqual([]);
    expect(r.models[0]!.info.metadata['hf.model_type']).toBe('llama');
    expect(r.models[0]!.info.metadata['companion files']).toBe('tokenizer_config.json');
  });
});

describe('what a person is told', () => {
  test('config.json alone names its architecture and asks for the weights', async () => {
    const r = await openGroup([folderFile('config.json'), folderFile('generation_config.json')]);
    expect(r.models).toEqual([]);
    expect(r.problems).toEqual([
      {
        file: 'config.json',
        message:
          "config.json: a configuration for LlamaForCausalLM without its weights: drop it together with the model's .safetensors files (and their index)",
      },
    ]);
  });

  test('a companion file alone is not weights', async () => {
    const r = await openGroup([jsonFile('tokenizer.json', {})]);
    expect(r.problems[0]!.message).toMatch(/tokenizer\.json: a Hugging Face companion file/);
  });

  test('an architecture Slimlab does not run is named, and the tensors still open', async () => {
    const r = await openGroup(withConfig({ ...CONFIG, architectures: ['GPT2LMHeadModel'] }));
    expect(r.models).toHaveLength(1);
    expect(r.models[0]!.info.tensors).toHaveLength(llamaTensors(EXPECTED).length);
    expect(r.problems).toEqual([
      {
        file: 'config.json',
        message:
          'config.json: architecture GPT2LMHeadModel is not one Slimlab runs yet (it runs LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM); the weight labs still work on its tensors',
      },
    ]);
    expect(() => lmConfigOf(r.models[0]!.info.metadata)).toThrow(/GPT2LMHeadModel is not one/);
  });

  test('Mistral runs as Llama without a sliding window, and is refused with one', async () => {
    const mistral = { ...CONFIG, architectures: ['MistralForCausalLM'], model_type: 'mistral' };
    const ok = await openGroup(withConfig({ ...mistral, sliding_window: null }));
    expect(ok.problems).toEqual([]);
    expect(lmConfigOf(ok.models[0]!.info.metadata)).toEqual(EXPECTED);
    const full = await metadataOf({ ...mistral, sliding_window: 128 });
    expect(hfLlamaConfigOf(full)).toEqual(EXPECTED);
    const windowed = await openGroup(withConfig({ ...mistral, sliding_window: 32 }));
    expect(windowed.models).toHaveLength(1);
    expect(windowed.problems[0]!.message).toMatch(
      /config\.json: MistralForCausalLM with a sliding window of 32 tokens \(shorter than its 128-token context\)/,
    );
  });

  test('rotary scaling and MLP biases are refused, each with its field', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [
        { rope_scaling: { rope_type: 'linear', factor: 2 } },
        /rope_scaling .*linear.* not supported/,
      ],
      [{ rope_parameters: { rope_type: 'llama3', rope_theta: 5e5 } }, /rope_parameters .*llama3/],
      [{ mlp_bias: true }, /mlp_bias is true/],
      [{ hidden_act: 'gelu' }, /hidden_act "gelu"/],
      [{ head_dim: 16 }, /head_dim 16 is not hidden_size \/ num_attention_heads = 8/],
      [{ hidden_size: undefined }, /config\.json: hidden_size is missing/],
      [{ num_attention_heads: 5 }, /dim 48 is not a multiple of the 5 heads/],
    ];
    for (const [change, message] of cases) {
      const metadata = await metadataOf({ ...CONFIG, ...change });
      expect(() => hfLlamaConfigOf(metadata)).toThrow(message);
    }
  });

  test("transformers 4's fields and LlamaConfig's defaults", async () => {
    const v4 = { ...CONFIG, rope_theta: 1e4, rope_scaling: null } as Record<string, unknown>;
    delete v4.rope_parameters;
    delete v4.num_key_value_heads;
    delete v4.tie_word_embeddings;
    const cfg = hfLlamaConfigOf(await metadataOf(v4))!;
    expect([cfg.ropeTheta, cfg.kvHeads, cfg.tiedEmbedding]).toEqual([1e4, 6, false]);
    const bare = { ...v4 };
    delete bare.rope_theta;
    expect(hfLlamaConfigOf(await metadataOf(bare))!.ropeTheta).toBe(10000);
    expect(hfLlamaConfigOf({ 'some.key': '1' })).toBeNull();
  });

  test('a config.json that is not a JSON object, or is too big, is a problem', async () => {
    const weights = SHARDS.map((f) => folderFile(f)).concat(
      folderFile('model.safetensors.index.json'),
    );
    const notJson = await openGroup([
      ...weights,
      bytesSource('config.json', new TextEncoder().encode('{ hidden_size: 48 ')),
    ]);
    expect(notJson.models).toHaveLength(1);
    expect(notJson.problems[0]!.message).toMatch(/^config\.json: is not JSON/);
    const big = await openGroup([...weights, bytesSource('config.json', new Uint8Array(2 << 20))]);
    expect(big.problems[0]!.message).toMatch(/config\.json: 2097152 bytes exceeds the 1048576/);
    const list = await openGroup([...weights, jsonFile('config.json', [1, 2])]);
    expect(list.problems[0]!.message).toBe('config.json: is not a JSON object');
  });
});

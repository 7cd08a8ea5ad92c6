// A Hugging Face model folder's config.json (and the other JSON files such a folder holds): read as
// JSON (never evaluated), carried in the model's metadata under `hf.*` keys, and turned into a
// `LlamaConfig` for the Llama family (LlamaForCausalLM, with or without attention biases;
// MistralForCausalLM without a sliding window; Qwen2ForCausalLM, Llama with q/k/v biases, without one).
import { checkLlamaConfig, type LlamaConfig } from '../core/lm/config.ts';
import { FormatError } from './errors.ts';
import { ggufLlamaConfigOf } from './gguf-llama.ts';
import { llamaConfigOf } from './llama2c.ts';
import type { ByteSource } from './source.ts';

/** A model's config.json is a few kilobytes; anything bigger than this is not one. */
const MAX_CONFIG_BYTES = 1 << 20;
/** Metadata key of each top-level field of config.json (strings as-is, the rest as JSON). */
const KEY = (field: string): string => `hf.${field}`;
/** Metadata key listing the folder's other files that travelled with the model. */
export const COMPANIONS_KEY = 'companion files';

const CONFIG = 'config.json';
/** Files of a Hugging Face folder that are not weights, taken along quietly. */
const COMPANIONS = [
  'generation_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'tokenizer.model',
];
const RUNS = ['LlamaForCausalLM', 'MistralForCausalLM', 'Qwen2ForCausalLM'];

const baseName = (name: string) => name.replace(/^.*[\\/]/, '');
export const isHfConfig = (name: string): boolean => baseName(name).toLowerCase() === CONFIG;
export const isHfCompanion = (name: string): boolean =>
  COMPANIONS.includes(baseName(name).toLowerCase());

/** config.json's fields as metadata (`hf.<field>`). Throws FormatError when it is not a JSON object. */
export async function readHfConfig(src: ByteSource): Promise<Record<string, string>> {
  if (src.size > MAX_CONFIG_BYTES) {
    throw new FormatError(
      src.name,
      'header-too-large',
      '',
      `${src.size} bytes exceeds the ${MAX_CONFIG_BYTES}-byte cap for a model configuration`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(await src.read(0, src.size)),
    );
  } catch (e) {
    throw new FormatError(src.name, 'bad-header', '', `is not JSON (${(e as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new FormatError(src.name, 'bad-header', '', 'is not a JSON object');
  return Object.fromEntries(
    Object.entries(json).map(([k, v]) => [KEY(k), typeof v === 'string' ? v : JSON.stringify(v)]),
  );
}

/** A field read back from the metadata (undefined when config.json has no such field). */
function field(metadata: Record<string, string>, name: string): unknown {
  const v = metadata[KEY(name)];
  if (v === undefined) return undefined;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}

/** Whether the metadata carries a config.json (as `readHfConfig` writes it). */
export const hasHfConfig = (metadata: Record<string, string>): boolean =>
  Object.keys(metadata).some((k) => k.startsWith('hf.'));

/** The architecture config.json names ('' when none). */
export function hfArchitecture(metadata: Record<string, string>): string {
  const a = field(metadata, 'architectures');
  return Array.isArray(a) ? a.map(String).join(', ') : typeof a === 'string' ? a : '';
}

/**
 * Why Slimlab does not run the model config.json describes, or null when its architecture is one it
 * runs. The weight labs work on any tensors, so this is a note, not a reason to refuse the files.
 */
export function hfArchitectureProblem(metadata: Record<string, string>): string | null {
  const arch = hfArchitecture(metadata);
  if (!arch)
    return `${CONFIG}: names no architecture, so Slimlab cannot tell which model it is; the weight labs still work on its tensors`;
  if (!RUNS.includes(arch))
    return `${CONFIG}: architecture ${arch} is not one Slimlab runs yet (it runs ${RUNS.join(', ')}); the weight labs still work on its tensors`;
  if (arch === 'MistralForCausalLM') {
    const w = field(metadata, 'sliding_window');
    const ctx = field(metadata, 'max_position_embeddings');
    if (w !== null && w !== undefined && !(typeof ctx === 'number' && Number(w) >= ctx))
      return `${CONFIG}: MistralForCausalLM with a sliding window of ${String(w)} tokens (shorter than its ${String(ctx)}-token context): Slimlab's attention has no window; the weight labs still work on its tensors`;
  }
  // Qwen2 carries a `sliding_window` size even when `use_sliding_window` leaves it off.
  if (arch === 'Qwen2ForCausalLM' && field(metadata, 'use_sliding_window') === true)
    return `${CONFIG}: Qwen2ForCausalLM with use_sliding_window: Slimlab's attention has no window; the weight labs still work on its tensors`;
  return null;
}

/** A positive integer field, or its default; throws when it is something else. */
function int(metadata: Record<string, string>, name: string, fallback?: number): number {
  const v = field(metadata, name) ?? fallback;
  if (v === undefined) throw new Error(`${CONFIG}: ${name} is missing`);
  if (!(typeof v === 'number' && Number.isInteger(v) && v > 0))
    throw new Error(`${CONFIG}: ${name} must be a positive integer, not ${JSON.stringify(v)}`);
  return v;
}

function positive(name: string, v: unknown): number {
  if (!(typeof v === 'number' && v > 0 && Number.isFinite(v)))
    throw new Error(`${CONFIG}: ${name} must be a positive number, not ${JSON.stringify(v)}`);
  return v;
}

/** The rotary base: `rope_theta` (transformers 4) or `rope_parameters` (transformers 5). */
function ropeThetaOf(metadata: Record<string, string>): number {
  const scaling = field(metadata, 'rope_scaling');
  if (scaling !== undefined && scaling !== null)
    throw new Error(
      `${CONFIG}: rope_scaling ${JSON.stringify(scaling)} is not supported (Slimlab's rotary embedding has no scaling)`,
    );
  const params = field(metadata, 'rope_parameters');
  if (params !== undefined && params !== null) {
    const p = params as { rope_type?: unknown; rope_theta?: unknown };
    if (typeof params !== 'object' || (p.rope_type ?? 'default') !== 'default')
      throw new Error(
        `${CONFIG}: rope_parameters ${JSON.stringify(params)} is not supported (Slimlab's rotary embedding has no scaling)`,
      );
    if (p.rope_theta !== undefined) return positive('rope_parameters.rope_theta', p.rope_theta);
  }
  // transformers' LlamaConfig default.
  return positive('rope_theta', field(metadata, 'rope_theta') ?? 10000);
}

/**
 * The Llama configuration config.json describes, or null when the metadata has no config.json.
 * Throws an Error saying why when it describes a model the forward pass cannot run (another
 * architecture, rotary scaling, MLP biases, another activation, a head size other than hidden/heads).
 * Defaults are those of transformers' LlamaConfig (Qwen2Config's differ only where config.json
 * files always say them). Qwen2 has q/k/v biases; Llama with `attention_bias` has q/k/v/o biases.
 */
export function hfLlamaConfigOf(metadata: Record<string, string>): LlamaConfig | null {
  if (!hasHfConfig(metadata)) return null;
  const arch = hfArchitectureProblem(metadata);
  if (arch) throw new Error(arch);
  if (field(metadata, 'mlp_bias') === true)
    throw new Error(`${CONFIG}: mlp_bias is true; Slimlab's MLP has no biases`);
  const qwen2 = hfArchitecture(metadata) === 'Qwen2ForCausalLM';
  const attentionBias = !qwen2 && field(metadata, 'attention_bias') === true;
  const act = field(metadata, 'hidden_act') ?? 'silu';
  if (act !== 'silu')
    throw new Error(`${CONFIG}: hidden_act ${JSON.stringify(act)}; Slimlab's MLP is SwiGLU (silu)`);
  const heads = int(metadata, 'num_attention_heads');
  const c: LlamaConfig = {
    dim: int(metadata, 'hidden_size'),
    hidden: int(metadata, 'intermediate_size'),
    layers: int(metadata, 'num_hidden_layers'),
    heads,
    kvHeads: int(metadata, 'num_key_value_heads', heads),
    vocab: int(metadata, 'vocab_size'),
    seqLen: int(metadata, 'max_position_embeddings', 2048),
    normEps: positive('rms_norm_eps', field(metadata, 'rms_norm_eps') ?? 1e-6),
    ropeTheta: ropeThetaOf(metadata),
    // transformers' Llama, Mistral and Qwen2 rotate the two halves of each head.
    rope: 'half',
    tiedEmbedding: field(metadata, 'tie_word_embeddings') === true,
    ...(qwen2 || attentionBias ? { qkvBias: true } : {}),
    ...(attentionBias ? { oBias: true } : {}),
  };
  const bad = checkLlamaConfig(c);
  if (bad) throw new Error(`${CONFIG}: ${bad}`);
  const hd = field(metadata, 'head_dim');
  if (hd !== undefined && hd !== null && hd !== c.dim / c.heads)
    throw new Error(
      `${CONFIG}: head_dim ${JSON.stringify(hd)} is not hidden_size / num_attention_heads = ${c.dim / c.heads}; Slimlab needs them equal`,
    );
  return c;
}

/**
 * A language model's configuration from its metadata, whichever source it came from (a llama2.c
 * header, a Hugging Face config.json, a GGUF's `<arch>.*` keys), or null when it has none. Throws
 * when config.json or the GGUF describes a model Slimlab cannot run, saying why. A GGUF's tensors
 * (llama.cpp's names) say whether its classifier is the embedding and which biases it has.
 */
export function lmConfigOf(
  metadata: Record<string, string>,
  tensors?: readonly { name: string; shape: number[] }[],
): LlamaConfig | null {
  return (
    llamaConfigOf(metadata) ?? hfLlamaConfigOf(metadata) ?? ggufLlamaConfigOf(metadata, tensors)
  );
}

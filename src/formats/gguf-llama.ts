// A GGUF file as a Llama-family language model, the way llama.cpp reads one: its configuration
// from the `<arch>.*` metadata, its tensors under llama.cpp's names (token_embd, blk.N.attn_q, …,
// output_norm, output) mapped to the Hugging Face names the engine uses, and its tokenizer from the
// `tokenizer.ggml.*` metadata. llama.cpp's converters store a llama model's q/k rows in the
// interleaved rotary layout (they permute HF's half-split rows back), while qwen2 keeps HF's rows
// and rotates halves (NEOX): so 'interleaved' for llama, 'half' for qwen2. The classifier is the
// token embedding when the file has no output.weight, as llama.cpp decides it.
import { checkLlamaConfig, type LlamaConfig } from '../core/lm/config.ts';
import { readGgufMetadata, type GgufValue } from './gguf.ts';
import { FormatError } from './errors.ts';
import { hfTokenizer } from './hf-tokenizer.ts';
import type { Llama2cTokenizer } from './llama2c-tokenizer.ts';
import type { ByteSource } from './source.ts';
import {
  checkVocab,
  MAX_TOKENIZER_BYTES,
  sentencePieceTokenizer,
  type Tokenizer,
} from './tokenizer.ts';

/** The GGUF architectures Slimlab runs, and each one's rotary layout. */
const RUNS: Record<string, LlamaConfig['rope']> = { llama: 'interleaved', qwen2: 'half' };

/** Whether the metadata is a GGUF file's (the reader writes its version first). */
export const isGguf = (metadata: Record<string, string>): boolean => 'GGUF.version' in metadata;

const LAYER = /^model\.layers\.(\d+)\.(.+)\.(weight|bias)$/;
const LAYER_NAMES: Record<string, string> = {
  input_layernorm: 'attn_norm',
  'self_attn.q_proj': 'attn_q',
  'self_attn.k_proj': 'attn_k',
  'self_attn.v_proj': 'attn_v',
  'self_attn.o_proj': 'attn_output',
  post_attention_layernorm: 'ffn_norm',
  'mlp.gate_proj': 'ffn_gate',
  'mlp.up_proj': 'ffn_up',
  'mlp.down_proj': 'ffn_down',
};
const TOP_NAMES: Record<string, string> = {
  'model.embed_tokens.weight': 'token_embd.weight',
  'model.norm.weight': 'output_norm.weight',
  'lm_head.weight': 'output.weight',
};

/** llama.cpp's name of the tensor the engine calls `hf` (unchanged when it has none). */
export function ggufTensorName(hf: string): string {
  const top = TOP_NAMES[hf];
  if (top) return top;
  const m = LAYER.exec(hf);
  const part = m ? LAYER_NAMES[m[2]!] : undefined;
  return m && part ? `blk.${m[1]}.${part}.${m[3]}` : hf;
}

/** The name under which a model's file holds the tensor the engine calls `hf`. */
export function lmTensorName(metadata: Record<string, string>): (hf: string) => string {
  return isGguf(metadata) ? ggufTensorName : (hf) => hf;
}

/** A metadata value as the GGUF reader wrote it (numbers as JSON), or undefined. */
function num(metadata: Record<string, string>, key: string): number | undefined {
  const v = metadata[key];
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : NaN;
}

/** Element count of a metadata array, kept whole (JSON) or summarised as "[N × type…". */
function arrayLength(metadata: Record<string, string>, key: string): number | undefined {
  const v = metadata[key];
  if (v === undefined) return undefined;
  const m = /^\[(\d+) × /.exec(v);
  if (m) return Number(m[1]);
  try {
    const a = JSON.parse(v) as unknown;
    return Array.isArray(a) ? a.length : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The configuration of a GGUF language model, or null when the metadata is not a GGUF's or names no
 * architecture (a file of tensors). Throws, saying why, for an architecture Slimlab does not run or
 * hyperparameters it cannot. `tensors` (the file's names) decides whether the classifier is the
 * embedding (no output.weight) and which attention biases it has (qwen2's q/k/v).
 */
export function ggufLlamaConfigOf(
  metadata: Record<string, string>,
  tensors?: readonly { name: string; shape: number[] }[],
): LlamaConfig | null {
  if (!isGguf(metadata)) return null;
  const arch = metadata['general.architecture'];
  if (arch === undefined) return null;
  const rope = RUNS[arch];
  if (!rope)
    throw new Error(
      `general.architecture is '${arch}': Slimlab runs GGUF language models of the ${Object.keys(RUNS).join(' and ')} architectures; the weight labs still work on its tensors`,
    );
  const int = (key: string, fallback?: number): number => {
    const v = num(metadata, `${arch}.${key}`) ?? fallback;
    if (v === undefined) throw new Error(`GGUF metadata ${arch}.${key} is missing`);
    if (!(Number.isInteger(v) && v > 0))
      throw new Error(
        `GGUF metadata ${arch}.${key} must be a positive integer, not ${metadata[`${arch}.${key}`]}`,
      );
    return v;
  };
  const real = (key: string, fallback: number): number => {
    const v = num(metadata, `${arch}.${key}`) ?? fallback;
    if (!(v > 0 && Number.isFinite(v)))
      throw new Error(
        `GGUF metadata ${arch}.${key} must be a positive number, not ${metadata[`${arch}.${key}`]}`,
      );
    return v;
  };
  const scaling = metadata[`${arch}.rope.scaling.type`];
  if (scaling !== undefined && scaling !== 'none')
    throw new Error(
      `GGUF metadata ${arch}.rope.scaling.type is '${scaling}': Slimlab's rotary embedding has no scaling`,
    );
  const heads = int('attention.head_count');
  const embd = tensors?.find((t) => t.name === 'token_embd.weight');
  const vocab =
    num(metadata, `${arch}.vocab_size`) ??
    arrayLength(metadata, 'tokenizer.ggml.tokens') ??
    embd?.shape[0];
  if (vocab === undefined)
    throw new Error(
      `GGUF metadata names no vocabulary size (${arch}.vocab_size, tokenizer.ggml.tokens)`,
    );
  const c: LlamaConfig = {
    dim: int('embedding_length'),
    hidden: int('feed_forward_length'),
    layers: int('block_count'),
    heads,
    kvHeads: int('attention.head_count_kv', heads),
    vocab,
    seqLen: int('context_length'),
    normEps: real('attention.layer_norm_rms_epsilon', 1e-5),
    ropeTheta: real('rope.freq_base', 10000),
    rope,
    tiedEmbedding: tensors ? !tensors.some((t) => t.name === 'output.weight') : false,
  };
  const bad = checkLlamaConfig(c);
  if (bad) throw new Error(`GGUF metadata: ${bad}`);
  const rot = num(metadata, `${arch}.rope.dimension_count`);
  if (rot !== undefined && rot !== c.dim / c.heads)
    throw new Error(
      `GGUF metadata ${arch}.rope.dimension_count is ${rot}: Slimlab rotates whole heads of ${c.dim / c.heads}`,
    );
  const kl = num(metadata, `${arch}.attention.key_length`);
  if (kl !== undefined && kl !== c.dim / c.heads)
    throw new Error(
      `GGUF metadata ${arch}.attention.key_length is ${kl}, not embedding_length / head_count = ${c.dim / c.heads}; Slimlab needs them equal`,
    );
  // Biases as llama.cpp's qwen2 (and Llama with attention_bias) files hold them; no others.
  const has = (part: string) => tensors?.some((t) => t.name === `blk.0.${part}.bias`) ?? false;
  const other = tensors?.find(
    (t) => t.name.endsWith('.bias') && !/^blk\.\d+\.attn_(q|k|v|output)\.bias$/.test(t.name),
  );
  if (other) throw new Error(`'${other.name}': a bias Slimlab's forward pass does not have`);
  if (has('attn_q')) c.qkvBias = true;
  if (has('attn_output')) c.oBias = true;
  return c;
}

// The tokenizer: the tokenizer.ggml.* arrays are read from the file itself (the model's metadata
// keeps only the first entries of long arrays).

type Value = GgufValue;

/** The tokenizer.ggml.* entries of a GGUF file, whole. */
const tokenizerMetadata = (src: ByteSource): Promise<Map<string, Value>> =>
  readGgufMetadata(src, (key) => key.startsWith('tokenizer.ggml.'), MAX_TOKENIZER_BYTES);

/** token_type values of llama.cpp's llama_token_type. */
const TYPE = { normal: 1, unknown: 2, control: 3, userDefined: 4, unused: 5, byte: 6 };

function strings(t: Map<string, Value>, key: string, file: string): string[] {
  const v = t.get(key);
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
    throw new FormatError(
      file,
      'bad-header',
      `metadata '${key}'`,
      'is missing or not an array of strings',
    );
  return v as string[];
}

function numbers(t: Map<string, Value>, key: string, n: number, file: string): number[] | null {
  const v = t.get(key);
  if (v === undefined) return null;
  if (!Array.isArray(v) || v.length !== n || v.some((x) => typeof x !== 'number'))
    throw new FormatError(
      file,
      'bad-header',
      `metadata '${key}'`,
      `must be ${n} numbers, one per token`,
    );
  return v as number[];
}

function id(t: Map<string, Value>, key: string): number | null {
  const v = t.get(key);
  return typeof v === 'number' ? v : null;
}

/** SentencePiece's vocabulary (tokenizer.ggml.model "llama") under llama2.c's rule. */
function sentencePiece(file: string, t: Map<string, Value>): Tokenizer {
  const tokens = strings(t, 'tokenizer.ggml.tokens', file);
  const scores = numbers(t, 'tokenizer.ggml.scores', tokens.length, file);
  if (!scores)
    throw new FormatError(file, 'bad-header', "metadata 'tokenizer.ggml.scores'", 'is missing');
  const types =
    numbers(t, 'tokenizer.ggml.token_type', tokens.length, file) ?? tokens.map(() => TYPE.normal);
  if (t.get('tokenizer.ggml.add_space_prefix') === false)
    throw new FormatError(
      file,
      'bad-header',
      "metadata 'tokenizer.ggml.add_space_prefix'",
      "is false: Slimlab's SentencePiece rule (llama2.c's) always puts the dummy space first",
    );
  // llama2.c's byte fallback writes byte b as id b + 3: the vocabulary must be laid out that way.
  for (let b = 0; b < 256; b++) {
    const want = `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;
    if (tokens[b + 3] !== want)
      throw new FormatError(
        file,
        'bad-header',
        "metadata 'tokenizer.ggml.tokens'",
        `token ${b + 3} is ${JSON.stringify(tokens[b + 3])}, not ${want}: Slimlab needs SentencePiece's byte tokens at ids 3 to 258`,
      );
  }
  const enc = new TextEncoder();
  // The .model file's "▁" is a space in llama2.c's tables.
  const pieces = tokens.map((s) => enc.encode(s.replaceAll('\u2581', ' ')));
  const keys = pieces.map((p) => String.fromCharCode(...p));
  const ids = new Map<string, number>();
  const silent = new Set<number>();
  keys.forEach((k, i) => {
    // Control, unknown and byte tokens are never spelled by the text: merges must not make them.
    if (types[i] === TYPE.control || types[i] === TYPE.unknown || types[i] === TYPE.unused)
      silent.add(i);
    else if (types[i] !== TYPE.byte && !ids.has(k)) ids.set(k, i);
  });
  const table: Llama2cTokenizer = {
    file,
    maxTokenLength: Math.max(...pieces.map((p) => p.length)),
    pieces,
    scores: Float32Array.from(scores),
    keys,
    ids,
  };
  const addBos = t.get('tokenizer.ggml.add_bos_token');
  const bos = addBos === false ? null : id(t, 'tokenizer.ggml.bos_token_id');
  return sentencePieceTokenizer(table, { bos, eos: id(t, 'tokenizer.ggml.eos_token_id') }, silent);
}

/** GPT-2 style pre-tokenizer regexes by tokenizer.ggml.pre (llama.cpp's names). */
const PRE: Record<string, string | null> = {
  default: null,
  gpt2: null,
  'llama-bpe':
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
  qwen2:
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
};

/** A byte-level BPE vocabulary (tokenizer.ggml.model "gpt2") as the tokenizer.json it came from. */
function byteLevel(file: string, t: Map<string, Value>): Tokenizer {
  const tokens = strings(t, 'tokenizer.ggml.tokens', file);
  const merges = strings(t, 'tokenizer.ggml.merges', file);
  const types =
    numbers(t, 'tokenizer.ggml.token_type', tokens.length, file) ?? tokens.map(() => TYPE.normal);
  const pre = t.get('tokenizer.ggml.pre') ?? 'default';
  if (typeof pre !== 'string' || !(pre in PRE))
    throw new FormatError(
      file,
      'bad-header',
      "metadata 'tokenizer.ggml.pre'",
      `is ${JSON.stringify(pre)}: Slimlab knows the pre-tokenizers ${Object.keys(PRE).join(', ')}`,
    );
  const regex = PRE[pre];
  const byteLevelStep = {
    type: 'ByteLevel',
    add_prefix_space: false,
    trim_offsets: false,
    use_regex: regex === null,
  };
  const json = {
    version: '1.0',
    added_tokens: tokens.flatMap((content, i) =>
      types[i] === TYPE.control || types[i] === TYPE.userDefined
        ? [
            {
              id: i,
              content,
              single_word: false,
              lstrip: false,
              rstrip: false,
              normalized: false,
              special: types[i] === TYPE.control,
            },
          ]
        : [],
    ),
    normalizer: null,
    pre_tokenizer:
      regex === null
        ? byteLevelStep
        : {
            type: 'Sequence',
            pretokenizers: [
              { type: 'Split', pattern: { Regex: regex }, behavior: 'Isolated', invert: false },
              byteLevelStep,
            ],
          },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      vocab: Object.fromEntries(tokens.map((s, i) => [s, i])),
      merges,
    },
  };
  const addBos = t.get('tokenizer.ggml.add_bos_token');
  return hfTokenizer(file, json, {
    bos: addBos === true ? id(t, 'tokenizer.ggml.bos_token_id') : null,
    eos: id(t, 'tokenizer.ggml.eos_token_id'),
  });
}

/** The tokenizer a GGUF file carries in its metadata, checked against the model's vocabulary. */
export async function openGgufTokenizer(src: ByteSource, vocab: number): Promise<Tokenizer> {
  const t = await tokenizerMetadata(src);
  const model = t.get('tokenizer.ggml.model');
  if (model === undefined)
    throw new FormatError(
      src.name,
      'bad-header',
      "metadata 'tokenizer.ggml.model'",
      'is missing: the file carries no tokenizer; choose a tokenizer.json or tokenizer.bin',
    );
  if (model === 'llama') return checkVocab(sentencePiece(src.name, t), vocab);
  if (model === 'gpt2') return checkVocab(byteLevel(src.name, t), vocab);
  throw new FormatError(
    src.name,
    'bad-header',
    "metadata 'tokenizer.ggml.model'",
    `is ${JSON.stringify(model)}: Slimlab reads the "llama" (SentencePiece) and "gpt2" (byte-level BPE) tokenizers of a GGUF`,
  );
}

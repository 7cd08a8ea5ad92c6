// llama2.c checkpoint reader (legacy version 0 of export.py, the layout run.c's memory_map_weights
// reads): 7 little-endian int32 — dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size
// (negative: the classifier is not shared), seq_len — then float32 arrays stacked over the layers.
// The format has no magic number, so a file is claimed only when its size is exactly what its header
// implies ('.bin' is also PyTorch's extension).
import { checkLlamaConfig, headDim, llamaTensors, type LlamaConfig } from '../core/lm/config.ts';
import { FormatError } from './errors.ts';
import type { FormatReader, ModelInfo, TensorInfo } from './model.ts';
import type { ByteSource } from './source.ts';

const HEADER_BYTES = 7 * 4;
const FIELDS = ['dim', 'hidden_dim', 'n_layers', 'n_heads', 'n_kv_heads', 'vocab_size', 'seq_len'];
/** Metadata keys under which the header travels (vocab_size keeps its sign). */
const KEY = (field: string): string => `llama2c.${field}`;

type Header = Record<(typeof FIELDS)[number], number>;
type Problem = {
  code: 'bad-header' | 'truncated' | 'size-mismatch';
  field: string;
  detail: string;
};

function readHeader(head: Uint8Array): Header {
  const v = new DataView(head.buffer, head.byteOffset, HEADER_BYTES);
  return Object.fromEntries(FIELDS.map((f, i) => [f, v.getInt32(i * 4, true)]));
}

function configOf(h: Header): LlamaConfig {
  return {
    dim: h.dim!,
    hidden: h.hidden_dim!,
    layers: h.n_layers!,
    heads: h.n_heads!,
    kvHeads: h.n_kv_heads!,
    vocab: Math.abs(h.vocab_size!),
    seqLen: h.seq_len!,
    // run.c: RMSNorm epsilon 1e-5, rotary base 10000, rotating pairs (2i, 2i+1) of each head.
    normEps: 1e-5,
    ropeTheta: 10000,
    rope: 'interleaved',
    // run.c: `shared_weights = vocab_size > 0`.
    tiedEmbedding: h.vocab_size! > 0,
  };
}

/** Element counts of the file's sections in file order, each `per` elements repeated `count` times. */
function sections(c: LlamaConfig): Array<{ name: string | null; per: number; count: number }> {
  const kvDim = c.kvHeads * headDim(c);
  const L = c.layers;
  const layer = (name: string, per: number) => ({ name, per, count: L });
  return [
    { name: 'model.embed_tokens.weight', per: c.vocab * c.dim, count: 1 },
    layer('input_layernorm', c.dim),
    layer('self_attn.q_proj', c.dim * c.dim),
    layer('self_attn.k_proj', kvDim * c.dim),
    layer('self_attn.v_proj', kvDim * c.dim),
    layer('self_attn.o_proj', c.dim * c.dim),
    layer('post_attention_layernorm', c.dim),
    layer('mlp.gate_proj', c.hidden * c.dim),
    layer('mlp.down_proj', c.dim * c.hidden),
    layer('mlp.up_proj', c.hidden * c.dim),
    { name: 'model.norm.weight', per: c.dim, count: 1 },
    // freq_cis_real and freq_cis_imag [seq_len, head_size / 2]: precomputed rotary tables, unused.
    { name: null, per: c.seqLen * headDim(c), count: 1 },
    ...(c.tiedEmbedding ? [] : [{ name: 'lm_head.weight', per: c.vocab * c.dim, count: 1 }]),
  ];
}

/** The file size the header implies (BigInt: int32 products can pass 2^53). */
function impliedBytes(c: LlamaConfig): bigint {
  let n = BigInt(HEADER_BYTES);
  for (const s of sections(c)) n += BigInt(s.per) * BigInt(s.count) * 4n;
  return n;
}

/** The configuration when the header is sound and the size agrees exactly, else what is wrong. */
function check(head: Uint8Array, size: number): LlamaConfig | Problem {
  if (size < HEADER_BYTES || head.byteLength < HEADER_BYTES) {
    return {
      code: 'truncated',
      field: 'header',
      detail: `not a llama2.c checkpoint: the file has ${size} bytes, the header alone needs ${HEADER_BYTES}`,
    };
  }
  const h = readHeader(head);
  for (const f of FIELDS) {
    if (h[f] === 0 || (h[f]! < 0 && f !== 'vocab_size')) {
      return {
        code: 'bad-header',
        field: f,
        detail: `not a llama2.c checkpoint: ${f} is ${h[f]}, must be positive`,
      };
    }
  }
  const c = configOf(h);
  const bad = checkLlamaConfig(c);
  if (bad)
    return { code: 'bad-header', field: 'header', detail: `not a llama2.c checkpoint: ${bad}` };
  const want = impliedBytes(c);
  if (want !== BigInt(size)) {
    return {
      code: want > BigInt(size) ? 'truncated' : 'size-mismatch',
      field: 'file size',
      detail: `not a llama2.c checkpoint: the header implies ${want} bytes, the file has ${size}`,
    };
  }
  return c;
}

function fits(head: Uint8Array, size: number): string | null {
  try {
    const r = check(head, size);
    return 'code' in r ? r.detail : null;
  } catch {
    return 'not a llama2.c checkpoint';
  }
}

/** Every tensor as a float32 view into the file, per layer, under Hugging Face's names. */
function tensorsOf(c: LlamaConfig): TensorInfo[] {
  const offsets = new Map<string, number>();
  let at = HEADER_BYTES;
  for (const s of sections(c)) {
    for (let l = 0; l < s.count; l++) {
      if (s.name !== null) {
        const name = s.count === 1 ? s.name : `model.layers.${l}.${s.name}.weight`;
        offsets.set(name, at + l * s.per * 4);
      }
    }
    at += s.per * s.count * 4;
  }
  return llamaTensors(c).map(({ name, shape }) => {
    const params = shape.reduce((a, b) => a * b, 1);
    return {
      name,
      dtype: 'F32',
      shape,
      params,
      offset: offsets.get(name)!,
      bytes: params * 4,
      littleEndian: true,
    };
  });
}

async function parse(src: ByteSource): Promise<ModelInfo> {
  const head = src.size >= HEADER_BYTES ? await src.read(0, HEADER_BYTES) : new Uint8Array(0);
  const r = check(head, src.size);
  if ('code' in r) throw new FormatError(src.name, r.code, r.field, r.detail);
  const h = readHeader(head);
  return {
    format: 'llama2c',
    file: src.name,
    fileBytes: src.size,
    tensors: tensorsOf(r),
    metadata: Object.fromEntries(FIELDS.map((f) => [KEY(f), String(h[f])])),
  };
}

/**
 * The model's configuration from a llama2.c checkpoint's metadata (as `parse` writes it), or null
 * when the metadata is not a sound llama2.c header.
 */
export function llamaConfigOf(metadata: Record<string, string>): LlamaConfig | null {
  const h: Header = {};
  for (const f of FIELDS) {
    const v = metadata[KEY(f)];
    if (v === undefined || !/^-?\d+$/.test(v)) return null;
    h[f] = Number(v);
  }
  if (FIELDS.some((f) => h[f] === 0 || (h[f]! < 0 && f !== 'vocab_size'))) return null;
  const c = configOf(h);
  return checkLlamaConfig(c) === null ? c : null;
}

export const llama2cReader: FormatReader = {
  format: 'llama2c',
  extensions: ['.bin'],
  // No magic number: the registry asks `fits` once every magic-number reader has declined.
  match: () => false,
  fits,
  parse,
};

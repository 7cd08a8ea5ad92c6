// The shape of a Llama-family language model, and the names of its tensors. One convention for
// every source (llama2.c checkpoints, Hugging Face folders, GGUF): Hugging Face's tensor names, with
// the rotary layout of the q/k rows said by `rope` (llama2.c rotates interleaved pairs, HF the two
// halves of each head), so that weights are used as stored.

export interface LlamaConfig {
  /** Model width (hidden size). */
  dim: number;
  /** Width of the SwiGLU MLP (intermediate size). */
  hidden: number;
  layers: number;
  /** Query heads, and key/value heads (grouped-query attention when fewer). */
  heads: number;
  kvHeads: number;
  vocab: number;
  /** Longest context the model was trained for. */
  seqLen: number;
  /** RMSNorm epsilon (llama2.c: 1e-5). */
  normEps: number;
  /** Rotary base (llama2.c: 10000). */
  ropeTheta: number;
  /** Which pairs of a head's dimensions rotate together: (2i, 2i+1), or (i, i + headDim/2). */
  rope: 'interleaved' | 'half';
  /** The classifier is the token embedding (no `lm_head.weight`). */
  tiedEmbedding: boolean;
  /**
   * The q, k and v projections add a bias (`*.self_attn.{q,k,v}_proj.bias`): Qwen2, and Llama with
   * `attention_bias`. Absent means none.
   */
  qkvBias?: boolean;
  /** The output projection adds a bias (`*.self_attn.o_proj.bias`): Llama with `attention_bias`. */
  oBias?: boolean;
}

export const headDim = (c: LlamaConfig): number => c.dim / c.heads;

/** Every tensor of the model with its shape ([out, in] for projections, as HF stores them). */
export function llamaTensors(c: LlamaConfig): Array<{ name: string; shape: number[] }> {
  const hd = headDim(c);
  const out: Array<{ name: string; shape: number[] }> = [
    { name: 'model.embed_tokens.weight', shape: [c.vocab, c.dim] },
  ];
  for (let l = 0; l < c.layers; l++) {
    const p = `model.layers.${l}`;
    out.push(
      { name: `${p}.input_layernorm.weight`, shape: [c.dim] },
      { name: `${p}.self_attn.q_proj.weight`, shape: [c.heads * hd, c.dim] },
      { name: `${p}.self_attn.k_proj.weight`, shape: [c.kvHeads * hd, c.dim] },
      { name: `${p}.self_attn.v_proj.weight`, shape: [c.kvHeads * hd, c.dim] },
      ...(c.qkvBias
        ? [
            { name: `${p}.self_attn.q_proj.bias`, shape: [c.heads * hd] },
            { name: `${p}.self_attn.k_proj.bias`, shape: [c.kvHeads * hd] },
            { name: `${p}.self_attn.v_proj.bias`, shape: [c.kvHeads * hd] },
          ]
        : []),
      { name: `${p}.self_attn.o_proj.weight`, shape: [c.dim, c.heads * hd] },
      ...(c.oBias ? [{ name: `${p}.self_attn.o_proj.bias`, shape: [c.dim] }] : []),
      { name: `${p}.post_attention_layernorm.weight`, shape: [c.dim] },
      { name: `${p}.mlp.gate_proj.weight`, shape: [c.hidden, c.dim] },
      { name: `${p}.mlp.up_proj.weight`, shape: [c.hidden, c.dim] },
      { name: `${p}.mlp.down_proj.weight`, shape: [c.dim, c.hidden] },
    );
  }
  out.push({ name: 'model.norm.weight', shape: [c.dim] });
  if (!c.tiedEmbedding) out.push({ name: 'lm_head.weight', shape: [c.vocab, c.dim] });
  return out;
}

/** What is wrong with a configuration, or null: every count positive, heads dividing evenly. */
export function checkLlamaConfig(c: LlamaConfig): string | null {
  for (const k of ['dim', 'hidden', 'layers', 'heads', 'kvHeads', 'vocab', 'seqLen'] as const)
    if (!(Number.isInteger(c[k]) && c[k] > 0))
      return `${k} must be a positive integer, not ${c[k]}`;
  if (c.dim % c.heads) return `dim ${c.dim} is not a multiple of the ${c.heads} heads`;
  if (c.heads % c.kvHeads)
    return `${c.heads} query heads do not share ${c.kvHeads} key/value heads`;
  if (headDim(c) % 2) return `head size ${headDim(c)} is odd: rotary embeddings need pairs`;
  return null;
}

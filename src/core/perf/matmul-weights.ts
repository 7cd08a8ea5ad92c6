// The matrix products of any model, read from its weight shapes alone: each 2-D weight a Linear
// [out, in], each 4-D weight a convolution [out, in/groups, kh, kw]. Without the model's graph this
// is what the pruning lab and the latency model can know of a dropped file; embedding tables are
// lookups, not products, and are left out.

export interface MatmulWeight {
  name: string;
  shape: number[];
  kind: 'linear' | 'conv';
  /** Output features (channels), and the reduction length: in for a Linear, in·kh·kw for a conv. */
  rows: number;
  cols: number;
}

/** What the shapes say about a model's products, and the weights left out (with why). */
export interface MatmulWeights {
  weights: MatmulWeight[];
  skipped: Array<{ name: string; why: string }>;
}

// Names of embedding tables across the formats Slimlab reads: Hugging Face (embed_tokens,
// word_embeddings), GPT-2 (wte, wpe), llama2.c (tok_embeddings), GGUF (token_embd).
const EMBEDDING = /embed|embd|(^|\.)wte\.|(^|\.)wpe\./i;

/**
 * The Linear and convolution weights among a model's float weights of rank ≥ 2 (the caller keeps
 * only float weights: integer tensors are indices, not products).
 */
export function matmulWeights(
  tensors: ReadonlyArray<{ name: string; shape: readonly number[]; params: number }>,
): MatmulWeights {
  const weights: MatmulWeight[] = [];
  const skipped: MatmulWeights['skipped'] = [];
  for (const t of tensors) {
    const rank = t.shape.length;
    if (EMBEDDING.test(t.name))
      skipped.push({ name: t.name, why: 'an embedding table (a lookup, not a product)' });
    else if (rank !== 2 && rank !== 4)
      skipped.push({ name: t.name, why: `rank ${rank}: neither a Linear (2-D) nor a conv (4-D)` });
    else if (t.params > 0) {
      const rows = t.shape[0]!;
      weights.push({
        name: t.name,
        shape: [...t.shape],
        kind: rank === 2 ? 'linear' : 'conv',
        rows,
        cols: t.params / rows,
      });
    }
  }
  return { weights, skipped };
}

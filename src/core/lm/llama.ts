// The Llama forward pass on the CPU in float32: teacher forcing over a whole window in one pass,
// and a key/value-cache step for generation that gives the same logits at each position. Weights
// are looked up by HF name (config.ts's `llamaTensors`) and used as stored; `cfg.rope` says how the
// q/k rows pair up for the rotary embedding. Optional hooks (hooks.ts) let a compression replace
// the block projections' matmuls, watch their inputs, and round the key/value cache; without them
// the plain path runs as before.
import { gqaAttention } from './attention.ts';
import { headDim, type LlamaConfig } from './config.ts';
import { KV_QMAX, roundRuns, type LlamaHooks } from './hooks.ts';
import { addBias, linear, rmsNorm, rope, swiglu } from './ops.ts';

export type { LlamaHooks } from './hooks.ts';

/** A tensor by HF name, float32, in the shape `llamaTensors` gives. */
export type LlamaWeights = (name: string) => Float32Array;

/** Generation state: how many positions are cached, and each layer's keys and values [seqLen, kvDim]. */
export interface LlamaState {
  pos: number;
  k: Float32Array[];
  v: Float32Array[];
}

function checkTokens(cfg: LlamaConfig, tokens: ArrayLike<number>): void {
  for (let t = 0; t < tokens.length; t++) {
    const id = tokens[t]!;
    if (!(Number.isInteger(id) && id >= 0 && id < cfg.vocab))
      throw new RangeError(`token ${t} is ${id}, outside the vocabulary of ${cfg.vocab}`);
  }
}

function embed(cfg: LlamaConfig, w: LlamaWeights, tokens: ArrayLike<number>): Float32Array {
  const table = w('model.embed_tokens.weight');
  const x = new Float32Array(tokens.length * cfg.dim);
  for (let t = 0; t < tokens.length; t++) {
    const o = tokens[t]! * cfg.dim;
    x.set(table.subarray(o, o + cfg.dim), t * cfg.dim);
  }
  return x;
}

function addInPlace(x: Float32Array, y: Float32Array): void {
  for (let i = 0; i < x.length; i++) x[i] = x[i]! + y[i]!;
}

/**
 * One decoder block on `rows` positions starting at `pos0`, updating the residual stream x in place;
 * the block's keys and values are written into the caches at rows pos0 … pos0 + rows − 1.
 */
function block(
  cfg: LlamaConfig,
  w: LlamaWeights,
  l: number,
  x: Float32Array,
  rows: number,
  pos0: number,
  kCache: Float32Array,
  vCache: Float32Array,
  hooks: LlamaHooks | undefined,
): void {
  const { dim, heads, kvHeads, hidden } = cfg;
  const hd = headDim(cfg);
  const kvDim = kvHeads * hd;
  const p = `model.layers.${l}`;
  const proj = (name: string, xin: Float32Array, inDim: number, outDim: number) => {
    const wn = `${p}.${name}.weight`;
    hooks?.observe?.(wn, xin, rows, inDim);
    return hooks?.project
      ? hooks.project(wn, xin, w(wn), rows, inDim, outDim)
      : linear(xin, w(wn), rows, inDim, outDim);
  };
  const h = rmsNorm(x, w(`${p}.input_layernorm.weight`), rows, dim, cfg.normEps);
  const q = proj('self_attn.q_proj', h, dim, heads * hd);
  const k = proj('self_attn.k_proj', h, dim, kvDim);
  const v = proj('self_attn.v_proj', h, dim, kvDim);
  if (cfg.qkvBias) {
    addBias(q, w(`${p}.self_attn.q_proj.bias`), rows);
    addBias(k, w(`${p}.self_attn.k_proj.bias`), rows);
    addBias(v, w(`${p}.self_attn.v_proj.bias`), rows);
  }
  rope(q, rows, heads, hd, pos0, cfg.ropeTheta, cfg.rope);
  rope(k, rows, kvHeads, hd, pos0, cfg.ropeTheta, cfg.rope);
  if (hooks?.kvCache) {
    // Rounded as written, so teacher forcing and generation attend to the same cached values.
    roundRuns(k, hd, KV_QMAX[hooks.kvCache]);
    roundRuns(v, hd, KV_QMAX[hooks.kvCache]);
  }
  kCache.set(k, pos0 * kvDim);
  vCache.set(v, pos0 * kvDim);
  const att = gqaAttention(q, kCache, vCache, { rows, pos0, heads, kvHeads, headDim: hd });
  const o = proj('self_attn.o_proj', att, heads * hd, dim);
  if (cfg.oBias) addBias(o, w(`${p}.self_attn.o_proj.bias`), rows);
  addInPlace(x, o);
  const h2 = rmsNorm(x, w(`${p}.post_attention_layernorm.weight`), rows, dim, cfg.normEps);
  const gate = proj('mlp.gate_proj', h2, dim, hidden);
  const up = proj('mlp.up_proj', h2, dim, hidden);
  addInPlace(x, proj('mlp.down_proj', swiglu(gate, up), hidden, dim));
}

function head(cfg: LlamaConfig, w: LlamaWeights, x: Float32Array, rows: number): Float32Array {
  const h = rmsNorm(x, w('model.norm.weight'), rows, cfg.dim, cfg.normEps);
  const cls = w(cfg.tiedEmbedding ? 'model.embed_tokens.weight' : 'lm_head.weight');
  return linear(h, cls, rows, cfg.dim, cfg.vocab);
}

function forward(
  cfg: LlamaConfig,
  w: LlamaWeights,
  tokens: ArrayLike<number>,
  pos0: number,
  k: Float32Array[],
  v: Float32Array[],
  hooks?: LlamaHooks,
): Float32Array {
  checkTokens(cfg, tokens);
  if (pos0 + tokens.length > cfg.seqLen)
    throw new RangeError(
      `positions ${pos0} … ${pos0 + tokens.length - 1} pass the model's context of ${cfg.seqLen}`,
    );
  const steps = forwardSteps(cfg, w, tokens, pos0, k, v, hooks);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** The forward pass one layer at a time: it yields after each layer, and returns the logits. */
function* forwardSteps(
  cfg: LlamaConfig,
  w: LlamaWeights,
  tokens: ArrayLike<number>,
  pos0: number,
  k: Float32Array[],
  v: Float32Array[],
  hooks?: LlamaHooks,
): Generator<void, Float32Array> {
  const x = embed(cfg, w, tokens);
  for (let l = 0; l < cfg.layers; l++) {
    block(cfg, w, l, x, tokens.length, pos0, k[l]!, v[l]!, hooks);
    yield;
  }
  return head(cfg, w, x, tokens.length);
}

/**
 * Logits [T, vocab] (row-major) of a window of T tokens at positions 0 … T − 1, in one pass with a
 * causal mask: row t is the model's prediction of token t + 1 given tokens 0 … t (teacher forcing).
 */
export function llamaLogits(
  cfg: LlamaConfig,
  weights: LlamaWeights,
  tokens: ArrayLike<number>,
  hooks?: LlamaHooks,
): Float32Array {
  const kvDim = cfg.kvHeads * headDim(cfg);
  const cache = () =>
    Array.from({ length: cfg.layers }, () => new Float32Array(tokens.length * kvDim));
  return forward(cfg, weights, tokens, 0, cache(), cache(), hooks);
}

/**
 * `llamaLogits` with `between()` awaited after each layer: the same logits, and a caller can let
 * other work (a cancel) in while a long window runs.
 */
export async function llamaLogitsInSteps(
  cfg: LlamaConfig,
  weights: LlamaWeights,
  tokens: ArrayLike<number>,
  between: () => Promise<void>,
  hooks?: LlamaHooks,
): Promise<Float32Array> {
  checkTokens(cfg, tokens);
  if (tokens.length > cfg.seqLen)
    throw new RangeError(
      `a window of ${tokens.length} tokens passes the model's context of ${cfg.seqLen}`,
    );
  const kvDim = cfg.kvHeads * headDim(cfg);
  const cache = () =>
    Array.from({ length: cfg.layers }, () => new Float32Array(tokens.length * kvDim));
  const steps = forwardSteps(cfg, weights, tokens, 0, cache(), cache(), hooks);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await between();
  }
}

/** An empty key/value cache for the model's full context (2 · layers · seqLen · kvDim floats). */
export function createLlamaState(cfg: LlamaConfig): LlamaState {
  const kvDim = cfg.kvHeads * headDim(cfg);
  const cache = () =>
    Array.from({ length: cfg.layers }, () => new Float32Array(cfg.seqLen * kvDim));
  return { pos: 0, k: cache(), v: cache() };
}

/**
 * Feeds one token at position `state.pos`, caches its keys and values, advances the state, and
 * returns the logits [vocab] for the next token: equal to row `pos` of `llamaLogits` on the tokens
 * fed so far.
 */
export function llamaStep(
  cfg: LlamaConfig,
  weights: LlamaWeights,
  state: LlamaState,
  token: number,
  hooks?: LlamaHooks,
): Float32Array {
  const logits = forward(cfg, weights, [token], state.pos, state.k, state.v, hooks);
  state.pos++;
  return logits;
}

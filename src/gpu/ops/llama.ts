// The Llama forward pass on the GPU: the same window pass as llamaLogitsInSteps in
// src/core/lm/llama.ts (teacher forcing over T tokens at positions 0 … T − 1 with a causal mask),
// with the model's weights uploaded once and every intermediate kept on the device; only the logits
// come back. Per layer: rms_norm, the q/k/v projections (the matmul chooser's kernel on HF's
// [out, in] weights with transB; cfg.qkvBias's biases, as Qwen2 has, added by the same pass), rope
// on q and k, gqa_attention, the o projection (with cfg.oBias's bias), a residual add, rms_norm,
// gate and up, swiglu, down and a second residual add; then the final norm and the classifier (the
// token embedding when tied). The token embedding and the classifier may pass one storage binding
// (a 32,000 × 2,048 table is 262 MB): they are split by rows into bindings, and each classifier
// part writes its own columns of the logits, put together on the CPU after the read-back.
import { checkLlamaConfig, headDim, type LlamaConfig } from '../../core/lm/config.ts';
import { chooseMatmul, type MatmulVariant } from '../../core/nn/matmul.ts';
import { readBack, storage } from '../buffers.ts';
import type { GpuContext } from '../device.ts';
import { encodeElementwise, OP } from '../kernels/elementwise.ts';
import { encodeGqaAttention, GQA_MAX_D } from '../kernels/gqa_attention.ts';
import { encodeMatmul } from '../kernels/matmul.ts';
import { encodeMatmulBlocked } from '../kernels/matmul_blocked.ts';
import { encodeMatvec } from '../kernels/matvec.ts';
import { encodeRmsNorm } from '../kernels/rms_norm.ts';
import { encodeRope } from '../kernels/rope.ts';
import { encodeSwiglu } from '../kernels/swiglu.ts';

/**
 * The model's tensors by HF name, float32 in the shapes `llamaTensors` gives (biases included where
 * the configuration has them): a map, or a lookup (core/lm/llama.ts's `LlamaWeights` fits).
 */
export type LlamaWeightSource =
  ReadonlyMap<string, Float32Array> | ((name: string) => Float32Array | undefined);

/** What the last `logits` call encoded: compute passes, buffer copies and queue submissions. */
export interface LlamaRunStats {
  tokens: number;
  dispatches: number;
  copies: number;
  submits: number;
}

/** The same variant wrappers as ops/matmul.ts: all take the same bindings and options. */
const ENCODERS: Record<MatmulVariant, typeof encodeMatvec> = {
  matvec: encodeMatvec,
  tiled: encodeMatmul,
  blocked: encodeMatmulBlocked,
};

const BLOCK_WEIGHTS = [
  'input_layernorm.weight',
  'self_attn.q_proj.weight',
  'self_attn.k_proj.weight',
  'self_attn.v_proj.weight',
  'self_attn.o_proj.weight',
  'post_attention_layernorm.weight',
  'mlp.gate_proj.weight',
  'mlp.up_proj.weight',
  'mlp.down_proj.weight',
] as const;

/** A [rows, cols] table split by rows into parts of at most `per` rows, one buffer each. */
interface RowParts {
  per: number;
  buffers: GPUBuffer[];
}

/**
 * A Llama model's weights on one device, and its forward pass over a window of tokens.
 *
 *     const g = new LlamaGpu(ctx, cfg, weights);   // uploads every tensor once
 *     const logits = await g.logits(tokens, between); // [T, vocab], as llamaLogitsInSteps
 *     g.upload(changedWeights);                    // same shapes: rewrites the buffers in place
 *     g.destroy();
 */
export class LlamaGpu {
  readonly cfg: LlamaConfig;
  /** Counts of the last `logits` call (informative: the passes a window costs). */
  lastRun: LlamaRunStats | null = null;
  private readonly ctx: GpuContext;
  private readonly hd: number;
  private readonly perBinding: number;
  /** Every block weight, norm and bias by HF name, each in one buffer. */
  private readonly tensors = new Map<string, GPUBuffer>();
  private embed: RowParts | null = null;
  private classifier: RowParts | null = null;
  private destroyed = false;

  constructor(ctx: GpuContext, cfg: LlamaConfig, weights: LlamaWeightSource) {
    const bad = checkLlamaConfig(cfg);
    if (bad) throw new RangeError(`LlamaGpu: ${bad}`);
    this.ctx = ctx;
    this.cfg = { ...cfg };
    this.hd = headDim(cfg);
    if (this.hd > GQA_MAX_D)
      throw new RangeError(`LlamaGpu: head size ${this.hd} is over the kernel's ${GQA_MAX_D}`);
    this.perBinding = Math.max(4, Math.min(ctx.maxBindingBytes, ctx.device.limits.maxBufferSize));
    this.upload(weights);
  }

  /**
   * Writes the weights to the device: the first call creates the buffers, later ones (the same
   * configuration, e.g. after the compressed weights changed) overwrite them in place. Call it
   * between `logits` calls, not during one: a pass still running would see the new weights from its
   * next layer on.
   */
  upload(weights: LlamaWeightSource): void {
    this.alive();
    const { cfg, hd } = this;
    const get = (name: string): Float32Array => {
      const w = typeof weights === 'function' ? weights(name) : weights.get(name);
      if (!w) throw new RangeError(`LlamaGpu: the weights have no tensor '${name}'`);
      return w;
    };
    const kvDim = cfg.kvHeads * hd;
    const sizes: Record<(typeof BLOCK_WEIGHTS)[number], number> = {
      'input_layernorm.weight': cfg.dim,
      'self_attn.q_proj.weight': cfg.heads * hd * cfg.dim,
      'self_attn.k_proj.weight': kvDim * cfg.dim,
      'self_attn.v_proj.weight': kvDim * cfg.dim,
      'self_attn.o_proj.weight': cfg.dim * cfg.heads * hd,
      'post_attention_layernorm.weight': cfg.dim,
      'mlp.gate_proj.weight': cfg.hidden * cfg.dim,
      'mlp.up_proj.weight': cfg.hidden * cfg.dim,
      'mlp.down_proj.weight': cfg.dim * cfg.hidden,
    };
    const biases: Array<[string, number]> = [];
    if (cfg.qkvBias)
      biases.push(
        ['self_attn.q_proj.bias', cfg.heads * hd],
        ['self_attn.k_proj.bias', kvDim],
        ['self_attn.v_proj.bias', kvDim],
      );
    if (cfg.oBias) biases.push(['self_attn.o_proj.bias', cfg.dim]);
    for (let l = 0; l < cfg.layers; l++) {
      const p = `model.layers.${l}`;
      for (const n of BLOCK_WEIGHTS) this.put(`${p}.${n}`, get(`${p}.${n}`), sizes[n]);
      for (const [n, size] of biases) this.put(`${p}.${n}`, get(`${p}.${n}`), size);
    }
    this.put('model.norm.weight', get('model.norm.weight'), cfg.dim);
    this.embed = this.putRows(
      this.embed,
      'model.embed_tokens.weight',
      get('model.embed_tokens.weight'),
    );
    this.classifier = cfg.tiedEmbedding
      ? null
      : this.putRows(this.classifier, 'lm_head.weight', get('lm_head.weight'));
  }

  /**
   * Logits [T, vocab] (row-major) of a window of T tokens at positions 0 … T − 1: row t predicts
   * token t + 1 from tokens 0 … t. The contract of llamaLogitsInSteps: `between()` is awaited after
   * each layer's commands are submitted (a rejection stops the pass and is passed on).
   */
  async logits(
    tokens: ArrayLike<number>,
    between: () => Promise<void> = () => Promise.resolve(),
  ): Promise<Float32Array> {
    this.alive();
    const { cfg, hd } = this;
    const { device } = this.ctx;
    const T = tokens.length;
    for (let t = 0; t < T; t++) {
      const id = tokens[t]!;
      if (!(Number.isInteger(id) && id >= 0 && id < cfg.vocab))
        throw new RangeError(`token ${t} is ${id}, outside the vocabulary of ${cfg.vocab}`);
    }
    if (T > cfg.seqLen)
      throw new RangeError(`a window of ${T} tokens passes the model's context of ${cfg.seqLen}`);
    const cls = this.classifier ?? this.embed!;
    const clsRows = Math.min(cls.per, cfg.vocab);
    if (T * clsRows * 4 > this.perBinding)
      throw new RangeError(
        `LlamaGpu: ${T} tokens × ${clsRows} vocabulary rows of logits pass one storage binding (${this.perBinding} bytes): use a shorter window`,
      );
    for (const [what, n] of [
      ['activations', T * cfg.dim],
      ['MLP activations', T * cfg.hidden],
    ] as const)
      if (n * 4 > this.perBinding)
        throw new RangeError(
          `LlamaGpu: the ${what} of ${T} tokens (${n * 4} bytes) pass one storage binding (${this.perBinding} bytes)`,
        );
    const stats: LlamaRunStats = { tokens: T, dispatches: 0, copies: 0, submits: 0 };
    if (T === 0) {
      for (let l = 0; l < cfg.layers; l++) await between();
      this.lastRun = stats;
      return new Float32Array(0);
    }
    const qDim = cfg.heads * hd;
    const kvDim = cfg.kvHeads * hd;
    const owned: GPUBuffer[] = [];
    const act = (floats: number) => {
      const b = storage(device, floats * 4);
      owned.push(b);
      return b;
    };
    let x = act(T * cfg.dim);
    let xNext = act(T * cfg.dim);
    const h = act(T * cfg.dim);
    const q = act(T * qDim);
    const k = act(T * kvDim);
    const v = act(T * kvDim);
    const att = act(T * qDim);
    const delta = act(T * cfg.dim);
    const gate = act(T * cfg.hidden);
    const up = act(T * cfg.hidden);
    const mlp = act(T * cfg.hidden);
    const keep = async (p: Promise<GPUBuffer[]>) => {
      owned.push(...(await p));
      stats.dispatches++;
    };
    const w = (name: string) => this.tensors.get(name) ?? null;
    const project = (
      enc: GPUCommandEncoder,
      a: GPUBuffer,
      weight: GPUBuffer,
      bias: GPUBuffer | null,
      c: GPUBuffer,
      inDim: number,
      outDim: number,
    ) =>
      keep(
        ENCODERS[chooseMatmul({ m: T, k: inDim, n: outDim })](
          device,
          enc,
          { a, b: weight, bias, c },
          T,
          inDim,
          outDim,
          { transB: true },
        ),
      );
    try {
      let enc = device.createCommandEncoder();
      const rowBytes = cfg.dim * 4;
      for (let t = 0; t < T; t++) {
        const id = tokens[t]!;
        const part = Math.floor(id / this.embed!.per);
        const row = id - part * this.embed!.per;
        enc.copyBufferToBuffer(
          this.embed!.buffers[part]!,
          row * rowBytes,
          x,
          t * rowBytes,
          rowBytes,
        );
        stats.copies++;
      }
      for (let l = 0; l < cfg.layers; l++) {
        const p = `model.layers.${l}`;
        const W = (n: string) => w(`${p}.${n}`)!;
        await keep(
          encodeRmsNorm(
            device,
            enc,
            { x, w: W('input_layernorm.weight'), y: h },
            T,
            cfg.dim,
            cfg.normEps,
          ),
        );
        await project(
          enc,
          h,
          W('self_attn.q_proj.weight'),
          w(`${p}.self_attn.q_proj.bias`),
          q,
          cfg.dim,
          qDim,
        );
        await project(
          enc,
          h,
          W('self_attn.k_proj.weight'),
          w(`${p}.self_attn.k_proj.bias`),
          k,
          cfg.dim,
          kvDim,
        );
        await project(
          enc,
          h,
          W('self_attn.v_proj.weight'),
          w(`${p}.self_attn.v_proj.bias`),
          v,
          cfg.dim,
          kvDim,
        );
        const rot = { rows: T, headDim: hd, pos0: 0, theta: cfg.ropeTheta, layout: cfg.rope };
        await keep(encodeRope(device, enc, q, { ...rot, heads: cfg.heads }));
        await keep(encodeRope(device, enc, k, { ...rot, heads: cfg.kvHeads }));
        await keep(
          encodeGqaAttention(
            device,
            enc,
            { q, k, v, out: att },
            { rows: T, pos0: 0, heads: cfg.heads, kvHeads: cfg.kvHeads, headDim: hd },
          ),
        );
        await project(
          enc,
          att,
          W('self_attn.o_proj.weight'),
          w(`${p}.self_attn.o_proj.bias`),
          delta,
          qDim,
          cfg.dim,
        );
        await keep(encodeElementwise(device, enc, OP.add, x, delta, xNext, T * cfg.dim));
        [x, xNext] = [xNext, x];
        await keep(
          encodeRmsNorm(
            device,
            enc,
            { x, w: W('post_attention_layernorm.weight'), y: h },
            T,
            cfg.dim,
            cfg.normEps,
          ),
        );
        await project(enc, h, W('mlp.gate_proj.weight'), null, gate, cfg.dim, cfg.hidden);
        await project(enc, h, W('mlp.up_proj.weight'), null, up, cfg.dim, cfg.hidden);
        await keep(encodeSwiglu(device, enc, { gate, up, y: mlp }, T * cfg.hidden));
        await project(enc, mlp, W('mlp.down_proj.weight'), null, delta, cfg.hidden, cfg.dim);
        await keep(encodeElementwise(device, enc, OP.add, x, delta, xNext, T * cfg.dim));
        [x, xNext] = [xNext, x];
        device.queue.submit([enc.finish()]);
        stats.submits++;
        await between();
        this.alive();
        enc = device.createCommandEncoder();
      }
      await keep(
        encodeRmsNorm(
          device,
          enc,
          { x, w: w('model.norm.weight')!, y: h },
          T,
          cfg.dim,
          cfg.normEps,
        ),
      );
      const outs: GPUBuffer[] = [];
      cls.buffers.forEach((b, i) => {
        const rows = Math.min(cls.per, cfg.vocab - i * cls.per);
        outs.push(act(T * rows));
      });
      for (let i = 0; i < outs.length; i++) {
        const rows = Math.min(cls.per, cfg.vocab - i * cls.per);
        await project(enc, h, cls.buffers[i]!, null, outs[i]!, cfg.dim, rows);
      }
      const parts = await readBack(device, enc, outs);
      stats.submits++;
      const logits = new Float32Array(T * cfg.vocab);
      if (parts.length === 1) logits.set(new Float32Array(parts[0]!, 0, T * cfg.vocab));
      else
        parts.forEach((bytes, i) => {
          const c0 = i * cls.per;
          const rows = Math.min(cls.per, cfg.vocab - c0);
          const part = new Float32Array(bytes, 0, T * rows);
          for (let t = 0; t < T; t++)
            logits.set(part.subarray(t * rows, (t + 1) * rows), t * cfg.vocab + c0);
        });
      this.lastRun = stats;
      return logits;
    } finally {
      // Buffers still in use by submitted work are freed by the implementation once it finishes.
      owned.forEach((b) => b.destroy());
    }
  }

  /** Frees every weight buffer; the object cannot be used afterwards. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.tensors.forEach((b) => b.destroy());
    this.tensors.clear();
    this.embed?.buffers.forEach((b) => b.destroy());
    this.classifier?.buffers.forEach((b) => b.destroy());
    this.embed = this.classifier = null;
  }

  private alive(): void {
    if (this.destroyed) throw new Error('LlamaGpu: used after destroy()');
  }

  /** One tensor in one buffer: created on first upload, overwritten after. */
  private put(name: string, w: Float32Array, size: number): void {
    if (w.length !== size)
      throw new RangeError(`LlamaGpu: '${name}' has ${w.length} values, want ${size}`);
    if (size * 4 > this.perBinding)
      throw new RangeError(
        `LlamaGpu: '${name}' takes ${size * 4} bytes, over this device's ${this.perBinding} per storage binding`,
      );
    let b = this.tensors.get(name);
    if (!b) {
      b = storage(this.ctx.device, size * 4);
      this.tensors.set(name, b);
    }
    this.ctx.device.queue.writeBuffer(b, 0, w, 0, size);
  }

  /** A [vocab, dim] table split into parts of as many rows as one binding holds. */
  private putRows(old: RowParts | null, name: string, w: Float32Array): RowParts {
    const { vocab, dim } = this.cfg;
    if (w.length !== vocab * dim)
      throw new RangeError(`LlamaGpu: '${name}' has ${w.length} values, want ${vocab} × ${dim}`);
    const per = Math.max(1, Math.min(vocab, Math.floor(this.perBinding / (dim * 4))));
    const parts = old ?? {
      per,
      buffers: Array.from({ length: Math.ceil(vocab / per) }, (_, i) =>
        storage(this.ctx.device, Math.min(per, vocab - i * per) * dim * 4),
      ),
    };
    parts.buffers.forEach((b, i) => {
      const r0 = i * parts.per;
      const rows = Math.min(parts.per, vocab - r0);
      this.ctx.device.queue.writeBuffer(b, 0, w, r0 * dim, rows * dim);
    });
    return parts;
  }
}

// A language model of the Llama family opened in the session: its configuration (from the
// checkpoint's own header or config), its weights as float32, its tokenizer, and the measurements
// the llama.cpp way (perplexity over windows; KL divergence, same top token and Δp against the base
// model on the same tokens) for a compressed copy of its weights.
import { checkLlamaConfig, llamaTensors, type LlamaConfig } from '../core/lm/config.ts';
import {
  createLlamaState,
  llamaLogitsInSteps,
  llamaStep,
  type LlamaHooks,
  type LlamaWeights,
} from '../core/lm/llama.ts';
import {
  activationRecorder,
  llmInt8Projection,
  w8a8Projection,
  type OutlierCounts,
} from '../core/lm/hooks.ts';
import { calibrate, type CalibrationMethod } from '../core/calib/calibrate.ts';
import { mulberry32 } from '../core/base/rng.ts';
import {
  compareLogits,
  nextTokenNll,
  summarize,
  windows,
  type Summary,
} from '../core/lm/metrics.ts';
import { lmConfigOf } from '../formats/hf-config.ts';
import { lmTensorName, isGguf, openGgufTokenizer } from '../formats/gguf-llama.ts';
import type { ByteSource } from '../formats/source.ts';
import { openTokenizer as openTokenizerFile, type Tokenizer } from '../formats/tokenizer.ts';
import { checkpoint } from './quantize.ts';
import { compressedWeights, type WeightCounts } from './lm-weights.ts';
import type { LmCompression } from './lm-compression.ts';
import type { Session } from './session.ts';

/** A calibration method from its text (minmax, ema:M, percentile:P, mse, kl[:BINS:LEVELS]). */
export { parseMethod as parseCalibrationMethod } from '../core/calib/calibrate.ts';

/**
 * A forward pass on another device (WebGPU): opened on a set of weights, then run a window at a time
 * with the same contract as `llamaLogitsInSteps`. Hooks (activations, a rounded key/value cache) run
 * on the CPU only, so a compression that has them is measured there.
 */
export interface LmDevice {
  /** Where it runs, as the status line names it. */
  label: string;
  open(
    cfg: LlamaConfig,
    weights: LlamaWeights,
  ): {
    logits(tokens: Int32Array, between: () => Promise<void>): Promise<Float32Array>;
    destroy(): void;
  };
}

export interface LanguageModel {
  cfg: LlamaConfig;
  weights: Map<string, Float32Array>;
}

/** The configuration of an open model, or a message saying why it is not a language model we run. */
export function lmConfig(session: Session, modelId: string): LlamaConfig {
  const m = session.summary(modelId);
  const cfg = lmConfigOf(m.metadata, m.tensors);
  if (!cfg)
    throw new Error(
      `${m.file}: not a language model Slimlab can run (a ${m.format} file without a Llama configuration); the weight labs still work on it`,
    );
  const bad = checkLlamaConfig(cfg);
  if (bad) throw new Error(`${m.file}: ${bad}`);
  const have = new Map(m.tensors.map((t) => [t.name, t.shape]));
  // The file's own names (a GGUF's are llama.cpp's); its readers report shapes outermost first.
  const stored = lmTensorName(m.metadata);
  for (const t of llamaTensors(cfg)) {
    const name = stored(t.name);
    const shape = have.get(name);
    if (!shape)
      throw new Error(`${m.file}: the configuration needs a tensor '${name}', which is missing`);
    if (shape.join(',') !== t.shape.join(','))
      throw new Error(
        `${m.file}: '${name}' is [${shape.join(', ')}], the configuration says [${t.shape.join(', ')}]`,
      );
  }
  return cfg;
}

/**
 * Every weight of the model read as float32 (a small model: all of it in memory), once while the
 * model is open: evaluations and generations after the first reuse them.
 */
export function openLanguageModel(session: Session, modelId: string): Promise<LanguageModel> {
  const load = async (): Promise<LanguageModel> => {
    const cfg = lmConfig(session, modelId);
    const weights = new Map<string, Float32Array>();
    const stored = lmTensorName(session.summary(modelId).metadata);
    for (const t of llamaTensors(cfg))
      weights.set(t.name, await session.readTensor(modelId, stored(t.name)));
    return { cfg, weights };
  };
  return session.memo(modelId, 'lm', load);
}

/** A token id config.json names (`bos_token_id`; a list's first), or null. */
function hfTokenId(metadata: Record<string, string>, key: string): number | null {
  const v = metadata[`hf.${key}`];
  if (v === undefined) return null;
  try {
    const x = JSON.parse(v) as unknown;
    const id = Array.isArray(x) ? x[0] : x;
    return typeof id === 'number' && Number.isInteger(id) ? id : null;
  } catch {
    return null;
  }
}

/** tokenizer_config.json of a Hugging Face folder, parsed, when it came with the model. */
async function tokenizerConfig(src: ByteSource | undefined): Promise<Record<string, unknown>> {
  if (!src || src.size > 1 << 20) return {};
  try {
    const j = JSON.parse(new TextDecoder().decode(await src.read(0, src.size))) as unknown;
    return typeof j === 'object' && j !== null && !Array.isArray(j)
      ? (j as Record<string, unknown>)
      : {};
  } catch {
    // Only the names of its special tokens are read from it: a broken one is left out.
    return {};
  }
}

/**
 * The model's tokenizer, checked against its vocabulary: the file the person chose (llama2.c's
 * tokenizer.bin or a tokenizer.json), else the model's own (a Hugging Face folder's tokenizer.json,
 * a GGUF's metadata), kept while the model is open. Throws, saying which file to choose, when the
 * model has none.
 */
export function openTokenizer(
  session: Session,
  modelId: string,
  cfg: LlamaConfig,
  chosen?: ByteSource,
): Promise<Tokenizer> {
  const m = session.summary(modelId);
  const hf = async () => ({
    bos: hfTokenId(m.metadata, 'bos_token_id'),
    eos: hfTokenId(m.metadata, 'eos_token_id'),
    config: await tokenizerConfig(session.modelFile(modelId, 'tokenizer_config.json')),
  });
  if (chosen) return hf().then((o) => openTokenizerFile(chosen, cfg.vocab, o));
  return session.memo(modelId, 'tokenizer', async () => {
    if (isGguf(m.metadata)) return openGgufTokenizer(session.modelFile(modelId)!, cfg.vocab);
    const own = session.modelFile(modelId, 'tokenizer.json');
    if (own) return openTokenizerFile(own, cfg.vocab, await hf());
    throw new Error(
      m.format === 'llama2c'
        ? `${m.file} holds no tokenizer: choose its tokenizer.bin (llama2.c's format, e.g. tok512.bin) or a tokenizer.json`
        : `${m.file} came without a tokenizer: drop the folder's tokenizer.json with the model, or choose its tokenizer.json or tokenizer.bin`,
    );
  });
}

export interface LmEvaluation {
  /** Tokens of the text (BOS included), tokens scored, the context of each window. */
  tokens: number;
  scored: number;
  ctx: number;
  /** Where the base model and the compressed one ran (a device's label, or 'CPU'). */
  on: { base: string; compressed: string | null };
  nllMean: number;
  ppl: number;
  /** Each token's loss (nats) under the base model, in text order; the first of each window NaN. */
  tokenLoss: Float32Array;
  /** The token ids, and each one's text (a byte token that is part of a character shows as �). */
  ids: Int32Array;
  pieces: string[];
  /** Against the base model, when a compression was asked for. */
  compressed:
    | ({
        ppl: number;
        lnPplRatio: number;
        kl: Summary;
        sameTopPct: number;
        dpRmsPct: number;
        /** Each token's KL (nats), in text order; the first of each window NaN. */
        tokenKl: Float32Array;
      } & CompressionNotes)
    | null;
}

/** What a compression did besides moving the logits, for display. */
export interface CompressionNotes {
  /** The weight parts' counts (sparsity, rank, bits per weight); null without weight parts. */
  weights: WeightCounts | null;
  /**
   * W8A8: the activation ranges, calibrated on the first `tokens` tokens of the text (BOS
   * included), which are scored like the others; the threshold T of each projection (scale T/127).
   */
  calibration: {
    tokens: number;
    method: CalibrationMethod;
    thresholds: Record<string, number>;
  } | null;
  /** LLM.int8(): the fraction of input features kept in float, overall and per projection. */
  int8Outliers: {
    threshold: number;
    fraction: number;
    byProjection: Record<string, number>;
  } | null;
}

/** A compressed model as the forward pass runs it: its weights and hooks, and what they did. */
interface CompressedModel {
  weights: LlamaWeights;
  hooks: LlamaHooks | undefined;
  notes: () => CompressionNotes;
}

/**
 * The model a compression makes: its weight parts applied (compressedWeights), the key/value cache
 * rounding, and the activations' hooks. W8A8 calibrates its ranges here by running `calibration`
 * (token ids, in windows of `ctx` from an empty cache) through the weight-compressed model with
 * float activations and recording each projection's input.
 */
async function compressedModel(
  lm: LanguageModel,
  c: LmCompression,
  calibration: Int32Array,
  ctx: number,
  signal?: AbortSignal,
): Promise<CompressedModel> {
  const hasWeights = c.weights !== null || c.prune !== null || c.lowRank !== null;
  const qw = hasWeights ? await compressedWeights(lm, c, signal) : null;
  const map = qw ?? lm.weights;
  const weights = (n: string) => map.get(n)!;
  const hooks: LlamaHooks = { kvCache: c.kvCache };
  let cal: CompressionNotes['calibration'] = null;
  let outliers: { threshold: number; counts: OutlierCounts } | null = null;
  const a = c.activations;
  if (a?.kind === 'w8a8') {
    const n = Math.min(a.calibrationTokens, calibration.length);
    if (!(Number.isInteger(a.calibrationTokens) && n >= 1))
      throw new Error(
        `W8A8 needs calibration tokens: ${a.calibrationTokens} asked, ${calibration.length} available`,
      );
    // Min-max and EMA read only each batch's extremes; the other methods need the values.
    const keep = a.method.kind === 'minmax' || a.method.kind === 'ema' ? 'extremes' : 'all';
    const rec = activationRecorder(keep);
    const between = () => checkpoint(signal);
    for (let s = 0; s < n; s += ctx) {
      await checkpoint(signal);
      const w = calibration.slice(s, Math.min(n, s + ctx));
      // The key/value cache as the compressed model rounds it, so the ranges see its activations.
      await llamaLogitsInSteps(lm.cfg, weights, w, between, {
        observe: rec.observe,
        kvCache: c.kvCache,
      });
    }
    const thresholds = new Map<string, number>();
    for (const [name, batches] of rec.batches)
      thresholds.set(name, calibrate(batches, a.method, 8).threshold);
    hooks.project = w8a8Projection(thresholds);
    cal = { tokens: n, method: a.method, thresholds: Object.fromEntries(thresholds) };
  } else if (a?.kind === 'llm.int8') {
    const m = llmInt8Projection(a.threshold);
    hooks.project = m.project;
    outliers = { threshold: a.threshold, counts: m.counts };
  }
  return {
    weights,
    hooks: hooks.project || hooks.kvCache ? hooks : undefined,
    notes: () => ({
      weights: qw?.counts ?? null,
      calibration: cal,
      int8Outliers: outliers && {
        threshold: outliers.threshold,
        fraction: outliers.counts.features ? outliers.counts.kept / outliers.counts.features : 0,
        byProjection: Object.fromEntries(
          [...outliers.counts.byProjection].map(([k, v]) => [k, v.kept / v.features]),
        ),
      },
    }),
  };
}

/**
 * Perplexity of the text under the model (tokenized once with BOS, cut into windows of `ctx`
 * tokens, each run from an empty cache; every token but the first of a window scored) and, with a
 * compression, the compressed model against the base on the same tokens. W8A8 calibrates on the
 * first `calibrationTokens` tokens of the same text; they are scored too (said in the result).
 */
export async function evaluateLm(
  lm: LanguageModel,
  tok: Tokenizer,
  text: string,
  ctx: number,
  compression: LmCompression | null,
  run: { signal?: AbortSignal; onProgress?: (f: number) => void; device?: LmDevice | null } = {},
): Promise<LmEvaluation> {
  const { cfg } = lm;
  if (!text.trim()) throw new Error('the text is empty: there is nothing to score');
  if (!(Number.isInteger(ctx) && ctx >= 2))
    throw new Error(`the context must be at least 2 tokens, not ${ctx}`);
  if (ctx > cfg.seqLen)
    throw new Error(`a context of ${ctx} tokens is longer than the model's ${cfg.seqLen}`);
  const ids = Int32Array.from(tok.encode(text, { bos: true }));
  const base = (n: string) => lm.weights.get(n)!;
  const q =
    compression && Object.values(compression).some((v) => v !== null)
      ? await compressedModel(lm, compression, ids, ctx, run.signal)
      : null;
  // The device runs the base model, and the compressed one when its compression is only weights.
  const dev = run.device;
  const onDevice = dev ? dev.open(cfg, base) : null;
  const qOnDevice = dev && q && !q.hooks ? dev.open(cfg, q.weights) : null;
  try {
    return await scoreWindows(lm, tok, ids, ctx, q, run, {
      base: onDevice
        ? (w, between) => onDevice.logits(w, between)
        : (w, between) => llamaLogitsInSteps(cfg, base, w, between),
      compressed: qOnDevice
        ? (w, between) => qOnDevice.logits(w, between)
        : q
          ? (w, between) => llamaLogitsInSteps(cfg, q.weights, w, between, q.hooks)
          : null,
      on: {
        base: onDevice ? dev!.label : 'CPU',
        compressed: q ? (qOnDevice ? dev!.label : 'CPU') : null,
      },
    });
  } finally {
    onDevice?.destroy();
    qOnDevice?.destroy();
  }
}

type Forward = (tokens: Int32Array, between: () => Promise<void>) => Promise<Float32Array>;

async function scoreWindows(
  lm: LanguageModel,
  tok: Tokenizer,
  ids: Int32Array,
  ctx: number,
  q: CompressedModel | null,
  run: { signal?: AbortSignal; onProgress?: (f: number) => void },
  f: { base: Forward; compressed: Forward | null; on: LmEvaluation['on'] },
): Promise<LmEvaluation> {
  const { cfg } = lm;
  const tokenLoss = new Float32Array(ids.length).fill(NaN);
  const tokenKl = new Float32Array(ids.length).fill(NaN);
  const kls: number[] = [];
  let nll = 0;
  let nllQ = 0;
  let same = 0;
  let dp2 = 0;
  let scored = 0;
  let at = 0;
  const cut = windows(ids, ctx);
  for (const [i, w] of cut.entries()) {
    await checkpoint(run.signal);
    const between = () => checkpoint(run.signal);
    const logits = await f.base(w, between);
    const l = nextTokenNll(logits, cfg.vocab, w);
    l.forEach((v, t) => {
      tokenLoss[at + t + 1] = v;
      nll += v;
    });
    if (q && f.compressed) {
      await checkpoint(run.signal);
      const ql = await f.compressed(w, between);
      const c = compareLogits(logits, ql, cfg.vocab, w);
      c.kl.forEach((v, t) => {
        tokenKl[at + t + 1] = v;
        kls.push(v);
      });
      same += c.sameTop * c.count;
      dp2 += c.dpRms ** 2 * c.count;
      nllQ += Math.log(c.ppl) * c.count;
    }
    scored += l.length;
    at += w.length;
    run.onProgress?.((i + 1) / cut.length);
  }
  return {
    tokens: ids.length,
    scored,
    ctx,
    on: f.on,
    nllMean: nll / scored,
    ppl: Math.exp(nll / scored),
    tokenLoss,
    ids,
    pieces: piecesOf(tok, ids),
    compressed: q
      ? {
          ppl: Math.exp(nllQ / scored),
          lnPplRatio: (nllQ - nll) / scored,
          kl: summarize(kls),
          sameTopPct: (100 * same) / scored,
          dpRmsPct: 100 * Math.sqrt(dp2 / scored),
          tokenKl,
          ...q.notes(),
        }
      : null,
  };
}

/**
 * The text of each token as the tokenizer decodes it after the token before (the first as if
 * after the start of text); the start and end of text are markers, not text: empty.
 */
export function piecesOf(tok: Tokenizer, ids: ArrayLike<number>): string[] {
  return Array.from(ids, (id, i) => tok.piece(i ? ids[i - 1]! : (tok.bos ?? -1), id));
}

export interface LmGeneration {
  prompt: string;
  /** The text generated after the prompt, and its token ids. */
  text: string;
  ids: number[];
}

export interface GenerateOptions {
  count: number;
  temperature: number;
  seed: number;
  signal?: AbortSignal;
}

/**
 * Text from a prompt: the prompt's tokens fed through the key/value cache, then `count` tokens, the
 * most likely one each time (temperature 0) or drawn from softmax(logits / temperature) with a
 * seeded generator; stops early at the end-of-text token or the model's context.
 */
export async function generateLm(
  lm: LanguageModel,
  tok: Tokenizer,
  prompt: string,
  o: GenerateOptions,
): Promise<LmGeneration> {
  const w = (n: string) => lm.weights.get(n)!;
  return generateWith(lm, tok, prompt, o, { weights: w, hooks: undefined });
}

/**
 * The base model and the compressed one from the same prompt, seed and temperature (compressed:
 * null without a compression). The compressed model uses its weights, its key/value cache rounding
 * and its activation hooks at every step; W8A8 calibrates its ranges on the prompt's tokens.
 */
export async function generateLmPair(
  lm: LanguageModel,
  tok: Tokenizer,
  prompt: string,
  compression: LmCompression | null,
  o: GenerateOptions,
): Promise<{ base: LmGeneration; compressed: LmGeneration | null }> {
  const base = await generateLm(lm, tok, prompt, o);
  if (!compression || !Object.values(compression).some((v) => v !== null))
    return { base, compressed: null };
  const feed = Int32Array.from(tok.encode(prompt, { bos: true }));
  const m = await compressedModel(lm, compression, feed, lm.cfg.seqLen, o.signal);
  return { base, compressed: await generateWith(lm, tok, prompt, o, m) };
}

async function generateWith(
  lm: LanguageModel,
  tok: Tokenizer,
  prompt: string,
  o: GenerateOptions,
  m: { weights: LlamaWeights; hooks: LlamaHooks | undefined },
): Promise<LmGeneration> {
  const { cfg } = lm;
  const w = m.weights;
  const state = createLlamaState(cfg);
  const feed = tok.encode(prompt, { bos: true });
  if (feed.length >= cfg.seqLen)
    throw new Error(`the prompt has ${feed.length} tokens; the model's context is ${cfg.seqLen}`);
  const rand = mulberry32(o.seed);
  let logits: Float32Array = new Float32Array(0);
  for (const t of feed) logits = llamaStep(cfg, w, state, t, m.hooks);
  const ids: number[] = [];
  while (ids.length < o.count && state.pos < cfg.seqLen) {
    if (ids.length % 8 === 0) await checkpoint(o.signal);
    const next = pick(logits, o.temperature, rand);
    if (next === tok.eos) break;
    ids.push(next);
    logits = llamaStep(cfg, w, state, next, m.hooks);
  }
  const all = tok.decode([...feed, ...ids]);
  const head = tok.decode(feed);
  return { prompt, text: all.startsWith(head) ? all.slice(head.length) : tok.decode(ids), ids };
}

function pick(logits: Float32Array, temperature: number, rand: () => number): number {
  let top = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[top]!) top = i;
  if (!(temperature > 0)) return top;
  let sum = 0;
  const p = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++)
    sum += p[i] = Math.exp((logits[i]! - logits[top]!) / temperature);
  let r = rand() * sum;
  for (let i = 0; i < p.length; i++) if ((r -= p[i]!) <= 0) return i;
  return top;
}

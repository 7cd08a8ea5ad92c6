// `slimlab eval` and `slimlab generate`: a language model (a llama2.c checkpoint with its
// tokenizer, a Hugging Face folder, a GGUF) run by the same engine jobs as the tab, on the CPU. Evaluation follows llama.cpp's
// measures; the weight flags are `slimlab quantize`'s, plus the activations (W8A8, LLM.int8()) and
// the key/value cache.
import { readFile } from 'node:fs/promises';
import { jobContext } from '../engine/jobs/context.ts';
import { parseCalibrationMethod } from '../engine/lm.ts';
import type { LmCompression, LmEvaluation } from '../engine/types.ts';
import { BadInput, oneLine, withModel, type Engine } from './engine.ts';
import { fileSource } from './file-source.ts';
import { sig } from './numbers.ts';
import { SPEC_FLAGS, specFromArgs } from './spec-flags.ts';
import type { Args, Command, Flag } from './table.ts';

const TOKENIZER: Flag = {
  name: 'tokenizer',
  type: 'string',
  arg: 'FILE',
  help: "the model's tokenizer: llama2.c's tokenizer.bin or a Hugging Face tokenizer.json (default: the model's own, a tokenizer.json given among MODEL... with config.json, or a GGUF's vocabulary)",
};

/** The quantize flags, with --dtype optional: without it there is no compression. */
const COMPRESSION = SPEC_FLAGS.filter(
  (f) => !['filter', 'json', 'memory', 'out'].includes(f.name),
).map((f) =>
  f.name === 'dtype'
    ? {
        ...f,
        required: false,
        help: `compare with the model quantized to this format: ${f.help.replace(/^number format: /, '')}`,
      }
    : f,
);

/**
 * Runs `work` with the --tokenizer file open, or with none (the engine then uses the model's own and
 * says so when it has none: that becomes a usage error naming --tokenizer).
 */
async function withTokenizer<T>(
  path: string | undefined,
  work: (t: Awaited<ReturnType<typeof fileSource>> | undefined) => Promise<T>,
) {
  if (path === undefined) {
    try {
      return await work(undefined);
    } catch (e) {
      const m = (e as Error).message;
      if (/holds no tokenizer|came without a tokenizer/.test(m))
        throw new BadInput(
          `${m.replace(/:.*$/, '')}; a language model needs its tokenizer: --tokenizer FILE (llama2.c's tokenizer.bin or a tokenizer.json), or its folder's tokenizer.json among MODEL...`,
        );
      throw e;
    }
  }
  let src;
  try {
    src = await fileSource(path);
  } catch (e) {
    throw new BadInput(
      `${path}: cannot be opened (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  try {
    return await work(src);
  } finally {
    await src.close();
  }
}

/** The activation and key/value cache flags of eval (and the tab's compression beyond weights). */
const LM_FLAGS: Flag[] = [
  {
    name: 'kv-cache',
    type: 'enum',
    arg: 'T',
    values: ['int8', 'int4'],
    help: 'keys and values stored rounded, symmetric per token and key/value head',
  },
  {
    name: 'w8a8',
    type: 'bool',
    help: "each block projection's input int8 per tensor (range calibrated on the text's first tokens), weights int8 per output channel",
  },
  {
    name: 'calibration',
    type: 'string',
    arg: 'M',
    default: 'minmax',
    help: 'W8A8 range method: minmax, ema:M, percentile:P, mse or kl[:BINS:LEVELS]',
  },
  {
    name: 'calibration-tokens',
    type: 'int',
    arg: 'N',
    min: 1,
    max: 1 << 20,
    default: '128',
    help: 'W8A8: the first N tokens of the text (BOS included) calibrate; they are scored too',
  },
  {
    name: 'llm-int8',
    type: 'num',
    arg: 'THRESHOLD',
    min: 0,
    max: 1e6,
    help: 'LLM.int8(): input features with |x| >= THRESHOLD (the paper: 6) in float, the rest int8',
  },
];

/** The compression the flags ask for, or null for the base model alone. */
function compressionFromArgs(a: Args): LmCompression | null {
  if (a.has('w8a8') && a.has('llm-int8'))
    throw new BadInput('--w8a8 and --llm-int8 both set the activations: choose one');
  for (const f of ['calibration', 'calibration-tokens'])
    if (a.has(f) && !a.has('w8a8')) throw new BadInput(`--${f} goes with --w8a8`);
  const threshold = a.num('llm-int8');
  if (threshold !== undefined && !(threshold > 0))
    throw new BadInput(`--llm-int8 takes a positive threshold, not ${threshold}`);
  let method;
  try {
    method = parseCalibrationMethod(a.text('calibration') ?? 'minmax');
  } catch (e) {
    throw new BadInput(`--calibration: ${(e as Error).message}`);
  }
  const c: LmCompression = {
    weights: a.has('dtype') ? specFromArgs(a).spec : null,
    prune: null,
    lowRank: null,
    activations: a.has('w8a8')
      ? { kind: 'w8a8', method, calibrationTokens: a.num('calibration-tokens') ?? 128 }
      : threshold !== undefined
        ? { kind: 'llm.int8', threshold }
        : null,
    kvCache: (a.text('kv-cache') as LmCompression['kvCache'] | undefined) ?? null,
  };
  return Object.values(c).some((v) => v !== null) ? c : null;
}

/** One JSON object: llama.cpp's names where it has them. */
export function evalJson(e: LmEvaluation) {
  const c = e.compressed;
  return {
    tokens: e.tokens,
    scored: e.scored,
    ctx: e.ctx,
    nll_mean: e.nllMean,
    ppl: e.ppl,
    ...(c
      ? {
          ppl_base: e.ppl,
          ppl_q: c.ppl,
          ln_ppl_ratio: c.lnPplRatio,
          kld_mean: c.kl.mean,
          kld_median: c.kl.median,
          kld_p90: c.kl.p90,
          kld_p99: c.kl.p99,
          kld_p99_9: c.kl.p99_9,
          kld_max: c.kl.max,
          same_top_pct: c.sameTopPct,
          dp_rms_pct: c.dpRmsPct,
          ...(c.calibration
            ? {
                calibration_tokens: c.calibration.tokens,
                calibration_thresholds: c.calibration.thresholds,
              }
            : {}),
          ...(c.int8Outliers
            ? {
                int8_outliers_pct: 100 * c.int8Outliers.fraction,
                int8_outliers_pct_by_projection: Object.fromEntries(
                  Object.entries(c.int8Outliers.byProjection).map(([k, v]) => [k, 100 * v]),
                ),
              }
            : {}),
        }
      : {}),
  };
}

async function runEval(a: Args, engine: Engine): Promise<ReturnType<typeof evalJson>> {
  const compression = compressionFromArgs(a);
  const textPath = a.text('text')!;
  let text: string;
  try {
    text = await readFile(textPath, 'utf8');
  } catch (e) {
    throw new BadInput(
      `${textPath}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  return withTokenizer(a.text('tokenizer'), (tokenizer) =>
    withModel(engine, a.positional, async (m) =>
      evalJson(
        await engine.run(
          'lmEval',
          { modelId: m.id, tokenizer, text, ctx: a.num('ctx') ?? 256, compression },
          jobContext(),
        ),
      ),
    ),
  );
}

export const evaluate: Command = {
  name: 'eval',
  synopsis: `MODEL... [--tokenizer FILE] --text FILE [--ctx N] [--json]
[--dtype T and the other flags of quantize] [--kv-cache int8|int4]
[--w8a8 [--calibration M] [--calibration-tokens N] | --llm-int8 THRESHOLD]`,
  summary: `perplexity of a language model on a text, the llama.cpp way: the text is tokenized
once (BOS first) and cut into consecutive windows of --ctx tokens (the last one shorter),
each run from an empty cache; every token but the first of a window is scored (llama.cpp
scores only each window's second half). With a compression (--dtype: the weights;
--kv-cache; --w8a8 or --llm-int8: the activations entering each block projection), the
compressed model is compared with the base on the same tokens: KL divergence (mean, median,
p90, p99, p99.9, max), same top token %, RMS of the change in the correct token's
probability, ln(PPL_q/PPL). W8A8 calibrates on the text's first --calibration-tokens tokens,
which are also scored; LLM.int8() reports the % of features kept in float`,
  positional: { min: 1, missing: 'eval needs MODEL...' },
  flags: [
    TOKENIZER,
    {
      name: 'text',
      type: 'string',
      arg: 'FILE',
      required: true,
      help: 'the text to score (UTF-8)',
    },
    {
      name: 'ctx',
      type: 'int',
      arg: 'N',
      min: 2,
      max: 1 << 20,
      default: '256',
      help: 'tokens per window',
    },
    { name: 'json', type: 'bool', help: 'one JSON object (tokens, scored, nll_mean, ppl, kld_…)' },
    ...COMPRESSION,
    ...LM_FLAGS,
  ],
  async run(a, { io, engine }) {
    try {
      const r = await runEval(a, engine);
      if (a.has('json')) io.out(JSON.stringify(r));
      else {
        io.out(
          `${r.tokens} tokens, ${r.scored} scored in windows of ${r.ctx}: PPL ${sig(r.ppl)} (mean NLL ${sig(r.nll_mean)})`,
        );
        if (r.ppl_q !== undefined)
          io.out(
            `compressed: PPL ${sig(r.ppl_q)}, ln(PPL_q/PPL) ${sig(r.ln_ppl_ratio!)}, KL mean ${sig(r.kld_mean!)} median ${sig(r.kld_median!)} p99 ${sig(r.kld_p99!)} max ${sig(r.kld_max!)}, same top ${r.same_top_pct!.toFixed(2)}%, Δp RMS ${r.dp_rms_pct!.toFixed(3)}%`,
          );
        if (r.calibration_tokens !== undefined)
          io.out(
            `W8A8 ranges calibrated on the first ${r.calibration_tokens} tokens (also scored)`,
          );
        if (r.int8_outliers_pct !== undefined)
          io.out(`LLM.int8(): ${r.int8_outliers_pct.toFixed(2)}% of input features kept in float`);
      }
      return 0;
    } catch (e) {
      io.err(oneLine(e));
      return e instanceof BadInput ? 2 : 1;
    }
  },
};

export const generate: Command = {
  name: 'generate',
  synopsis: `MODEL... [--tokenizer FILE] --prompt TEXT [--tokens N] [--temperature T] [--seed S]
[the compression flags of eval]`,
  summary: `text from a prompt (greedy at temperature 0, else sampled with the seed); with a
compression, the compressed model's text from the same prompt, seed and temperature follows
(W8A8 calibrates on the prompt's tokens)`,
  positional: { min: 1, missing: 'generate needs MODEL...' },
  flags: [
    TOKENIZER,
    { name: 'prompt', type: 'string', arg: 'TEXT', required: true, help: 'the start of the text' },
    {
      name: 'tokens',
      type: 'int',
      arg: 'N',
      min: 1,
      max: 1 << 16,
      default: '64',
      help: 'tokens to generate at most',
    },
    {
      name: 'temperature',
      type: 'num',
      arg: 'T',
      min: 0,
      max: 100,
      default: '0',
      help: '0: the most likely token each time',
    },
    {
      name: 'seed',
      type: 'int',
      arg: 'S',
      min: 0,
      max: 2 ** 31 - 1,
      default: '1',
      help: 'seed of the sampling',
    },
    ...COMPRESSION,
    ...LM_FLAGS,
  ],
  async run(a, { io, engine }) {
    try {
      const compression = compressionFromArgs(a);
      const g = await withTokenizer(a.text('tokenizer'), (tokenizer) =>
        withModel(engine, a.positional, async (m) =>
          engine.run(
            'lmGenerate',
            {
              modelId: m.id,
              tokenizer,
              prompt: a.text('prompt')!,
              tokens: a.num('tokens') ?? 64,
              temperature: a.num('temperature') ?? 0,
              seed: a.num('seed') ?? 1,
              compression,
            },
            jobContext(),
          ),
        ),
      );
      if (!g.compressed) io.out(g.base.prompt + g.base.text);
      else {
        io.out(`base: ${g.base.prompt + g.base.text}`);
        io.out(`compressed: ${g.compressed.prompt + g.compressed.text}`);
      }
      return 0;
    } catch (e) {
      io.err(oneLine(e));
      return e instanceof BadInput ? 2 : 1;
    }
  },
};

// `slimlab eval` and `slimlab generate`: a language model (a llama2.c checkpoint with its
// tokenizer) run by the same engine jobs as the tab, on the CPU. Evaluation follows llama.cpp's
// measures; the compression flags are `slimlab quantize`'s.
import { readFile } from 'node:fs/promises';
import { jobContext } from '../engine/jobs/context.ts';
import type { LmEvaluation, QuantSpec } from '../engine/types.ts';
import { BadInput, oneLine, withModel, type Engine } from './engine.ts';
import { fileSource } from './file-source.ts';
import { SPEC_FLAGS, specFromArgs } from './spec-flags.ts';
import type { Args, Command, Flag } from './table.ts';

const TOKENIZER: Flag = {
  name: 'tokenizer',
  type: 'string',
  arg: 'FILE',
  required: true,
  missing: 'a language model needs its tokenizer: --tokenizer FILE (llama2.c tokenizer.bin)',
  help: "the model's tokenizer (llama2.c format)",
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

async function withTokenizer<T>(
  path: string,
  work: (t: Awaited<ReturnType<typeof fileSource>>) => Promise<T>,
) {
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
        }
      : {}),
  };
}

async function runEval(a: Args, engine: Engine): Promise<ReturnType<typeof evalJson>> {
  const spec: QuantSpec | null = a.has('dtype') ? specFromArgs(a).spec : null;
  const textPath = a.text('text')!;
  let text: string;
  try {
    text = await readFile(textPath, 'utf8');
  } catch (e) {
    throw new BadInput(
      `${textPath}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  return withTokenizer(a.text('tokenizer')!, (tokenizer) =>
    withModel(engine, a.positional, async (m) =>
      evalJson(
        await engine.run(
          'lmEval',
          { modelId: m.id, tokenizer, text, ctx: a.num('ctx') ?? 256, spec },
          jobContext(),
        ),
      ),
    ),
  );
}

export const evaluate: Command = {
  name: 'eval',
  synopsis: `MODEL... --tokenizer FILE --text FILE [--ctx N] [--json]
[--dtype T and the other flags of quantize]`,
  summary: `perplexity of a language model on a text, the llama.cpp way: the text is tokenized
once (BOS first) and cut into windows of --ctx tokens, each run from an empty cache; every
token but the first of a window is scored. With --dtype, the model quantized that way is
compared with the base on the same tokens: KL divergence (mean, median, p90, p99, p99.9,
max), same top token %, RMS of the change in the correct token's probability, ln(PPL_q/PPL)`,
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
  ],
  async run(a, { io, engine }) {
    try {
      const r = await runEval(a, engine);
      if (a.has('json')) io.out(JSON.stringify(r));
      else {
        io.out(
          `${r.tokens} tokens, ${r.scored} scored in windows of ${r.ctx}: PPL ${r.ppl.toFixed(4)} (mean NLL ${r.nll_mean.toFixed(4)})`,
        );
        if (r.ppl_q !== undefined)
          io.out(
            `quantized: PPL ${r.ppl_q.toFixed(4)}, ln(PPL_q/PPL) ${r.ln_ppl_ratio!.toFixed(4)}, KL mean ${r.kld_mean!.toExponential(3)} median ${r.kld_median!.toExponential(3)} p99 ${r.kld_p99!.toExponential(3)} max ${r.kld_max!.toExponential(3)}, same top ${r.same_top_pct!.toFixed(2)}%, Δp RMS ${r.dp_rms_pct!.toFixed(3)}%`,
          );
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
  synopsis: 'MODEL... --tokenizer FILE --prompt TEXT [--tokens N] [--temperature T] [--seed S]',
  summary: `text from a prompt (greedy at temperature 0, else sampled with the seed)`,
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
  ],
  async run(a, { io, engine }) {
    try {
      const g = await withTokenizer(a.text('tokenizer')!, (tokenizer) =>
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
            },
            jobContext(),
          ),
        ),
      );
      io.out(g.prompt + g.text);
      return 0;
    } catch (e) {
      io.err(oneLine(e));
      return e instanceof BadInput ? 2 : 1;
    }
  },
};

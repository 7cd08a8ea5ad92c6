// Evaluating and running the open language model: the text (the default fetched once), the
// tokenizer (a demo's, fetched from its URL; or a file the person chose, kept here and not in the
// store, which holds summaries only), perplexity with the compressed model compared, generation by
// both, and each weight's cost measured by KL on the text (a ranking, and the planner's candidates).
import type { ModelSummary } from '../../engine/types.ts';
import { client, notify, startJob } from '../jobs/actions.ts';
import { quantSpecOf } from '../settings/slice.ts';
import { lmCompressionOf } from './compression.ts';
import { useStore } from '../store.ts';

/** The tokenizer file (tokenizer.bin or tokenizer.json) chosen for a model, in place of its own. */
let chosen: { modelId: string; file: File } | null = null;
/** Tokenizers fetched from a demo's URL, each once. */
const fetched = new Map<string, Promise<File>>();
let textLoading = false;
/** llama2.c's (SentencePiece's) start and end of text. */

async function fetchFile(url: string): Promise<File> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: the server answered ${r.status}`);
  return new File([await r.blob()], url.replace(/^.*\//, ''));
}

/** Keeps a tokenizer file for the model shown. */
export function chooseTokenizer(file: File): void {
  const model = useStore.getState().model;
  if (!model) return;
  chosen = { modelId: model.id, file };
  useStore.setState({ lmTokenizer: { modelId: model.id, name: file.name } });
}

/**
 * The tokenizer a model brings itself, named (a Hugging Face folder's tokenizer.json dropped with
 * it, a GGUF's vocabulary in its metadata), or null when it needs a file (a llama2.c checkpoint).
 */
export function ownTokenizer(model: ModelSummary): string | null {
  if (model.format === 'gguf' && model.metadata['tokenizer.ggml.model'] !== undefined)
    return "the GGUF's own vocabulary";
  const companions = (model.metadata['companion files'] ?? '').split(', ');
  return companions.some((f) => f.toLowerCase() === 'tokenizer.json')
    ? "the folder's tokenizer.json"
    : null;
}

/**
 * The tokenizer of a model: the one chosen for it, else the model's own (undefined: the engine
 * opens it), else the demo's (`url`). Without any, or when the demo's does not arrive, the person
 * is told what to do and the answer is null.
 */
async function tokenizerFor(model: ModelSummary, url?: string): Promise<File | undefined | null> {
  const file = model.file;
  if (chosen?.modelId === model.id) return chosen.file;
  if (ownTokenizer(model)) return undefined;
  if (!url) {
    notify(
      'info',
      model.format === 'llama2c'
        ? `${file} holds no tokenizer: choose its tokenizer.bin (llama2.c's format, e.g. tok512.bin) or a tokenizer.json with "Tokenizer file…" first.`
        : `${file} came without a tokenizer: drop the folder's tokenizer.json with the model, or choose its tokenizer.json or tokenizer.bin with "Tokenizer file…" first.`,
    );
    return null;
  }
  let f = fetched.get(url);
  if (!f) {
    f = fetchFile(url);
    fetched.set(url, f);
  }
  try {
    return await f;
  } catch (e) {
    fetched.delete(url);
    notify('error', `Could not fetch the tokenizer of ${file}: ${(e as Error).message}`);
    return null;
  }
}

/** Fills the text with the default one, once (a failure leaves it empty for the person to type). */
export async function loadDefaultText(url: string): Promise<void> {
  if (useStore.getState().lmText !== null || textLoading) return;
  textLoading = true;
  try {
    const r = await fetch(url);
    if (!r.ok) throw new Error(`the server answered ${r.status}`);
    const text = await r.text();
    if (useStore.getState().lmText === null) useStore.setState({ lmText: text });
  } catch (e) {
    notify('info', `The default text did not load (${(e as Error).message}): type or paste one.`);
    if (useStore.getState().lmText === null) useStore.setState({ lmText: '' });
  } finally {
    textLoading = false;
  }
}

export function setLmText(text: string): void {
  useStore.setState({ lmText: text });
}

/**
 * Whether a model is one the language-model jobs run (as the panel decides when it shows): the
 * planner offers to measure by KL only then.
 */
export const isLanguageModel = (m: Pick<ModelSummary, 'languageModel'> | null): boolean =>
  Boolean(m?.languageModel);

/** The demo tokenizer's URL of each model, as its panel last gave it (the planner has none). */
const tokenizerUrls = new Map<string, string>();

/** Remembers the demo's tokenizer URL of a model, for actions started outside its panel. */
export function noteTokenizerUrl(modelId: string | undefined, url: string | undefined): void {
  if (modelId && url) tokenizerUrls.set(modelId, url);
}

/** What every job on the text needs: the model, its tokenizer, the text; null (told why) if not. */
async function textInputs(tokenizerUrl?: string) {
  const { model, lmText } = useStore.getState();
  if (!model) return null;
  const text = lmText ?? '';
  if (!text.trim()) {
    notify('info', 'The text is empty: type or paste a text to evaluate.');
    return null;
  }
  noteTokenizerUrl(model.id, tokenizerUrl);
  const tokenizer = await tokenizerFor(model, tokenizerUrl);
  return tokenizer !== null ? { model, tokenizer, text } : null;
}

/**
 * Perplexity of the text under the model shown, windows of the chosen context; when anything is
 * compressed (the settings' LmCompression), the compressed model against it token by token.
 * `tokenizerUrl`: the demo's tokenizer.
 */
export async function evaluateText(tokenizerUrl?: string): Promise<void> {
  const inputs = await textInputs(tokenizerUrl);
  if (!inputs) return;
  const { model, tokenizer, text } = inputs;
  const { settings } = useStore.getState();
  const compression = lmCompressionOf(settings);
  const req = { modelId: model.id, tokenizer, text, ctx: settings.lmCtx, compression };
  const r = await startJob(
    `Evaluating ${model.file} on the text`,
    {
      cancelled: 'Language model evaluation cancelled',
      failed: (m) => `Language model evaluation failed: ${m}`,
    },
    (opts) => client().run('lmEval', req, opts),
  );
  if (!r) return;
  // The ids are not kept: each token's text is.
  const { ids: _ids, ...scores } = r;
  useStore.setState({ lmScores: { ...scores, modelId: model.id, compression } });
}

export interface GenerateOptions {
  prompt: string;
  tokens: number;
  temperature: number;
  seed: number;
}

/**
 * Text from a prompt by the base model (greedy at temperature 0) and, when the settings compress
 * anything, by the compressed model with the same prompt, seed and temperature.
 */
export async function generateText(o: GenerateOptions, tokenizerUrl?: string): Promise<void> {
  const model = useStore.getState().model;
  if (!model) return;
  noteTokenizerUrl(model.id, tokenizerUrl);
  const tokenizer = await tokenizerFor(model, tokenizerUrl);
  if (tokenizer === null) return;
  const compression = lmCompressionOf(useStore.getState().settings);
  const r = await startJob(
    `Generating ${o.tokens} tokens with ${model.file}${compression ? ', base and compressed' : ''}`,
    { cancelled: 'Generation cancelled', failed: (m) => `Generation failed: ${m}` },
    (opts) => client().run('lmGenerate', { modelId: model.id, tokenizer, ...o, compression }, opts),
  );
  if (!r) return;
  const { prompt: _p, ...kept } = o;
  useStore.setState({
    lmGeneration: {
      ...kept,
      modelId: model.id,
      compression,
      base: r.base,
      compressed: r.compressed,
    },
  });
}

/**
 * Each weight quantized alone with the tensor panel's scheme (the rest of the model in float), the
 * text scored, and the weights ranked by how far that moves the next-token distributions (KL).
 */
export async function rankTensorsByKl(tokenizerUrl?: string): Promise<void> {
  const inputs = await textInputs(tokenizerUrl);
  if (!inputs) return;
  const { model, tokenizer, text } = inputs;
  const { settings } = useStore.getState();
  const spec = quantSpecOf(settings);
  const ctx = settings.lmCtx;
  const r = await startJob(
    `Quantizing each weight of ${model.file} alone and scoring the text`,
    {
      cancelled: 'Ranking by KL cancelled',
      failed: (m) => `Ranking by KL failed: ${m}`,
    },
    (opts) =>
      client().run('lmSensitivity', { modelId: model.id, tokenizer, text, ctx, spec }, opts),
  );
  if (r)
    useStore.setState({
      lmSensitivity: { modelId: model.id, spec, ctx, text, rows: r.rows, scored: r.scored },
    });
}

/**
 * The planner's candidates for a language model: each weight at each bit width, its cost the KL
 * it causes on the text (the tensor panel's scheme otherwise).
 */
export async function measureLmPlanOptions(): Promise<void> {
  const modelId = useStore.getState().model?.id;
  const inputs = await textInputs(modelId ? tokenizerUrls.get(modelId) : undefined);
  if (!inputs) return;
  const { model, tokenizer, text } = inputs;
  const { settings } = useStore.getState();
  const spec = quantSpecOf(settings);
  const ctx = settings.lmCtx;
  const r = await startJob(
    `Measuring every weight of ${model.file} at 2 to 8 bits by KL on the text`,
    { cancelled: 'Planning cancelled', failed: (m) => `Planning failed: ${m}` },
    (opts) =>
      client().run('lmPlanOptions', { modelId: model.id, tokenizer, text, ctx, spec }, opts),
  );
  if (r)
    useStore.setState({
      planOptions: { modelId: model.id, spec, tensors: r.tensors, measure: r.measure },
      lmPlan: {
        modelId: model.id,
        candidates: r.candidates,
        text,
        ctx,
        scored: r.scored,
        check: null,
      },
    });
}

/**
 * The planner's plan (an option index per tensor) applied whole to the language model and its KL
 * measured on the text: the planner adds each tensor's KL as if alone, which this checks.
 */
export async function checkLmPlan(choice: number[]): Promise<void> {
  const { model, planOptions, lmPlan } = useStore.getState();
  if (!model || !planOptions || planOptions.measure !== 'kl' || lmPlan?.modelId !== model.id)
    return;
  const plan = planOptions.tensors.map((t, i) => {
    const c = lmPlan.candidates[choice[i]!];
    if (!c) throw new Error(`no candidate ${choice[i]} for ${t.name}`);
    return { name: t.name, spec: c.spec };
  });
  const tokenizer = await tokenizerFor(model, tokenizerUrls.get(model.id));
  if (tokenizer === null) return;
  const { text, ctx } = lmPlan;
  const r = await startJob(
    `Measuring the plan whole on ${model.file}`,
    { cancelled: 'Plan check cancelled', failed: (m) => `Plan check failed: ${m}` },
    (opts) => client().run('lmPlanCheck', { modelId: model.id, tokenizer, text, ctx, plan }, opts),
  );
  const now = useStore.getState().lmPlan;
  if (r && now?.modelId === model.id)
    useStore.setState({ lmPlan: { ...now, check: { choice, result: r } } });
}

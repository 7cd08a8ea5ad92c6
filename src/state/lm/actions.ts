// Evaluating and running the open language model: the text (the default fetched once), the
// tokenizer (a demo's, fetched from its URL; or a file the person chose, kept here and not in the
// store, which holds summaries only), perplexity with the quantized model compared, and generation.
import { client, notify, startJob } from '../jobs/actions.ts';
import { quantSpecOf } from '../settings/slice.ts';
import { useStore } from '../store.ts';

/** The tokenizer file chosen for a model that came without one (a dropped llama2.c checkpoint). */
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
 * The tokenizer of a model: the one chosen for it, else the demo's (`url`). Without either, or when
 * the demo's does not arrive, the person is told what to do and the answer is null.
 */
async function tokenizerFor(modelId: string, file: string, url?: string): Promise<File | null> {
  if (chosen?.modelId === modelId) return chosen.file;
  if (!url) {
    notify(
      'info',
      `${file} holds no tokenizer: choose its tokenizer.bin (llama2.c's format, e.g. tok512.bin) with "Tokenizer file…" first.`,
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
 * Perplexity of the text under the model shown, windows of the chosen context; when comparing, the
 * model quantized with the tensor panel's scheme against it. `tokenizerUrl`: the demo's tokenizer.
 */
export async function evaluateText(tokenizerUrl?: string): Promise<void> {
  const { model, lmText, settings } = useStore.getState();
  if (!model) return;
  const text = lmText ?? '';
  if (!text.trim()) {
    notify('info', 'The text is empty: type or paste a text to evaluate.');
    return;
  }
  const tokenizer = await tokenizerFor(model.id, model.file, tokenizerUrl);
  if (!tokenizer) return;
  const spec = settings.lmCompare ? quantSpecOf(settings) : null;
  const req = { modelId: model.id, tokenizer, text, ctx: settings.lmCtx, spec };
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
  useStore.setState({ lmScores: { ...scores, modelId: model.id, spec } });
}

export interface GenerateOptions {
  prompt: string;
  tokens: number;
  temperature: number;
  seed: number;
}

/** Text from a prompt by the base model (greedy at temperature 0). */
export async function generateText(o: GenerateOptions, tokenizerUrl?: string): Promise<void> {
  const model = useStore.getState().model;
  if (!model) return;
  const tokenizer = await tokenizerFor(model.id, model.file, tokenizerUrl);
  if (!tokenizer) return;
  const r = await startJob(
    `Generating ${o.tokens} tokens with ${model.file}`,
    { cancelled: 'Generation cancelled', failed: (m) => `Generation failed: ${m}` },
    (opts) => client().run('lmGenerate', { modelId: model.id, tokenizer, ...o }, opts),
  );
  if (r) useStore.setState({ lmGeneration: { ...r, modelId: model.id } });
}

// The language-model panel's actions against the fake engine: what Evaluate and Generate send (the
// context, the text, the spec only when comparing, the tokenizer), and what a person is told when
// a job fails or no tokenizer is known.
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import {
  chooseTokenizer,
  evaluateText,
  generateText,
  loadDefaultText,
  setLmText,
} from '../../src/state/lm/actions.ts';
import { setSetting } from '../../src/state/settings/actions.ts';
import { quantSpecOf } from '../../src/state/settings/slice.ts';
import { useStore } from '../../src/state/store.ts';
import { freshStore, model, noticeTexts, type Handler } from './state-fake-engine.ts';

const TOK_URL = '/models/stories260K.tok512.bin';

const evaluation = (r: { ctx: number; spec: unknown }) => ({
  tokens: 4,
  scored: 3,
  ctx: r.ctx,
  nllMean: 1,
  ppl: Math.E,
  tokenLoss: Float32Array.of(NaN, 1, 1, 1),
  ids: Int32Array.of(1, 5, 6, 7),
  pieces: ['', 'Once', ' upon', ' a'],
  compressed: r.spec
    ? {
        ppl: 2.8,
        lnPplRatio: 0.03,
        kl: { mean: 0.01, median: 0.005, p90: 0.02, p99: 0.05, p99_9: 0.06, max: 0.07, min: 0 },
        sameTopPct: 98,
        dpRmsPct: 1.5,
        tokenKl: Float32Array.of(NaN, 0.01, 0.02, 0.03),
      }
    : null,
});

async function start(handlers: Record<string, Handler> = {}) {
  const engine = await freshStore({ lmEval: evaluation, ...handlers });
  const m = model('lm', { format: 'llama2c', file: 'stories260K.bin' });
  useStore.setState({ models: [m], model: m, lmText: 'Once upon a time there was a cat.' });
  return engine;
}

beforeEach(() => {
  vi.stubGlobal(
    'fetch',
    vi.fn((url: string) =>
      Promise.resolve(
        url.endsWith('.txt')
          ? new Response('The default story.')
          : new Response(new Uint8Array([1, 2, 3, 4])),
      ),
    ),
  );
});
afterEach(() => vi.unstubAllGlobals());

test('Evaluate sends the context, the text and the tokenizer, and the spec when comparing', async () => {
  const engine = await start();
  setSetting('lmCtx', 64);
  await evaluateText(TOK_URL);
  const [call] = engine.of('lmEval');
  expect(call!.request).toMatchObject({
    modelId: 'lm',
    text: 'Once upon a time there was a cat.',
    ctx: 64,
    spec: quantSpecOf(useStore.getState().settings),
  });
  expect(call!.request.tokenizer).toBeInstanceOf(File);
  expect(call!.request.tokenizer.name).toBe('stories260K.tok512.bin');
  const shown = useStore.getState().lmScores!;
  expect(shown).toMatchObject({
    modelId: 'lm',
    ctx: 64,
    ppl: Math.E,
    pieces: ['', 'Once', ' upon', ' a'],
  });
  expect(shown.compressed?.sameTopPct).toBe(98);
  expect(shown).not.toHaveProperty('ids');
});

test('without comparing, Evaluate sends no spec and shows the base model only', async () => {
  const engine = await start();
  setSetting('lmCompare', false);
  await evaluateText(TOK_URL);
  expect(engine.of('lmEval')[0]!.request).toMatchObject({ ctx: 256, spec: null });
  expect(useStore.getState().lmScores).toMatchObject({ spec: null, compressed: null });
});

test("the demo's tokenizer is fetched once", async () => {
  await start();
  await evaluateText(TOK_URL);
  await evaluateText(TOK_URL);
  const calls = vi.mocked(fetch).mock.calls.filter(([u]) => u === TOK_URL);
  expect(calls.length).toBeLessThanOrEqual(1);
});

test('a failed evaluation is an error notice and leaves no result', async () => {
  await start({
    lmEval: () => {
      throw new Error('a context of 512 tokens is longer than the model’s 256');
    },
  });
  await evaluateText(TOK_URL);
  expect(noticeTexts()).toContain(
    'error: Language model evaluation failed: a context of 512 tokens is longer than the model’s 256',
  );
  expect(useStore.getState().lmScores).toBeNull();
});

test('with no tokenizer, Evaluate and Generate say what to choose and start no job', async () => {
  const engine = await start();
  await evaluateText();
  await generateText({ prompt: 'Once', tokens: 8, temperature: 0, seed: 1 });
  expect(engine.calls.filter((c) => c.name === 'lmEval' || c.name === 'lmGenerate')).toEqual([]);
  expect(noticeTexts().filter((t) => t.includes('"Tokenizer file…"'))).toHaveLength(2);
});

test('a chosen tokenizer file goes with the request of its model', async () => {
  const engine = await start();
  const file = new File([new Uint8Array(8)], 'tok512.bin');
  chooseTokenizer(file);
  expect(useStore.getState().lmTokenizer).toEqual({ modelId: 'lm', name: 'tok512.bin' });
  await evaluateText();
  expect(engine.of('lmEval')[0]!.request.tokenizer).toBe(file);
  // Another model does not inherit it.
  const other = model('other', { format: 'llama2c', file: 'other.bin' });
  useStore.setState({ model: other });
  await evaluateText();
  expect(engine.of('lmEval')).toHaveLength(1);
});

test('an empty text starts no job', async () => {
  const engine = await start();
  setLmText('   ');
  await evaluateText(TOK_URL);
  expect(engine.of('lmEval')).toHaveLength(0);
  expect(noticeTexts()).toContain('info: The text is empty: type or paste a text to evaluate.');
});

test('Generate sends the prompt, the count, the temperature and the seed; the text is kept', async () => {
  const engine = await start({
    lmGenerate: (r) => ({ prompt: r.prompt, text: ' there was a dog.', ids: [9, 10] }),
  });
  await generateText({ prompt: 'Once upon a time', tokens: 16, temperature: 0, seed: 7 }, TOK_URL);
  expect(engine.of('lmGenerate')[0]!.request).toMatchObject({
    modelId: 'lm',
    prompt: 'Once upon a time',
    tokens: 16,
    temperature: 0,
    seed: 7,
  });
  expect(useStore.getState().lmGeneration).toMatchObject({
    modelId: 'lm',
    text: ' there was a dog.',
  });
});

test('the default text is fetched once and never replaces what the person typed', async () => {
  await start();
  useStore.setState({ lmText: null });
  await loadDefaultText('/data/stories-eval.txt');
  expect(useStore.getState().lmText).toBe('The default story.');
  setLmText('Mine.');
  await loadDefaultText('/data/stories-eval.txt');
  expect(useStore.getState().lmText).toBe('Mine.');
});

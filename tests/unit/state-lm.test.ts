// The language-model panel's actions against the fake engine: what Evaluate and Generate send (the
// context, the text, the compression the settings describe, the tokenizer), what comes back and is
// kept (both generations, the weights ranked by KL, the planner's KL costs), and what a person is
// told when a job fails or no tokenizer is known.
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { DEFAULT_SPEC } from '../../src/core/quant/spec.ts';
import {
  checkLmPlan,
  chooseTokenizer,
  evaluateText,
  generateText,
  loadDefaultText,
  noteTokenizerUrl,
  rankTensorsByKl,
  setLmText,
} from '../../src/state/lm/actions.ts';
import {
  describeLmCompression,
  lmCompressionOf,
  sameCompression,
} from '../../src/state/lm/compression.ts';
import { cancelJob } from '../../src/state/jobs/actions.ts';
import { measurePlanOptions } from '../../src/state/quant/actions.ts';
import { setSetting } from '../../src/state/settings/actions.ts';
import { quantSpecOf } from '../../src/state/settings/slice.ts';
import { useStore } from '../../src/state/store.ts';
import { freshStore, model, noticeTexts, settle, type Handler } from './state-fake-engine.ts';

const TOK_URL = '/models/stories260K.tok512.bin';

const evaluation = (r: { ctx: number; compression: unknown }) => ({
  tokens: 4,
  scored: 3,
  ctx: r.ctx,
  on: { base: 'CPU', compressed: r.compression ? 'CPU' : null },
  nllMean: 1,
  ppl: Math.E,
  tokenLoss: Float32Array.of(NaN, 1, 1, 1),
  ids: Int32Array.of(1, 5, 6, 7),
  pieces: ['', 'Once', ' upon', ' a'],
  compressed: r.compression
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

// `id`: a model of its own, for a test that must not see a tokenizer an earlier test chose or gave.
async function start(handlers: Record<string, Handler> = {}, id = 'lm') {
  const engine = await freshStore({ lmEval: evaluation, ...handlers });
  const m = model(id, { format: 'llama2c', file: 'stories260K.bin', languageModel: 'llama' });
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

test('Evaluate sends the context, the text and the tokenizer, and the weight scheme by default', async () => {
  const engine = await start();
  setSetting('lmCtx', 64);
  await evaluateText(TOK_URL);
  const [call] = engine.of('lmEval');
  expect(call!.request).toMatchObject({
    modelId: 'lm',
    text: 'Once upon a time there was a cat.',
    ctx: 64,
    compression: {
      weights: quantSpecOf(useStore.getState().settings),
      prune: null,
      lowRank: null,
      activations: null,
      kvCache: null,
    },
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

test('with nothing compressed, Evaluate sends no compression and shows the base model only', async () => {
  const engine = await start();
  setSetting('lmCompare', false);
  await evaluateText(TOK_URL);
  expect(engine.of('lmEval')[0]!.request).toMatchObject({ ctx: 256, compression: null });
  expect(useStore.getState().lmScores).toMatchObject({ compression: null, compressed: null });
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

test('Generate sends the prompt, count, temperature, seed and compression; both texts are kept', async () => {
  const engine = await start({
    lmGenerate: (r) => ({
      base: { prompt: r.prompt, text: ' there was a dog.', ids: [9, 10, 11] },
      compressed: r.compression
        ? { prompt: r.prompt, text: ' there was a cat.', ids: [9, 10, 12] }
        : null,
    }),
  });
  setSetting('lmKvCache', 'int4');
  await generateText(
    { prompt: 'Once upon a time', tokens: 16, temperature: 0.8, seed: 7 },
    TOK_URL,
  );
  const compression = lmCompressionOf(useStore.getState().settings);
  expect(compression?.kvCache).toBe('int4');
  expect(engine.of('lmGenerate')[0]!.request).toMatchObject({
    modelId: 'lm',
    prompt: 'Once upon a time',
    tokens: 16,
    temperature: 0.8,
    seed: 7,
    compression,
  });
  expect(useStore.getState().lmGeneration).toMatchObject({
    modelId: 'lm',
    tokens: 16,
    temperature: 0.8,
    seed: 7,
    compression,
    base: { text: ' there was a dog.', ids: [9, 10, 11] },
    compressed: { text: ' there was a cat.', ids: [9, 10, 12] },
  });
});

test('with nothing compressed, Generate asks for the base text alone', async () => {
  const engine = await start({
    lmGenerate: (r) => ({
      base: { prompt: r.prompt, text: ' a dog.', ids: [9] },
      compressed: r.compression ? { prompt: r.prompt, text: ' a cat.', ids: [8] } : null,
    }),
  });
  setSetting('lmCompare', false);
  await generateText({ prompt: 'Once', tokens: 4, temperature: 0, seed: 1 }, TOK_URL);
  expect(engine.of('lmGenerate')[0]!.request.compression).toBeNull();
  expect(useStore.getState().lmGeneration).toMatchObject({ compressed: null, compression: null });
});

test('every part of the compression comes from its setting', async () => {
  const engine = await start();
  setSetting('lmCompare', false);
  setSetting('lmPrune', 'magnitude');
  setSetting('lmSparsity', 0.3);
  setSetting('lmLowRank', true);
  setSetting('lmRankFraction', 0.25);
  setSetting('lmActivations', 'llm.int8');
  setSetting('lmInt8Threshold', 4);
  setSetting('lmKvCache', 'int8');
  await evaluateText(TOK_URL);
  expect(engine.of('lmEval')[0]!.request.compression).toEqual({
    weights: null,
    prune: { method: 'magnitude', sparsity: 0.3 },
    lowRank: { fraction: 0.25 },
    activations: { kind: 'llm.int8', threshold: 4 },
    kvCache: 'int8',
  });
  setSetting('lmPrune', 'nm24');
  setSetting('lmActivations', 'w8a8');
  setSetting('lmCalibration', 'kl');
  setSetting('lmCalibrationTokens', 64);
  await evaluateText(TOK_URL);
  expect(engine.of('lmEval')[1]!.request.compression).toMatchObject({
    prune: { method: '2:4' },
    // TensorRT's entropy calibration, as the calibration lab runs it.
    activations: {
      kind: 'w8a8',
      method: { kind: 'kl', bins: 2048, levels: 128 },
      calibrationTokens: 64,
    },
  });
  expect(useStore.getState().lmScores?.compression).toEqual(
    engine.of('lmEval')[1]!.request.compression,
  );
});

test('a result is stale once its compression differs from the settings, and only then', async () => {
  await start();
  await evaluateText(TOK_URL);
  const shown = () => useStore.getState().lmScores!.compression;
  const now = () => lmCompressionOf(useStore.getState().settings);
  expect(sameCompression(shown(), now())).toBe(true);
  // A setting outside the compression keeps the very same value (a stable selector).
  const before = now();
  setSetting('bins', 128);
  expect(now()).toBe(before);
  // A part that is off changing its amount changes nothing.
  setSetting('lmSparsity', 0.7);
  expect(sameCompression(shown(), now())).toBe(true);
  setSetting('lmKvCache', 'int4');
  expect(sameCompression(shown(), now())).toBe(false);
  setSetting('lmKvCache', 'off');
  expect(sameCompression(shown(), now())).toBe(true);
  setSetting('qBits', 4);
  expect(sameCompression(shown(), now())).toBe(false);
});

test('the compression reads as one line, in the order the engine applies it', () => {
  expect(describeLmCompression(null)).toBe('nothing: the base model alone');
  const d = describeLmCompression({
    weights: { ...DEFAULT_SPEC, bits: 4, granularity: { kind: 'group', size: 32 } },
    prune: { method: '2:4' },
    lowRank: null,
    activations: { kind: 'llm.int8', threshold: 6 },
    kvCache: 'int4',
  });
  expect(d).toBe(
    'projections pruned 2:4; weights int4 symmetric per group of 32; activations LLM.int8() (outliers ≥ 6 in float); KV cache int4',
  );
});

const rows = [
  {
    name: 'layers.0.attention.wq.weight',
    params: 64,
    klMean: 0.02,
    klP99: 0.1,
    sameTopPct: 97,
    bitsPerWeight: 8.5,
    mseWeights: 1e-5,
  },
  {
    name: 'tok_embeddings.weight',
    params: 512,
    klMean: 0.001,
    klP99: 0.01,
    sameTopPct: 100,
    bitsPerWeight: 8.1,
    mseWeights: 2e-5,
  },
];

test('Rank tensors by KL sends the scheme, the context and the text, and keeps the rows', async () => {
  const engine = await start({ lmSensitivity: () => ({ rows, tokens: 9, scored: 8 }) }, 'lm-rank');
  setSetting('lmCtx', 64);
  setSetting('qBits', 4);
  await rankTensorsByKl(TOK_URL);
  const spec = quantSpecOf(useStore.getState().settings);
  expect(spec.bits).toBe(4);
  const [call] = engine.of('lmSensitivity');
  expect(call!.request).toMatchObject({
    modelId: 'lm-rank',
    ctx: 64,
    text: 'Once upon a time there was a cat.',
    spec,
  });
  expect(call!.request.tokenizer.name).toBe('stories260K.tok512.bin');
  expect(useStore.getState().lmSensitivity).toEqual({
    modelId: 'lm-rank',
    spec,
    ctx: 64,
    text: 'Once upon a time there was a cat.',
    rows,
    scored: 8,
  });
});

test('a cancelled ranking keeps the previous rows and says so', async () => {
  const engine = await start({ lmSensitivity: () => ({ rows, tokens: 9, scored: 8 }) });
  await rankTensorsByKl(TOK_URL);
  engine.hold('lmSensitivity');
  const running = rankTensorsByKl(TOK_URL);
  await settle();
  cancelJob();
  await running;
  expect(noticeTexts()).toContain('info: Ranking by KL cancelled');
  expect(useStore.getState().lmSensitivity?.rows).toEqual(rows);
});

const klOptions = {
  measure: 'kl',
  tensors: [
    { name: 'layers.0.attention.wq.weight', options: [{ label: 'int4', bytes: 40, sse: 3 }] },
  ],
  candidates: [{ label: 'int4', spec: { ...DEFAULT_SPEC, bits: 4 } }],
  scored: 8,
};

test('the planner measures a language model by KL on the text when asked, with its tokenizer', async () => {
  const engine = await start({ lmPlanOptions: () => klOptions, planOptions: () => [] }, 'lm-plan');
  // The panel gave the demo's tokenizer; the planner has none of its own.
  noteTokenizerUrl('lm-plan', TOK_URL);
  setSetting('plannerMeasure', 'kl');
  await measurePlanOptions();
  expect(engine.of('planOptions')).toHaveLength(0);
  const [call] = engine.of('lmPlanOptions');
  expect(call!.request).toMatchObject({
    modelId: 'lm-plan',
    ctx: 256,
    text: 'Once upon a time there was a cat.',
  });
  expect(call!.request.tokenizer.name).toBe('stories260K.tok512.bin');
  expect(useStore.getState().planOptions).toMatchObject({
    modelId: 'lm-plan',
    measure: 'kl',
    tensors: klOptions.tensors,
  });
});

test("a KL plan measured whole goes on the options' text and context, and is kept with its choice", async () => {
  const check = {
    kl: { mean: 0.4, p99: 2 },
    sameTopPct: 90,
    scored: 8,
    bytes: 40,
    bitsPerWeight: 4.25,
  };
  const engine = await start(
    { lmPlanOptions: () => klOptions, lmPlanCheck: () => check },
    'lm-check',
  );
  noteTokenizerUrl('lm-check', TOK_URL);
  setSetting('plannerMeasure', 'kl');
  setSetting('lmCtx', 128);
  await measurePlanOptions();
  expect(useStore.getState().lmPlan).toMatchObject({
    modelId: 'lm-check',
    ctx: 128,
    scored: 8,
    check: null,
  });
  // A later change of text or context does not move the check off what the costs were measured on.
  setLmText('Another text.');
  setSetting('lmCtx', 64);
  await checkLmPlan([0]);
  expect(engine.of('lmPlanCheck')[0]!.request).toMatchObject({
    modelId: 'lm-check',
    ctx: 128,
    text: 'Once upon a time there was a cat.',
    plan: [{ name: 'layers.0.attention.wq.weight', spec: { ...DEFAULT_SPEC, bits: 4 } }],
  });
  expect(useStore.getState().lmPlan?.check).toEqual({ choice: [0], result: check });
});

test('the planner measures squared error by default, and for a model that is no language model', async () => {
  const engine = await start({ lmPlanOptions: () => klOptions, planOptions: () => [] });
  await measurePlanOptions();
  expect(useStore.getState().planOptions).toMatchObject({ modelId: 'lm', measure: 'mse' });
  const other = model('w');
  useStore.setState({ models: [other], model: other });
  setSetting('plannerMeasure', 'kl');
  await measurePlanOptions();
  expect(engine.of('lmPlanOptions')).toHaveLength(0);
  expect(engine.of('planOptions')).toHaveLength(2);
  expect(useStore.getState().planOptions).toMatchObject({ modelId: 'w', measure: 'mse' });
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

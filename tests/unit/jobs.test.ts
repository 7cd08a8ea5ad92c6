// The jobs table: every job is walked, started on a request that keeps it busy, and aborted; each
// must settle (finish or stop) within 250 ms of the abort. A job added without a request here fails.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { createEngine } from '../../src/engine/host.ts';
import { jobContext } from '../../src/engine/jobs/context.ts';
import { jobs, type JobName, type JobRequest } from '../../src/engine/jobs/index.ts';
import { DEFAULT_SPEC } from '../../src/core/quant/spec.ts';
import { NO_COMPRESSION } from '../../src/engine/lm-compression.ts';
import { bytesSource } from '../../src/formats/source.ts';
import { loadPackageDigits } from '../../scripts/mnist-package.ts';
import { f32Safetensors } from '../helpers/safetensors.ts';
import { normal } from '../helpers/random.ts';

const ABORT_AFTER_MS = 40;
const STOP_WITHIN_MS = 250;

async function setUp() {
  const digits = loadPackageDigits();
  const engine = createEngine({ digits: async () => digits });
  const run = <N extends JobName>(name: N, req: JobRequest<N>) =>
    engine.run(name, req, jobContext());
  // Four layers of a million values each: every whole-model job runs for longer than the abort
  // delay. One tensor's synchronous CPU pass is the unit of work between two checks of the signal,
  // so a job on one layer of this size stops at its end at the latest.
  const layer = (seed: number) => ({ shape: [1024, 1024], data: normal(1 << 20, seed) });
  const weights = await run('open', {
    files: [
      bytesSource(
        'w.safetensors',
        f32Safetensors({
          big: layer(3),
          l1: layer(5),
          l2: layer(6),
          l3: layer(7),
        }),
      ),
    ],
  });
  const mlp = await run('open', {
    files: [
      bytesSource(
        'mnist-mlp.safetensors',
        new Uint8Array(readFileSync('public/models/mnist-mlp.safetensors')),
      ),
    ],
  });
  const lm = await run('open', {
    files: [bytesSource('stories260K.bin', new Uint8Array(readFileSync(STORIES)))],
  });
  return { engine, w: weights.models[0]!.id, mlp: mlp.models[0]!.id, lm: lm.models[0]!.id };
}

const STORIES = 'public/models/stories260K.bin';
const tokenizer = () =>
  bytesSource('tok512.bin', new Uint8Array(readFileSync('public/models/stories260K.tok512.bin')));

/** The first 512 tokens of the evaluation text, in windows of 64, for the studies by KL. */
const lmStudy = (modelId: string) => ({
  modelId,
  tokenizer: tokenizer(),
  text: readFileSync('public/data/stories-eval.txt', 'utf8'),
  ctx: 64,
  maxTokens: 512,
});

/** A request for each job that keeps it busy for longer than the abort delay (where it can be). */
function requests(ids: { w: string; mlp: string; lm: string }): {
  [N in JobName]: () => JobRequest<N>;
} {
  const spec = { ...DEFAULT_SPEC, bits: 4 };
  const study = { size: 512, seed: 1, momentum: 0.9, bits: 8 };
  return {
    open: () => ({ files: [bytesSource('x.safetensors', f32Safetensors({ x: normal(16, 1) }))] }),
    openUrl: () => ({ url: 'http://127.0.0.1:9/none.safetensors', name: 'none.safetensors' }),
    close: () => ({ modelId: 'm-none' }),
    analyse: () => ({ modelId: ids.w, tensor: 'big', bins: 64 }),
    quantize: () => ({ modelId: ids.w, tensor: 'big', spec }),
    quantizePreview: () => ({ modelId: ids.w, tensor: 'big', spec }),
    compare: () => ({ modelId: ids.w, tensor: 'big', spec }),
    llmInt8: () => ({ modelId: ids.w, tensor: 'big', threshold: 6 }),
    sensitivity: () => ({ modelId: ids.w, spec, filter: '' }),
    planOptions: () => ({ modelId: ids.w, spec }),
    export: () => ({ modelId: ids.w, options: { format: 'gguf', type: 'Q8_0' }, target: null }),
    quantizeWeights: () => ({ modelId: ids.w, spec, filter: '' }),
    pruneWeights: () => ({ modelId: ids.w, rule: { kind: 'global-magnitude', sparsity: 0.5 } }),
    exportPruned: () => ({ modelId: ids.w, rule: { kind: 'nm', n: 2, m: 4 }, target: null }),
    pruneWeightStudy: () => ({ modelId: ids.w, method: { kind: 'global', sparsity: 0.5 } }),
    // The mlp's 256 × 784 layer: an SVD of seconds, in steps that check the signal.
    weightLowRank: () => ({ modelId: ids.mlp, energy: 0.9 }),
    weightWork: () => ({
      modelId: ids.w,
      deployment: { weightBits: 32, actBits: 32 },
      positions: 1,
    }),
    calibrateActivations: () => ({
      input: { modelId: ids.w, tensor: 'big' },
      method: 'minmax',
      bits: 8,
      batch: 32,
    }),
    linearQdq: () => ({
      op: 'quantize',
      x: { modelId: ids.w, tensor: 'small' },
      scale: { modelId: ids.w, tensor: 'small' },
      zeroPoint: null,
      axis: 0,
      blockSize: 1,
      saturate: true,
      dtype: 'int8',
      target: null,
    }),
    evaluate: () => ({ modelId: ids.mlp, spec }),
    compareQat: () => ({ modelId: ids.mlp, epochs: 1 }),
    lowRank: () => ({ modelId: ids.mlp, energy: 0.9, epochs: 1 }),
    calibrationStudy: () => ({ modelId: ids.mlp, o: study }),
    comparePtq: () => ({ modelId: ids.mlp, o: study }),
    pruneFineTune: () => ({
      modelId: ids.mlp,
      method: { kind: 'magnitude', sparsity: 0.5 },
      epochs: 1,
    }),
    distill: () => ({
      modelId: ids.mlp,
      o: { student: 'mlp-784-32-10', temperature: 4, alpha: 0.7, epochs: 2 },
    }),
    // A timed forward pass is not cut into slices (the pauses would count): one batch is the unit.
    measureLatency: () => ({ modelId: ids.mlp, batch: 64 }),
    modelWork: () => ({ modelId: ids.mlp, deployment: { weightBits: 32, actBits: 32 } }),
    pruneStudy: () => ({
      modelId: ids.mlp,
      method: { kind: 'magnitude', sparsity: 0.5 },
    }),
    pruneSweep: () => ({ modelId: ids.mlp, sparsities: [0.5, 0.9], fineTune: true }),
    gradualPrune: () => ({ modelId: ids.mlp, final: 0.9, epochs: 1 }),
    kernelBench: () => ({}),
    lmEval: () => ({
      modelId: ids.lm,
      tokenizer: tokenizer(),
      text: readFileSync('public/data/stories-eval.txt', 'utf8'),
      ctx: 256,
      compression: { ...NO_COMPRESSION, weights: spec, kvCache: 'int8' },
    }),
    lmGenerate: () => ({
      modelId: ids.lm,
      tokenizer: tokenizer(),
      prompt: 'Once upon a time',
      tokens: 400,
      temperature: 0.8,
      seed: 1,
      compression: { ...NO_COMPRESSION, kvCache: 'int8' },
    }),
    lmSensitivity: () => ({ ...lmStudy(ids.lm), spec }),
    lmPlanOptions: () => ({ ...lmStudy(ids.lm), spec }),
    lmPlanCheck: () => ({
      ...lmStudy(ids.lm),
      plan: [{ name: 'model.layers.0.mlp.up_proj.weight', spec }],
    }),
  } as { [N in JobName]: () => JobRequest<N> };
}

describe('the jobs table', () => {
  test('every job stops within 250 ms of an abort', { timeout: 120_000 }, async () => {
    const { engine, ...ids } = await setUp();
    const reqs = requests(ids);
    const late: string[] = [];
    const missing: string[] = [];
    for (const name of Object.keys(jobs) as JobName[]) {
      // A job added to the table without a busy request here fails the test.
      if (typeof reqs[name] !== 'function') {
        missing.push(name);
        continue;
      }
      const ctrl = new AbortController();
      const ctx = jobContext({ signal: ctrl.signal });
      const start = performance.now();
      setTimeout(() => ctrl.abort(new DOMException('cancelled', 'AbortError')), ABORT_AFTER_MS);
      // The job's own promise (not the engine's race against the signal): when its work stops.
      const fn = jobs[name] as (e: unknown, r: unknown, c: unknown) => Promise<unknown>;
      await fn(engine.env, reqs[name](), ctx).catch(() => undefined);
      const after = performance.now() - start - ABORT_AFTER_MS;
      if (after > STOP_WITHIN_MS) late.push(`${name}: ${Math.round(after)} ms`);
    }
    expect({ missing, late }).toEqual({ missing: [], late: [] });
  });

  test('an aborted job rejects at once through runJob, with the abort reason', async () => {
    const { engine, w } = await setUp();
    const ctrl = new AbortController();
    const p = engine.run(
      'analyse',
      { modelId: w, tensor: 'big', bins: 64 },
      jobContext({ signal: ctrl.signal }),
    );
    ctrl.abort(new DOMException('cancelled', 'AbortError'));
    await expect(p).rejects.toThrow(/cancelled/);
  });
});

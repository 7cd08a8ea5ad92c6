// `slimlab run --preset 'URL-or-query' [--model FILE]`: the numbers the browser shows for a preset,
// computed headless by the same engine jobs: the preset's tensor (or the largest, as the app picks)
// of its demo model (or the given file), its statistics and histogram, and what the preset's
// quantization does to it, its LLM.int8() decomposition at the link's threshold, and, when the link
// sets them, the pruning lab's method and sparsity applied to the model's weights, and the Latency
// panel's roofline estimate and KV-cache numbers. Settings of the labs that train or evaluate a
// model have no headless run: the output says so, naming them.
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jobContext } from '../engine/jobs/context.ts';
import { largestTensor } from '../engine/model-view.ts';
import type { PruneRule } from '../engine/prune-weights.ts';
import { quantErrorWhy, statWhy, type MomentStat } from '../engine/weights.ts';
import type { SettingName, Settings } from '../presets/fields.ts';
import { decodePreset, encodePreset, specOf, type Decoded } from '../presets/schema.ts';
import { BadInput, withModel, type Engine } from './engine.ts';
import {
  deploymentOf,
  kvRun,
  latencyRun,
  type KvRun,
  type LatencyRun,
} from '../engine/latency-model.ts';
import { kvText, latencyText } from './latency.ts';
import { jsonNumber, sig, sigWhy } from './numbers.ts';
import type { Command } from './table.ts';

export interface PresetRun {
  /** The preset as the app would write it (canonical: defaults left out). */
  preset: string;
  notices: string[];
  model: string;
  tensor: string;
  shape: number[];
  /** Full precision; null where undefined (`why` says why). */
  stats: {
    min: number | null;
    max: number | null;
    mean: number | null;
    std: number | null;
    absmax: number | null;
    kurtosis: number | null;
    zeros: number;
  };
  /** Why a statistic (or a measure of `quant`) is null, or what its value means. */
  why: Partial<Record<MomentStat | 'sqnr_db' | 'cosine' | 'mse', string>>;
  bins: number;
  counts: number[];
  quant: {
    spec: ReturnType<typeof specOf>;
    note: string | null;
    sqnr_db: number | null;
    mse: number | null;
    clip_mse: number | null;
    round_mse: number | null;
    max_abs_err: number;
    cosine: number | null;
    clipped: number;
    bits_per_weight: number;
    bytes_after: number;
    blocks: number;
  };
  /** LLM.int8() at the link's outlier threshold (weights of rank ≥ 2; null otherwise). */
  int8: {
    threshold: number;
    outlier_columns: number;
    kept_fraction: number;
    sqnr_db: number | null;
    plain_sqnr_db: number | null;
    /** Why the SQNRs are null when they are undefined rather than infinite (no error at all). */
    why: string | null;
    bits_per_weight: number;
  } | null;
  /** The link's pruning method and sparsity on the model's weights (null when it sets neither). */
  prune: {
    method: string;
    rule: PruneRule;
    sparsity: number;
    relative_error: number;
    model_sparsity: number;
  } | null;
  /** The Latency panel under the link's deployment, batch and profile (null when it sets none). */
  latency: LatencyRun | null;
  /** The KV-cache explorer at the link's sizes (null when it sets none). */
  kv_cache: KvRun | null;
  /** Settings the link gives that `slimlab run` does not compute, and where they take effect. */
  not_run: string[];
}

const finite = jsonNumber;

/** The pruning lab's methods as the engine's whole-model rules (N:M along each row, as the lab). */
export function pruneRuleOf(s: Settings): PruneRule {
  const sparsity = s.pruneSparsity;
  switch (s.pruneMethod) {
    case 'global':
      return { kind: 'global-magnitude', sparsity };
    case 'channel':
      return { kind: 'channel-l1', sparsity };
    case 'nm24':
      return { kind: 'nm', n: 2, m: 4 };
    case 'nm14':
      return { kind: 'nm', n: 1, m: 4 };
    case 'nm48':
      return { kind: 'nm', n: 4, m: 8 };
    default:
      return { kind: 'magnitude', sparsity };
  }
}

/** The settings this run computes with; the link's others are named in `not_run`. */
const USED: ReadonlySet<SettingName> = new Set<SettingName>([
  'demo',
  'tensor',
  'bins',
  'logScale',
  'seed',
  'qFormat',
  'qBits',
  'qSymmetric',
  'qRestricted',
  'qGranularity',
  'qAxis',
  'qGroup',
  'qRounding',
  'qClip',
  'qScaleBits',
  'int8Threshold',
  'pruneMethod',
  'pruneSparsity',
  'latDeployment',
  'latBatch',
  'latProfile',
  'kvLayers',
  'kvHeads',
  'kvHeadDim',
  'kvBytes',
  'kvBlock',
  'kvMaxLen',
  'kvBudget',
]);

const LATENCY: readonly SettingName[] = ['latDeployment', 'latBatch', 'latProfile'];
/** The Latency panel's token count for a model that does not run (its own control, not a setting). */
const OWN_MODEL_TOKENS = 64;

/** Where the settings this run does not compute take effect (they train, time or evaluate). */
const ELSEWHERE: ReadonlyArray<[RegExp, string]> = [
  [/^prune/, "the pruning lab's sweep, fine-tuning and gradual pruning (the Pruning panel)"],
  [/^cal/, 'the calibration lab (the Calibration panel)'],
  [
    /^(ft|student|temperature|alpha|distill|rank|labDigits)/,
    'the retraining labs, which train the demo',
  ],
  [/^var/, "the variants table's latency column"],
  [/^lm/, 'the language model (the Language model panel; `slimlab eval` runs its evaluation)'],
  [/^planner/, 'the mixed-precision planner (the Planner panel)'],
];

/**
 * The link's settings this run does not compute, grouped by where they take effect; `noLatency`
 * says why the latency model did not run on this model, when it did not.
 */
export function notRun(d: Pick<Decoded, 'given'>, noLatency: string | null = null): string[] {
  const groups = new Map<string, string[]>();
  const lat = d.given.filter((k) => noLatency !== null && LATENCY.includes(k));
  for (const k of d.given) {
    if (USED.has(k)) continue;
    const where = ELSEWHERE.find(([re]) => re.test(k))?.[1] ?? 'the app';
    groups.set(where, [...(groups.get(where) ?? []), k]);
  }
  const lines = [...groups].map(
    ([where, keys]) =>
      `${keys.join(', ')}: not computed by slimlab run; open the link for ${where}`,
  );
  if (lat.length) lines.push(`${lat.join(', ')}: not computed by slimlab run: ${noLatency}`);
  return lines;
}

/** A text that names no setting, version, lesson or flag is not a preset (`--preset hello`). */
export function notAPreset(d: Decoded, text: string): string | null {
  if (d.given.length || d.lesson || d.locked.length || d.hidden.length) return null;
  if (!d.unknown.length && !d.notices.length) return null;
  const what = d.unknown.length
    ? `it sets nothing this version knows (${d.unknown.map((k) => `'${k}'`).join(', ')})`
    : d.notices.join(' ');
  return `'${text.length > 60 ? `${text.slice(0, 60)}…` : text}' is not a preset link: ${what}; copy one from the app (for example '?qf=int&qb=4')`;
}

/**
 * The demo model file a preset names, in this checkout's public/models: the MNIST and ppocr demos
 * are safetensors, stories260K its llama2.c checkpoint (.bin), as the app downloads them.
 */
export function demoPath(demo: string): string | null {
  if (demo === 'none') return null;
  const file = (ext: string) =>
    fileURLToPath(new URL(`../../public/models/${demo}${ext}`, import.meta.url));
  return ['.safetensors', '.bin'].map(file).find((p) => existsSync(p)) ?? file('.safetensors');
}

export async function runPreset(
  engine: Engine,
  text: string,
  modelPath?: string,
): Promise<PresetRun> {
  const d = decodePreset(text);
  const bad = notAPreset(d, text);
  if (bad) throw new Error(bad);
  const path = modelPath ?? demoPath(d.settings.demo);
  if (!path) throw new Error('the preset opens no demo model: give --model FILE');
  return withModel(engine, [path], async (m) => {
    const want = d.settings.tensor;
    const notices = [...d.notices];
    let t = want ? m.tensors.find((x) => x.name === want) : undefined;
    if (want && !t) notices.push(`${m.file} has no tensor named "${want}"; showing another.`);
    t ??= largestTensor(m.tensors);
    if (!t) throw new BadInput(`${m.file} has no tensors`);
    const request = { modelId: m.id, tensor: t.name };
    const a = await engine.run('analyse', { ...request, bins: d.settings.bins }, jobContext());
    const spec = specOf(d.settings);
    const q = await engine.run('quantize', { ...request, spec }, jobContext());
    const e = q.error;
    const threshold = d.settings.int8Threshold;
    const i8 =
      t.shape.length >= 2
        ? await engine.run('llmInt8', { ...request, threshold }, jobContext())
        : null;
    const pruning = d.given.includes('pruneMethod') || d.given.includes('pruneSparsity');
    const rule = pruneRuleOf(d.settings);
    const pruned = pruning
      ? await engine.run('pruneWeights', { modelId: m.id, rule }, jobContext())
      : null;
    const row = pruned?.find((r) => r.name === t.name);
    if (pruned && !row)
      notices.push(
        `${t.name} is not a weight (rank ≥ 2, float): pruning shown for the model only.`,
      );
    const set = d.settings;
    // The latency model: a demo layer by layer at the link's batch; any other model from its Linear
    // and convolution weight shapes, at the panel's token count (which a link does not carry).
    let latency: LatencyRun | null = null;
    let noLatency: string | null = null;
    if (d.given.some((k) => LATENCY.includes(k))) {
      const work = (id: string) =>
        m.architecture
          ? engine.run('modelWork', { modelId: m.id, deployment: deploymentOf(id) }, jobContext())
          : engine.run(
              'weightWork',
              { modelId: m.id, deployment: deploymentOf(id), positions: 1 },
              jobContext(),
            );
      try {
        const fp32 = await work('fp32');
        latency = latencyRun(fp32, await work(set.latDeployment), {
          deployment: set.latDeployment,
          batch: m.architecture ? set.latBatch : OWN_MODEL_TOKENS,
          of: m.architecture ? 'samples' : 'tokens',
          profile: set.latProfile,
        });
        if (!m.architecture)
          notices.push(
            `${basename(m.file)} is not a network Slimlab runs: latency from its weight shapes at ${OWN_MODEL_TOKENS} tokens (the page's default; a link does not carry it), not at the link's batch.`,
          );
      } catch (e) {
        noLatency = `the latency model has no layers to estimate in ${basename(m.file)} (${(e as Error).message})`;
      }
    }
    const kv = d.given.some((k) => k.startsWith('kv'))
      ? kvRun({
          layers: set.kvLayers,
          kvHeads: set.kvHeads,
          headDim: set.kvHeadDim,
          bytesPerValue: set.kvBytes,
          block: set.kvBlock,
          maxLen: set.kvMaxLen,
          budgetGiB: set.kvBudget,
        })
      : null;
    const params = pruned?.reduce((s, r) => s + r.params, 0) ?? 0;
    const zeros = pruned?.reduce((s, r) => s + r.zeros, 0) ?? 0;
    const why: PresetRun['why'] = {};
    for (const k of ['min', 'max', 'mean', 'std', 'absmax', 'kurtosis'] as const) {
      const w = statWhy(a.stats, k);
      if (w !== null) why[k] = w;
    }
    for (const [k, key] of [
      ['sqnr_db', 'sqnrDb'],
      ['cosine', 'cosine'],
      ['mse', 'mse'],
    ] as const) {
      const w = quantErrorWhy(e, key);
      if (w !== null) why[k] = w;
    }
    return {
      preset: encodePreset(d.settings, d),
      notices,
      model: basename(m.file),
      tensor: t.name,
      shape: t.shape,
      stats: {
        min: finite(a.stats.min),
        max: finite(a.stats.max),
        mean: finite(a.stats.mean),
        std: finite(a.stats.std),
        absmax: finite(a.stats.absmax),
        kurtosis: finite(a.stats.kurtosis),
        zeros: a.stats.zeros,
      },
      why,
      bins: d.settings.bins,
      counts: [...a.counts],
      quant: {
        spec,
        note: q.note,
        sqnr_db: e.sqnrDb === Infinity ? null : finite(e.sqnrDb),
        mse: finite(e.mse),
        clip_mse: finite(e.clippingMse),
        round_mse: finite(e.roundingMse),
        max_abs_err: e.maxAbsError,
        cosine: finite(e.cosine),
        clipped: e.clipped,
        bits_per_weight: q.bitsPerWeight,
        bytes_after: q.bytesAfter,
        blocks: q.blocks,
      },
      int8: i8 && {
        threshold,
        outlier_columns: i8.outlierColumns.length,
        kept_fraction: i8.keptFraction,
        sqnr_db: i8.error.sqnrDb === Infinity ? null : finite(i8.error.sqnrDb),
        plain_sqnr_db: i8.plainError.sqnrDb === Infinity ? null : finite(i8.plainError.sqnrDb),
        why: quantErrorWhy(i8.error, 'sqnrDb'),
        bits_per_weight: i8.bitsPerWeight,
      },
      prune: pruned && {
        method: d.settings.pruneMethod,
        rule,
        sparsity: row?.sparsity ?? 0,
        relative_error: row?.relative_error ?? 0,
        model_sparsity: params ? zeros / params : 0,
      },
      latency,
      kv_cache: kv,
      not_run: notRun(d, noLatency),
    };
  });
}

export function presetText(r: PresetRun): string {
  const q = r.quant;
  const w = r.why;
  const st = (k: MomentStat) => `${k} ${sigWhy(r.stats[k], w[k])}`;
  const sqnr = (v: number | null, why?: string) =>
    v === null ? (why ? `undefined (${why})` : 'inf dB') : `${sig(v)} dB${why ? ` (${why})` : ''}`;
  const lines = [
    `${r.model} · ${r.tensor} [${r.shape.join(', ')}]`,
    w.min
      ? `  no statistics (${w.min})`
      : `  ${(['min', 'max', 'mean', 'std', 'kurtosis'] as const).map(st).join('  ')}`,
    w.min ? `  no histogram: ${w.min}` : `  ${r.bins}-bin histogram: ${r.counts.join(' ')}`,
    `  quantized (${q.spec.format}${q.spec.format === 'int' ? ` ${q.spec.bits}-bit` : ''}, ${q.spec.granularity.kind}): ` +
      (w.mse
        ? `no error measures (${w.mse})`
        : `SQNR ${sqnr(q.sqnr_db, w.sqnr_db)}  MSE ${sigWhy(q.mse, null)} (clipping ${sigWhy(q.clip_mse, null)}, rounding ${sigWhy(q.round_mse, null)})  max error ${sig(q.max_abs_err)}`) +
      `  ${q.bits_per_weight.toFixed(3)} bits/weight`,
  ];
  const i = r.int8;
  if (i)
    lines.push(
      `  LLM.int8() at threshold ${sig(i.threshold)}: ${i.outlier_columns} outlier column${i.outlier_columns === 1 ? '' : 's'} kept in fp16 (${(i.kept_fraction * 100).toFixed(2)}%), ${i.why ? `no SQNR (${i.why})` : `SQNR ${sqnr(i.sqnr_db)} against ${sqnr(i.plain_sqnr_db)} for plain int8`}, ${i.bits_per_weight.toFixed(3)} bits/weight`,
    );
  const p = r.prune;
  if (p)
    lines.push(
      `  pruned (${p.method}): this tensor ${(p.sparsity * 100).toFixed(2)}% zeros, relative error ${sig(p.relative_error)}; the model's weights ${(p.model_sparsity * 100).toFixed(2)}% zeros`,
    );
  if (r.latency) lines.push(...latencyText(r.latency));
  if (r.kv_cache) lines.push(...kvText(r.kv_cache));
  for (const n of r.not_run) lines.push(`  ${n}`);
  return lines.join('\n');
}

export const run: Command = {
  name: 'run',
  synopsis: "--preset 'URL-or-query' [--model FILE] [--json]",
  summary: `the numbers the browser shows for a preset (a link copied from the app, or its query):
the preset's tensor of its demo model (or of --model FILE), its statistics and
histogram, the preset's quantization error and size, LLM.int8(), pruning, latency
and KV cache where the link sets them; preset problems go to stderr`,
  positional: { min: 0, max: 0 },
  flags: [
    {
      name: 'preset',
      type: 'string',
      arg: 'LINK',
      required: true,
      missing: 'run needs --preset',
      help: 'a link copied from the app, or its query',
    },
    { name: 'model', type: 'string', arg: 'FILE', help: "instead of the preset's demo model" },
    { name: 'json', type: 'bool', help: 'one JSON object' },
  ],
  async run(a, { io, engine }) {
    try {
      const r = await runPreset(engine, a.text('preset')!, a.text('model'));
      for (const n of r.notices) io.err(`slimlab: preset: ${n}`);
      io.out(a.has('json') ? JSON.stringify(r) : presetText(r));
      return 0;
    } catch (e) {
      io.err(`slimlab: ${(e as Error).message}`);
      return e instanceof BadInput ? 2 : 1;
    }
  },
};

// `slimlab run --preset 'URL-or-query' [--model FILE]`: the numbers the browser shows for a preset,
// computed headless by the same engine jobs: the preset's tensor (or the largest, as the app picks)
// of its demo model (or the given file), its statistics and histogram, and what the preset's
// quantization does to it.
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jobContext } from '../engine/jobs/context.ts';
import { largestTensor } from '../engine/model-view.ts';
import { decodePreset, encodePreset, specOf } from '../presets/schema.ts';
import { BadInput, withModel, type Engine } from './engine.ts';
import type { Command } from './table.ts';

export interface PresetRun {
  /** The preset as the app would write it (canonical: defaults left out). */
  preset: string;
  notices: string[];
  model: string;
  tensor: string;
  shape: number[];
  stats: {
    min: number;
    max: number;
    mean: number;
    std: number;
    absmax: number;
    kurtosis: number | null;
    zeros: number;
  };
  bins: number;
  counts: number[];
  quant: {
    spec: ReturnType<typeof specOf>;
    note: string | null;
    sqnr_db: number | null;
    mse: number;
    clip_mse: number;
    round_mse: number;
    max_abs_err: number;
    cosine: number | null;
    clipped: number;
    bits_per_weight: number;
    bytes_after: number;
    blocks: number;
  };
}

const finite = (v: number) => (Number.isFinite(v) ? v : null);

/** The demo model file a preset names, in this checkout's public/models. */
export function demoPath(demo: string): string | null {
  if (demo === 'none') return null;
  return fileURLToPath(new URL(`../../public/models/${demo}.safetensors`, import.meta.url));
}

export async function runPreset(
  engine: Engine,
  text: string,
  modelPath?: string,
): Promise<PresetRun> {
  const d = decodePreset(text);
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
    return {
      preset: encodePreset(d.settings, d),
      notices,
      model: basename(m.file),
      tensor: t.name,
      shape: t.shape,
      stats: {
        min: a.stats.min,
        max: a.stats.max,
        mean: a.stats.mean,
        std: a.stats.std,
        absmax: a.stats.absmax,
        kurtosis: finite(a.stats.kurtosis),
        zeros: a.stats.zeros,
      },
      bins: d.settings.bins,
      counts: [...a.counts],
      quant: {
        spec,
        note: q.note,
        sqnr_db: finite(e.sqnrDb),
        mse: e.mse,
        clip_mse: e.clippingMse,
        round_mse: e.roundingMse,
        max_abs_err: e.maxAbsError,
        cosine: finite(e.cosine),
        clipped: e.clipped,
        bits_per_weight: q.bitsPerWeight,
        bytes_after: q.bytesAfter,
        blocks: q.blocks,
      },
    };
  });
}

export function presetText(r: PresetRun): string {
  const q = r.quant;
  return [
    `${r.model} · ${r.tensor} [${r.shape.join(', ')}]`,
    `  min ${r.stats.min}  max ${r.stats.max}  mean ${r.stats.mean}  std ${r.stats.std}`,
    `  ${r.bins}-bin histogram: ${r.counts.join(' ')}`,
    `  quantized (${q.spec.format}${q.spec.format === 'int' ? ` ${q.spec.bits}-bit` : ''}, ${q.spec.granularity.kind}): SQNR ${q.sqnr_db?.toFixed(2) ?? '∞'} dB  MSE ${q.mse.toExponential(4)} (clipping ${q.clip_mse.toExponential(3)}, rounding ${q.round_mse.toExponential(3)})  max error ${q.max_abs_err.toExponential(3)}  ${q.bits_per_weight.toFixed(3)} bits/weight`,
  ].join('\n');
}

export const run: Command = {
  name: 'run',
  synopsis: "--preset 'URL-or-query' [--model FILE] [--json]",
  summary: `the numbers the browser shows for a preset (a link copied from the app, or its query):
the preset's tensor of its demo model (or of --model FILE), its statistics and
histogram, and the preset's quantization error and size; preset problems go to stderr`,
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

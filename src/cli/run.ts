// `slimlab run --preset 'URL-or-query' [--model FILE]`: the numbers the browser shows for a preset,
// computed headless: the preset's tensor (or the largest, as the app picks) of its demo model (or
// the given file), its statistics and histogram, and what the preset's quantization does to it.
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { summarizeCpu } from '../core/stats/summary.ts';
import { quantizeCpu } from '../engine/quantize.ts';
import { readTensorF32 } from '../formats/tensor-data.ts';
import { decodePreset, encodePreset, specOf } from '../presets/schema.ts';
import { withOpenFiles } from './inspect.ts';

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

export async function runPreset(text: string, modelPath?: string): Promise<PresetRun> {
  const d = decodePreset(text);
  const path = modelPath ?? demoPath(d.settings.demo);
  if (!path) throw new Error('the preset opens no demo model: give --model FILE');
  return withOpenFiles([path], async (m) => {
    const tensors = m.info.tensors;
    const want = d.settings.tensor;
    const notices = [...d.notices];
    let t = want ? tensors.find((x) => x.name === want) : undefined;
    if (want && !t) notices.push(`${m.info.file} has no tensor named "${want}"; showing another.`);
    // As the app: the largest tensor first.
    t ??= [...tensors].sort((a, b) => b.params - a.params)[0];
    if (!t) throw new Error(`${m.info.file} has no tensors`);
    const x = await readTensorF32(m.sources.get(t.dataFile ?? m.info.file)!, t);
    const s = summarizeCpu(x, d.settings.bins);
    const spec = specOf(d.settings);
    const q = quantizeCpu(x, t.shape, spec);
    const e = q.error;
    return {
      preset: encodePreset(d.settings, d),
      notices,
      model: basename(m.info.file),
      tensor: t.name,
      shape: t.shape,
      stats: {
        min: s.stats.min,
        max: s.stats.max,
        mean: s.stats.mean,
        std: s.stats.std,
        absmax: s.stats.absmax,
        kurtosis: finite(s.stats.kurtosis),
        zeros: s.stats.zeros,
      },
      bins: d.settings.bins,
      counts: [...s.counts],
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

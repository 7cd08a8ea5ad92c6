// `slimlab quantize FILE... --dtype T ...`: every float weight of rank ≥ 2 quantized with one scheme,
// its error and size; `--out` writes the compressed model. Tensors are read one at a time into one
// reused buffer, so memory stays near the largest tensor.
import {
  codeBits,
  DEFAULT_SPEC,
  QUANT_FORMATS,
  quantize,
  validateSpec,
  type Granularity,
  type QuantSpec,
} from '../core/quant/quant.ts';
import { fitSpec } from '../engine/quantize.ts';
import type { OpenedModel } from '../formats/group.ts';
import { isFloatTensor, storedBytes, totalBytes } from '../formats/model.ts';
import { readTensorF32, type Scratch } from '../formats/tensor-data.ts';

export const QUANTIZE_FLAGS = [
  'dtype',
  'scheme',
  'granularity',
  'axis',
  'clip',
  'rounding',
  'seed',
  'scale-dtype',
  'filter',
  'out',
] as const;

/** The spec the command-line options describe; throws a one-line message when they do not. */
export function specFromFlags(flags: Map<string, string>): QuantSpec {
  const dtype = flags.get('dtype');
  if (!dtype) throw new Error('--dtype is required');
  const spec: QuantSpec = { ...DEFAULT_SPEC, scaleBits: 32 };
  const m = /^(u?)int(\d+)$/.exec(dtype);
  const scheme = flags.get('scheme');
  const coded = /^(log2|quantile):(\d)$/.exec(dtype);
  if (m) {
    spec.format = 'int';
    spec.bits = Number(m[2]);
    if (m[1]) spec.symmetric = false;
  } else if (coded) {
    spec.format = coded[1] as 'log2' | 'quantile';
    spec.bits = Number(coded[2]);
  } else if (
    (QUANT_FORMATS as readonly string[]).includes(dtype) &&
    !['int', 'log2', 'quantile'].includes(dtype)
  ) {
    spec.format = dtype as QuantSpec['format'];
    if (dtype === 'nf4') spec.granularity = { kind: 'group', size: 64 };
  } else
    throw new Error(
      `--dtype '${dtype}' is not one of int2..int8, int16, uint2..uint8, uint16, fp32, tf32, fp16, bf16, fp8e4m3fn, fp8e5m2, fp4e2m1, nf4, binary, ternary, log2:B, quantile:B`,
    );
  if (scheme !== undefined) {
    if (!['sym', 'sym-full', 'asym'].includes(scheme))
      throw new Error(`--scheme must be sym, sym-full or asym, not '${scheme}'`);
    if (spec.format !== 'int') throw new Error(`--scheme applies to integer dtypes, not ${dtype}`);
    if (m?.[1] && scheme !== 'asym')
      throw new Error(`--dtype ${dtype} is unsigned: it takes --scheme asym (or use int${m[2]})`);
    spec.symmetric = scheme !== 'asym';
    spec.restricted = scheme === 'sym';
  }
  const axis = flags.has('axis') ? whole(flags.get('axis')!, '--axis') : undefined;
  const g = flags.get('granularity');
  if (g !== undefined) spec.granularity = granularityOf(g, axis);
  else if (axis !== undefined && spec.granularity.kind !== 'tensor')
    spec.granularity = { ...spec.granularity, axis } as Granularity;
  const clip = flags.get('clip');
  if (clip !== undefined) {
    spec.clipQuantile = Number(clip);
    if (!(spec.clipQuantile > 0 && spec.clipQuantile <= 1))
      throw new Error(`--clip must be a quantile in (0, 1], not '${clip}'`);
  }
  const r = flags.get('rounding');
  if (r !== undefined) {
    if (r !== 'nearest' && r !== 'stochastic')
      throw new Error(`--rounding must be nearest or stochastic, not '${r}'`);
    spec.rounding = r;
  }
  const seed = flags.get('seed');
  if (seed !== undefined) {
    spec.seed = whole(seed, '--seed');
    if (spec.seed >= 2 ** 32) throw new Error(`--seed must be below 2^32, not '${seed}'`);
  }
  const sd = flags.get('scale-dtype');
  if (sd !== undefined) {
    if (sd !== 'f32' && sd !== 'f16')
      throw new Error(`--scale-dtype must be f32 or f16, not '${sd}'`);
    spec.scaleBits = sd === 'f16' ? 16 : 32;
  }
  validateSpec(spec);
  return spec;
}

/** A non-negative integer written in decimal digits (not '', '0x10' or '1e3'). */
function whole(text: string, flag: string): number {
  if (!/^\d{1,15}$/.test(text))
    throw new Error(`${flag} must be a non-negative integer, not '${text}'`);
  return Number(text);
}

function granularityOf(g: string, axis: number | undefined): Granularity {
  if (g === 'tensor') return { kind: 'tensor' };
  if (g === 'channel') return { kind: 'channel', axis: axis ?? 0 };
  const m = /^group:(\d{1,9})$/.exec(g);
  if (m && Number(m[1]) > 0)
    return { kind: 'group', size: Number(m[1]), ...(axis !== undefined ? { axis } : {}) };
  throw new Error(`--granularity must be tensor, channel or group:N, not '${g}'`);
}

export interface TensorQuantJson {
  name: string;
  shape: number[];
  sqnr_db: number | null;
  mse: number | null;
  clip_mse: number | null;
  round_mse: number | null;
  max_abs_err: number;
  cosine: number | null;
  clipped: number;
  bits_per_weight: number;
  bytes_before: number;
  /** At bits_per_weight, codes packed. */
  bytes_after: number;
  /** In the layout `--out` writes (codes of 2–8 bits take a byte, 4-bit ones half; I32 zero points). */
  bytes_stored: number;
}

const num = (v: number) => (Number.isFinite(v) ? v : null);

/** Each weight's error and size, one at a time; then the model's bytes before and after. */
export async function* quantizeAll(
  m: OpenedModel,
  spec: QuantSpec,
  filter?: string,
): AsyncGenerator<TensorQuantJson> {
  const weights = m.info.tensors.filter(
    (t) =>
      t.shape.length >= 2 &&
      t.params > 0 &&
      isFloatTensor(t) &&
      (!filter || t.name.includes(filter)),
  );
  const scratch: Scratch = {
    buffer: new ArrayBuffer(weights.reduce((a, t) => Math.max(a, t.bytes), 0)),
  };
  for (const t of weights) {
    const x = await readTensorF32(m.sources.get(t.dataFile ?? m.info.file)!, t, scratch);
    const q = quantize(x, t.shape, fitSpec(spec, t.shape).spec, { dequantized: false });
    const e = q.error;
    yield {
      name: t.name,
      shape: t.shape,
      sqnr_db: e.sqnrDb === Infinity ? null : num(e.sqnrDb),
      mse: num(e.mse),
      clip_mse: num(e.clippingMse),
      round_mse: num(e.roundingMse),
      max_abs_err: e.maxAbsError,
      cosine: num(e.cosine),
      clipped: e.clipped,
      bits_per_weight: q.bitsPerWeight,
      bytes_before: storedBytes(t),
      bytes_after: Math.ceil((t.params * q.bitsPerWeight) / 8),
      bytes_stored: layoutBytes(q.spec, t.params, q.layout.blocks),
    };
  }
}

/** Bytes a tensor takes in the safetensors layout the export writes. */
export function layoutBytes(spec: QuantSpec, params: number, blocks: number): number {
  if (spec.format === 'fp16' || spec.format === 'bf16') return params * 2;
  if (spec.format !== 'int') return Math.ceil((params * codeBits(spec)) / 8);
  const codes = spec.bits === 4 ? Math.ceil(params / 2) : params * (spec.bits > 8 ? 2 : 1);
  return codes + blocks * (spec.scaleBits / 8) + (spec.symmetric ? 0 : blocks * 4);
}

export function modelBytes(m: OpenedModel): number {
  return totalBytes(m.info);
}

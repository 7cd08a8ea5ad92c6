// The quantization flags, read into the preset's settings (the schema's fields, with its bounds and
// its checks) and turned into a spec by the schema's specOf: a spec means the same in a link from
// the app and on the command line.
import type { QuantSpec } from '../engine/types.ts';
import { validateSpec } from '../engine/weights.ts';
import {
  defaultSettings,
  FIELDS,
  type Field,
  type SettingName,
  type Settings,
} from '../presets/fields.ts';
import { isValidSetting, specOf } from '../presets/schema.ts';
import { numberPhrase, UsageError, type Args, type Flag } from './table.ts';

const DTYPES =
  'int2..int8, int16, uint2..uint8, uint16, fp32, tf32, fp16, bf16, fp8e4m3fn, fp8e5m2, fp4e2m1, nf4, binary, ternary, log2:B, quantile:B';

const bounds = (name: 'qAxis' | 'qClip' | 'seed') => ({
  min: FIELDS[name].min,
  max: FIELDS[name].max,
});

export const SPEC_FLAGS: readonly Flag[] = [
  { name: 'dtype', type: 'string', arg: 'T', required: true, help: `number format: ${DTYPES}` },
  {
    name: 'scheme',
    type: 'enum',
    arg: 'S',
    values: ['sym', 'sym-full', 'asym'],
    default: 'sym, asym for uintN',
    help: 'integer range: symmetric without −2^(b−1), symmetric full, or with a zero point',
  },
  {
    name: 'granularity',
    type: 'string',
    arg: 'G',
    default: 'channel, nf4 group:64',
    help: 'one scale per tensor, channel or group of N values (tensor, channel, group:N)',
  },
  {
    name: 'axis',
    type: 'int',
    arg: 'A',
    ...bounds('qAxis'),
    default: '0',
    help: 'the channel axis, or the axis groups run along',
  },
  {
    name: 'clip',
    type: 'num',
    arg: 'Q',
    noun: 'a quantile',
    ...bounds('qClip'),
    default: '1',
    help: "clip every block's range at this quantile of |x|",
  },
  {
    name: 'rounding',
    type: 'enum',
    arg: 'R',
    values: FIELDS.qRounding.options,
    default: FIELDS.qRounding.default,
    help: 'rounding',
  },
  {
    name: 'seed',
    type: 'int',
    arg: 'S',
    ...bounds('seed'),
    default: '0',
    help: 'seed of stochastic rounding',
  },
  {
    name: 'scale-dtype',
    type: 'enum',
    arg: 'D',
    values: ['f32', 'f16'],
    default: 'f32',
    help: 'scales stored (and used) as',
  },
];

function describe(f: Field): string {
  if (f.kind === 'enum') return `one of ${f.options.join(', ')}`;
  if (f.kind === 'int' || f.kind === 'num')
    return numberPhrase({ type: f.kind === 'int' ? 'int' : 'num', min: f.min, max: f.max });
  return f.kind === 'bool' ? 'on or off' : 'a name';
}

/**
 * The settings the flags give (the command line's seed is 0 unless given) and the spec they make.
 * Throws UsageError naming the flag.
 */
export function specFromArgs(a: Args): { settings: Settings; spec: QuantSpec } {
  const s: Settings = { ...defaultSettings(), seed: 0 };
  const given: Array<{ name: SettingName; flag: string }> = [];
  const put = <K extends SettingName>(name: K, v: Settings[K], flag: string) => {
    s[name] = v;
    given.push({ name, flag });
  };

  const dtype = a.text('dtype')!;
  const int = /^(u?)int(\d+)$/.exec(dtype);
  const coded = /^(log2|quantile):(\d)$/.exec(dtype);
  if (int) {
    put('qFormat', 'int', 'dtype');
    put('qBits', Number(int[2]), 'dtype');
    if (int[1]) put('qSymmetric', false, 'dtype');
  } else if (coded) {
    put('qFormat', coded[1]!, 'dtype');
    put('qBits', Number(coded[2]), 'dtype');
  } else if (
    FIELDS.qFormat.options.includes(dtype) &&
    !['int', 'log2', 'quantile'].includes(dtype)
  ) {
    put('qFormat', dtype, 'dtype');
    // QLoRA's blocks of 64.
    if (dtype === 'nf4') {
      put('qGranularity', 'group', 'dtype');
      put('qGroup', 64, 'dtype');
    }
  } else throw new UsageError(`--dtype '${dtype}' is not one of ${DTYPES}`);

  const scheme = a.text('scheme');
  if (scheme !== undefined) {
    if (s.qFormat !== 'int')
      throw new UsageError(`--scheme applies to integer dtypes, not ${dtype}`);
    if (int?.[1] && scheme !== 'asym')
      throw new UsageError(
        `--dtype ${dtype} is unsigned: it takes --scheme asym (or use int${int[2]})`,
      );
    put('qSymmetric', scheme !== 'asym', 'scheme');
    put('qRestricted', scheme === 'sym', 'scheme');
  }

  const axis = a.num('axis');
  if (axis !== undefined) put('qAxis', axis, 'axis');
  const g = a.text('granularity');
  if (g !== undefined) {
    const group = /^group:(\d{1,9})$/.exec(g);
    if (g === 'tensor' || g === 'channel') put('qGranularity', g, 'granularity');
    else if (group && Number(group[1]) > 0) {
      put('qGranularity', 'group', 'granularity');
      put('qGroup', Number(group[1]), 'granularity');
    } else throw new UsageError(`--granularity must be tensor, channel or group:N, not '${g}'`);
  }
  const clip = a.num('clip');
  if (clip !== undefined) put('qClip', clip, 'clip');
  const rounding = a.text('rounding');
  if (rounding !== undefined) put('qRounding', rounding, 'rounding');
  const seed = a.num('seed');
  if (seed !== undefined) put('seed', seed, 'seed');
  const scale = a.text('scale-dtype');
  if (scale !== undefined) put('qScaleBits', scale === 'f16' ? 16 : 32, 'scale-dtype');

  let spec = specOf(s);
  // A preset's groups run along rows; ONNX blocked quantization (and this flag) names their axis.
  if (axis !== undefined && spec.granularity.kind === 'group')
    spec = { ...spec, granularity: { ...spec.granularity, axis } };
  try {
    validateSpec(spec);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  for (const { name, flag } of given)
    if (!isValidSetting(name, s[name]))
      throw new UsageError(
        `--${flag} sets ${FIELDS[name].help} to ${String(s[name])}, which must be ${describe(FIELDS[name])}`,
      );
  return { settings: s, spec };
}

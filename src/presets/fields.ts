// Every setting a preset carries, in one table: its short URL key, its type, its bounds, its
// default and the words a notice uses for it. The only place a setting and its default are declared;
// the codec (schema.ts) reads and writes presets from it, the store keeps its values.
import { PROFILES } from '../core/perf/hardware.ts';
import { DEFAULT_SPEC, QUANT_FORMATS } from '../core/quant/spec.ts';

const Q = DEFAULT_SPEC;
const Q_AXIS = Q.granularity.kind === 'channel' ? Q.granularity.axis : 0;

type FieldOf<K extends string, T> = { key: K; default: T; help: string };

export type Field =
  | (FieldOf<string, string> & { kind: 'enum'; options: readonly string[] })
  | (FieldOf<string, number> & {
      kind: 'int';
      min: number;
      max: number;
      choices?: readonly number[];
    })
  | (FieldOf<string, number> & { kind: 'num'; min: number; max: number })
  | (FieldOf<string, boolean> & { kind: 'bool' })
  | (FieldOf<string, string> & { kind: 'text'; pattern: RegExp; maxLength: number });

const e = (key: string, options: readonly string[], d: string, help: string) => ({
  kind: 'enum' as const,
  key,
  options,
  default: d,
  help,
});
const i = (
  key: string,
  min: number,
  max: number,
  d: number,
  help: string,
  choices?: readonly number[],
) => ({
  kind: 'int' as const,
  key,
  min,
  max,
  default: d,
  help,
  ...(choices ? { choices } : {}),
});
const n = (key: string, min: number, max: number, d: number, help: string) => ({
  kind: 'num' as const,
  key,
  min,
  max,
  default: d,
  help,
});
const b = (key: string, d: boolean, help: string) => ({
  kind: 'bool' as const,
  key,
  default: d,
  help,
});

/**
 * The labs, in the order their tabs are listed beside the model: the quantization lab (the tensor
 * panel), the language model, the mixed-precision plan, then the demo labs, latency and benchmarks.
 */
export const LABS = [
  'quantization',
  'lm',
  'plan',
  'accuracy',
  'calibration',
  'pruning',
  'training',
  'latency',
  'benchmarks',
] as const;
export type LabId = (typeof LABS)[number];

/** Every setting, by name. Changing a key or a meaning needs a new version and a migration. */
export const FIELDS = {
  // What is open and what is shown.
  // The page opens on a model every lab runs on (until version 1: ppocr-cls, see MIGRATIONS).
  demo: e(
    'demo',
    ['none', 'ppocr-cls', 'mnist-mlp', 'mnist-cnn', 'mnist-vit', 'stories260K'],
    'mnist-mlp',
    'demo model',
  ),
  // The lab beside the model: a link opens on the lab it was made in.
  lab: e('lab', LABS, 'quantization', 'lab shown'),
  tensor: {
    kind: 'text' as const,
    key: 't',
    default: '',
    // Any name a weights file may use, but no control characters, quotes or angle brackets.
    pattern: /^[^<>"'`]*$/,
    maxLength: 200,
    help: 'selected tensor',
  },
  bins: i('b', 16, 1024, 64, 'histogram bins', [16, 32, 64, 128, 256, 512, 1024]),
  logScale: b('lg', false, 'histogram on a log scale'),
  seed: i('sd', 0, 2 ** 31 - 1, Q.seed, 'random seed (stochastic rounding, calibration sample)'),
  // Quantization of the selected tensor.
  qFormat: e('qf', QUANT_FORMATS, Q.format, 'number format'),
  qBits: i('qb', 2, 16, Q.bits, 'bits (int, log2, quantile)'),
  qSymmetric: b('qs', Q.symmetric, 'symmetric (absmax) rather than a zero point'),
  qRestricted: b('qr', Q.restricted, 'symmetric range without −2^(b−1)'),
  qGranularity: e('qg', ['tensor', 'channel', 'group'], Q.granularity.kind, 'one scale per ...'),
  qAxis: i('qa', 0, 7, Q_AXIS, 'channel axis'),
  qGroup: i('qz', 1, 65536, 128, 'group size'),
  qRounding: e('qn', ['nearest', 'stochastic'], Q.rounding, 'rounding'),
  qClip: n('qc', 0.5, 1, Q.clipQuantile, 'clip at this quantile of |x|'),
  qScaleBits: i('qk', 16, 32, Q.scaleBits, 'scale storage bits', [16, 32]),
  int8Threshold: n('ot', 0, 1000, 6, 'LLM.int8() outlier threshold'),
  // Calibration lab.
  calSize: i('cs', 32, 4096, 512, 'calibration digits', [128, 512, 2048]),
  calMomentum: n('cm', 0, 1, 0.9, 'moving-average momentum'),
  calBits: i('cb', 2, 8, 8, 'activation bits', [4, 8]),
  calLayer: i('cl', 0, 64, 1, 'layer shown'),
  calSeed: i('cz', 0, 2 ** 31 - 1, 1, 'calibration sample seed'),
  // The demo labs: how many of the 10,000 shipped digits they train and test on (fewer: a quick
  // run). Not `ld`: that key is the latency model's deployment.
  labDigits: i(
    'lz',
    1000,
    10000,
    10000,
    'digits the demo labs train and test on',
    [1000, 2500, 10000],
  ),
  // Pruning lab.
  pruneMethod: e(
    'pm',
    ['magnitude', 'global', 'nm24', 'nm14', 'nm48', 'channel'],
    'magnitude',
    'pruning method',
  ),
  pruneSparsity: n('ps', 0, 0.99, 0.8, 'sparsity'),
  pruneFineTune: b('pf', false, 'fine-tune in the sweep'),
  pruneSweepPoints: i('pn', 2, 7, 7, 'sparsity sweep: sparsities per magnitude method', [2, 4, 7]),
  pruneFinal: n('pg', 0.1, 0.99, 0.95, 'gradual pruning: final sparsity'),
  pruneEpochs: i('pe', 1, 10, 2, 'gradual pruning: epochs'),
  // Retraining: prune + fine-tune, distillation, low rank.
  ftChoice: e(
    'fc',
    ['m50', 'm80', 'm90', 'm95', 'm98', 'nm24', 'nm14'],
    'm90',
    'prune + fine-tune method',
  ),
  ftEpochs: i('fe', 1, 10, 2, 'fine-tune epochs'),
  student: e(
    'ds',
    ['mlp-784-32-10', 'mlp-784-64-10', 'mlp-784-128-64-10'],
    'mlp-784-128-64-10',
    'distillation student',
  ),
  temperature: n('dt', 1, 20, 4, 'distillation temperature'),
  alpha: n('da', 0, 1, 0.9, 'weight of the soft loss'),
  distillEpochs: i('de', 1, 50, 15, 'distillation epochs'),
  rankEnergy: n('re', 0.5, 1, 0.9, 'low rank: energy kept'),
  rankEpochs: i('rf', 0, 5, 0, 'low rank: fine-tune epochs'),
  // Latency model and KV cache.
  latDeployment: e('ld', ['fp32', 'fp16', 'w8a8', 'w4a16', 's24', 's24i8'], 'w8a8', 'deployment'),
  latBatch: i('lb', 1, 16384, 1, 'batch', [1, 8, 64, 1024, 16384]),
  latProfile: e(
    'lp',
    PROFILES.map((p) => p.id),
    'a10',
    'hardware profile',
  ),
  kvLayers: i('kl', 1, 256, 32, 'KV cache: layers'),
  kvHeads: i('kh', 1, 256, 32, 'KV cache: KV heads'),
  kvHeadDim: i('kd', 8, 512, 128, 'KV cache: head size'),
  kvBytes: n('kb', 0.5, 4, 2, 'KV cache: bytes per value'),
  kvBlock: i('kk', 1, 256, 16, 'KV cache: block size'),
  kvMaxLen: i('km', 16, 1 << 20, 2048, 'KV cache: longest sequence'),
  kvBudget: n('kg', 0.25, 1024, 16, 'KV cache: memory budget, GiB'),
  plannerBpw: n('pb', 1, 16, 4.5, 'planner: bits per weight budget'),
  // The table of every variant: the hardware its latency column is estimated for.
  varProfile: e(
    'vp',
    PROFILES.map((p) => p.id),
    'a10',
    'variants table: hardware profile',
  ),
  varMode: e('vm', ['native', 'webgpu'], 'native', 'variants table: run natively or in WebGPU'),
  varBatch: i('vn', 1, 1024, 1, 'variants table: batch', [1, 8, 64, 1024]),
  // Language model: the evaluation's window (tokens; stories260K's own context is 512), and whether
  // the quantized model (the tensor panel's scheme) is measured against the base.
  lmCtx: i('lc', 64, 512, 256, 'language model: context (tokens)', [64, 128, 256, 512]),
  lmCompare: b('lq', true, 'language model: compare with the quantized model'),
  // The language model's compression beyond the weight scheme: each part off by default, so that
  // `lq` alone keeps meaning "the weights through the tensor panel's scheme".
  lmKvCache: e('lk', ['off', 'int8', 'int4'], 'off', 'language model: KV cache'),
  lmActivations: e('la', ['off', 'w8a8', 'llm.int8'], 'off', 'language model: activations'),
  // The calibration lab's methods that fit one range per projection (the KL and MSE searches at
  // their usual bins: TensorRT's 2048 → 128 levels, 2048 for MSE).
  lmCalibration: e(
    'ly',
    ['minmax', 'p99.9', 'p99.99', 'mse', 'kl'],
    'minmax',
    'language model: W8A8 calibration method',
  ),
  lmCalibrationTokens: i(
    'lt',
    16,
    512,
    128,
    'language model: W8A8 calibration tokens',
    [32, 64, 128, 256, 512],
  ),
  // LLM.int8()'s own threshold (Dettmers et al. 2022: 6.0), apart from `ot`, the tensor panel's.
  lmInt8Threshold: n('lo', 0.5, 100, 6, 'language model: LLM.int8() outlier threshold'),
  lmPrune: e('lu', ['off', 'magnitude', 'nm24'], 'off', 'language model: pruning'),
  lmSparsity: n('ls', 0.05, 0.95, 0.5, 'language model: pruned fraction'),
  lmLowRank: b('lr', false, 'language model: low rank'),
  lmRankFraction: n('lf', 0.05, 1, 0.5, 'language model: rank kept, fraction of the full'),
  // What the planner minimises: each weight's squared error, or the language model's KL on the text.
  plannerMeasure: e('pt', ['mse', 'kl'], 'mse', 'planner: measure'),
} satisfies Record<string, Field>;

export type SettingName = keyof typeof FIELDS;
type ValueOf<F> = F extends { kind: 'bool' }
  ? boolean
  : F extends { kind: 'int' | 'num' }
    ? number
    : string;
export type Settings = { -readonly [K in SettingName]: ValueOf<(typeof FIELDS)[K]> };

export function defaultSettings(): Settings {
  return Object.fromEntries(
    Object.entries(FIELDS).map(([name, f]) => [name, f.default]),
  ) as Settings;
}

// The app's state: summaries and ids only, never tensors or GPU buffers.
import { create } from 'zustand';
import { defaultSettings, type SettingName, type Settings } from '../presets/schema.ts';
import type {
  BackendStatus,
  Comparison,
  FileProblem,
  Int8Report,
  ModelSummary,
  PlanTensor,
  QuantReport,
  QuantSpec,
  SensitivityRow,
  TensorAnalysis,
  VariantResult,
  QatComparison,
  LowRankResult,
  LayerStudy,
  PtqComparison,
  StudyOptions,
  DistillPoint,
  DistillRequest,
  DistillResult,
  PruneMethod,
  PruneResult,
  GradualResult,
  PruneStudy,
  SweepPoint,
  LayerWork,
} from '../bridge/client.ts';

export type {
  LayerWork,
  DistillPoint,
  DistillRequest,
  DistillResult,
  PruneMethod,
  PruneResult,
  GradualResult,
  LabMethod,
  PruneStudy,
  SweepPoint,
  LayerStudy,
  PtqComparison,
  StudyOptions,
  LowRankResult,
  QatComparison,
  Evaluation,
  VariantResult,
  CompareRow,
  Comparison,
  Int8Report,
  PlanTensor,
  QuantSpec,
  SensitivityRow,
  ExportOptions,
  QuantReport,
  ModelSummary,
  TensorAnalysis,
  TensorRow,
  TensorStats,
} from '../bridge/client.ts';

export type SortKey = 'name' | 'dtype' | 'params' | 'bytes' | 'rank';

export interface Job {
  id: number;
  label: string;
  progress: number;
  /** Training jobs can be paused; `paused` says whether this one is. */
  pausable: boolean;
  paused: boolean;
}

/** One compressed variant of a demo model, in the comparison table that gathers them all. */
export interface VariantRow {
  /** model id and label: a new result with the same key replaces the old row. */
  key: string;
  modelId: string;
  model: string;
  technique: string;
  label: string;
  bytes: number;
  /** Per-digit work of each layer, for the latency model. */
  work: LayerWork[];
  accuracy: number;
  agreement: number | null;
  kl: number | null;
}

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

export interface SlimState {
  backend: BackendStatus | null;
  /** Every open model, in the order opened. */
  models: ModelSummary[];
  /** The one shown. */
  model: ModelSummary | null;
  selected: string | null;
  bins: number;
  logScale: boolean;
  filter: string;
  sort: { key: SortKey; desc: boolean };
  analysis: TensorAnalysis | null;
  quantSpec: QuantSpec;
  /** What quantSpec does to the selected tensor. */
  quant: (QuantReport & { tensor: string }) | null;
  /** Other formats, bit widths and clipping thresholds on the selected tensor. */
  comparison: (Comparison & { tensor: string; spec: QuantSpec }) | null;
  int8Threshold: number;
  int8: (Int8Report & { tensor: string }) | null;
  /** Every weight under quantSpec, for the model shown; null until asked for. */
  sensitivity: { modelId: string; spec: QuantSpec; filter: string; rows: SensitivityRow[] } | null;
  /** The open demo model on the test digits, as it is and quantized. */
  evaluation: { modelId: string; spec: QuantSpec; results: VariantResult[] } | null;
  /** PTQ against QAT at 8, 4 and 2 bits for the open demo model. */
  qat: { modelId: string; result: QatComparison } | null;
  /** The open demo model factorized by SVD. */
  lowRank: { modelId: string; result: LowRankResult } | null;
  /** The open demo model pruned, then fine-tuned with the masks fixed. */
  prune: { modelId: string; method: PruneMethod; result: PruneResult } | null;
  /** A distillation run: its points arrive epoch by epoch, the result at the end. */
  distillation: {
    modelId: string;
    request: DistillRequest;
    points: DistillPoint[];
    result: DistillResult | null;
  } | null;
  /** The pruning lab on the open demo model. */
  pruneLab: {
    modelId: string;
    study: PruneStudy | null;
    sweep: SweepPoint[] | null;
    gradual: GradualResult | null;
  } | null;
  /** Every variant evaluated in this session, for the comparison table. */
  variants: VariantRow[];
  /** The calibration lab on the open demo model. */
  calibration: { modelId: string; o: StudyOptions; layers: LayerStudy[] } | null;
  ptq: { modelId: string; o: StudyOptions; result: PtqComparison } | null;
  /** Each weight's size and error under the planner's candidates. */
  planOptions: { modelId: string; spec: QuantSpec; tensors: PlanTensor[] } | null;
  job: Job | null;
  opening: boolean;
  notices: Notice[];
  /** The panels' settings that a preset carries (the rest of the preset is the fields above). */
  settings: Settings;
  /** Teaching mode: settings shown but locked, panels hidden, the lesson open. */
  teaching: { locked: SettingName[]; hidden: string[]; lesson: string | null };
}

export type { LayerReport, Deployment } from '../bridge/client.ts';

export const DEFAULT_BINS = 64;

/** int8, absmax, one scale per output channel: what most tools do first. */
export const DEFAULT_QUANT_SPEC: QuantSpec = {
  format: 'int',
  bits: 8,
  symmetric: true,
  restricted: true,
  granularity: { kind: 'channel', axis: 0 },
  rounding: 'nearest',
  seed: 1,
  clipQuantile: 1,
  scaleBits: 32,
};
export const BIN_CHOICES = [16, 32, 64, 128, 256, 512, 1024] as const;

export const useStore = create<SlimState>()(() => ({
  backend: null,
  models: [],
  model: null,
  selected: null,
  bins: DEFAULT_BINS,
  logScale: false,
  filter: '',
  sort: { key: 'name', desc: false },
  analysis: null,
  quantSpec: DEFAULT_QUANT_SPEC,
  quant: null,
  comparison: null,
  int8Threshold: 6,
  int8: null,
  sensitivity: null,
  planOptions: null,
  evaluation: null,
  qat: null,
  lowRank: null,
  prune: null,
  distillation: null,
  pruneLab: null,
  variants: [],
  calibration: null,
  ptq: null,
  job: null,
  opening: false,
  notices: [],
  settings: defaultSettings(),
  teaching: { locked: [], hidden: [], lesson: null },
}));

export function problemsToNotices(problems: FileProblem[], nextId: () => number): Notice[] {
  return problems.map((p) => ({ id: nextId(), kind: 'error', text: p.message }));
}

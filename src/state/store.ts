// The app's state: summaries and ids only, never tensors or GPU buffers.
import { create } from 'zustand';
import type {
  BackendStatus,
  FileProblem,
  ModelSummary,
  QuantReport,
  QuantScheme,
  SensitivityRow,
  TensorAnalysis,
} from '../bridge/client.ts';

export type {
  SensitivityRow,
  ExportOptions,
  QuantReport,
  QuantScheme,
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
  quantScheme: QuantScheme;
  /** What quantScheme does to the selected tensor. */
  quant: (QuantReport & { tensor: string }) | null;
  /** Every weight under quantScheme, for the model shown; null until asked for. */
  sensitivity: { modelId: string; scheme: QuantScheme; rows: SensitivityRow[] } | null;
  job: Job | null;
  opening: boolean;
  notices: Notice[];
}

export const DEFAULT_BINS = 64;
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
  quantScheme: { bits: 8, symmetric: true, granularity: 'channel', clipQuantile: 1 },
  quant: null,
  sensitivity: null,
  job: null,
  opening: false,
  notices: [],
}));

export function problemsToNotices(problems: FileProblem[], nextId: () => number): Notice[] {
  return problems.map((p) => ({ id: nextId(), kind: 'error', text: p.message }));
}

// The engine's public types, in one module: what the bridge, the state, the UI and the CLI may
// know of the engine (types only; nothing here runs). The jobs table defines the rest.
import type { OpenOutcome } from './session.ts';

export type { JobName, JobRequest, JobResult, JobUpdate } from './jobs/index.ts';
export type { EngineEvent } from './host.ts';
export type { BackendStatus } from './backend.ts';
export type { AdapterSummary } from '../gpu/device.ts';
export type { KernelReport } from '../core/perf/bench-report.ts';
export type { ExportOptions } from './export.ts';
export type { ExportResult, ExportTarget } from './write-out.ts';
export type { SensitivityRow, TensorAnalysis, OpenOutcome } from './session.ts';
export type { ModelSummary } from './model-view.ts';
export type { TensorRow } from '../formats/model.ts';
export type { CompareRow, Comparison, Int8Report, QuantReport, QuantSpec } from './quantize.ts';
export type { PlanTensor } from '../core/quant/planner.ts';
export type { TensorStats } from '../core/stats/stats.ts';
export type { LayerWork } from '../core/perf/latency.ts';
export type { Evaluation } from '../models/evaluate.ts';
export type { Deployment } from '../models/work.ts';
export type { LowRankResult, QatComparison, VariantResult } from './labs/variants.ts';
export type { LayerStudy, PtqComparison, StudyOptions } from './labs/calibration.ts';
export type { DistillPoint, DistillResult, PruneMethod, PruneResult } from './labs/finetune.ts';
export type { GradualResult } from './labs/prune-gradual.ts';
export type { LabMethod } from './labs/prune-masks.ts';
export type { LayerReport, PruneStudy, WeightStudy } from './labs/prune-study.ts';
export type { WeightPruneStudy } from './labs/prune-weights-study.ts';
export type { WeightRank, WeightRanks } from './labs/weight-lowrank.ts';
export type { SweepPoint } from './labs/prune-sweep.ts';
export type { DistillRequest } from './jobs/demo-jobs.ts';
export type { Summary as LmSummary } from '../core/lm/metrics.ts';
export type { LmEvaluation, LmGeneration } from './lm.ts';

/** A file that did not open, and why. */
export type FileProblem = OpenOutcome['problems'][number];
export type { LmCompression } from './lm-compression.ts';
export type { CalibrationMethod } from '../core/calib/calibrate.ts';
export type {
  LmPlanCheck,
  LmPlanOptions,
  LmSensitivity,
  LmSensitivityRow,
} from './lm-sensitivity.ts';

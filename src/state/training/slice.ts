// Retraining the open demo model: pruned then fine-tuned with the masks fixed, and distilled into a
// small student (its points arrive epoch by epoch, the result at the end).
import type {
  DistillPoint,
  DistillRequest,
  DistillResult,
  PruneMethod,
  PruneResult,
} from '../../engine/types.ts';

export interface TrainingSlice {
  prune: { modelId: string; method: PruneMethod; result: PruneResult } | null;
  distillation: {
    modelId: string;
    request: DistillRequest;
    points: DistillPoint[];
    result: DistillResult | null;
  } | null;
}

export const trainingSlice = (): TrainingSlice => ({ prune: null, distillation: null });

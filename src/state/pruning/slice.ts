// The pruning lab on the open model: one method's study (with accuracy on a demo that runs; on
// any other model, of its weights alone), and on a demo that runs the sweep and gradual pruning.
import type {
  GradualResult,
  PruneStudy,
  SweepPoint,
  WeightPruneStudy,
} from '../../engine/types.ts';

export interface PruningSlice {
  pruneLab: {
    modelId: string;
    study: PruneStudy | WeightPruneStudy | null;
    sweep: SweepPoint[] | null;
    gradual: GradualResult | null;
  } | null;
}

export const pruningSlice = (): PruningSlice => ({ pruneLab: null });

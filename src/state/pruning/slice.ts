// The pruning lab on the open demo model: one method's study, the sweep, gradual pruning.
import type { GradualResult, PruneStudy, SweepPoint } from '../../engine/types.ts';

export interface PruningSlice {
  pruneLab: {
    modelId: string;
    study: PruneStudy | null;
    sweep: SweepPoint[] | null;
    gradual: GradualResult | null;
  } | null;
}

export const pruningSlice = (): PruningSlice => ({ pruneLab: null });

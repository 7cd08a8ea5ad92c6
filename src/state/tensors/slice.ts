// The open models and the tensor shown: tabs, selection, its analysis, the table's filter and sort.
import type { ModelSummary, TensorAnalysis } from '../../engine/types.ts';
import { FIELDS } from '../../presets/fields.ts';

export type SortKey = 'name' | 'dtype' | 'params' | 'bytes' | 'rank';

/** The histogram bin counts a person can choose (the preset field's choices). */
export const BIN_CHOICES: readonly number[] = FIELDS.bins.choices ?? [];

export interface TensorsSlice {
  /** Every open model, in the order opened. */
  models: ModelSummary[];
  /** The one shown. */
  model: ModelSummary | null;
  selected: string | null;
  filter: string;
  sort: { key: SortKey; desc: boolean };
  analysis: TensorAnalysis | null;
  /** Files are being read. */
  opening: boolean;
}

export const tensorsSlice = (): TensorsSlice => ({
  models: [],
  model: null,
  selected: null,
  filter: '',
  sort: { key: 'name', desc: false },
  analysis: null,
  opening: false,
});

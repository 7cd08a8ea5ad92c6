// The app's state: one zustand store composed of a slice per feature. Summaries and ids only, never
// tensors or GPU buffers. Actions (each feature's actions.ts) are the only code that changes it.
import { create } from 'zustand';
import { accuracySlice, type AccuracySlice } from './accuracy/slice.ts';
import { calibrationSlice, type CalibrationSlice } from './calibration/slice.ts';
import { deviceSlice, type DeviceSlice } from './device/slice.ts';
import { jobsSlice, type JobsSlice } from './jobs/slice.ts';
import { lmSlice, type LmSlice } from './lm/slice.ts';
import { pruningSlice, type PruningSlice } from './pruning/slice.ts';
import { quantSlice, type QuantSlice } from './quant/slice.ts';
import { settingsSlice, type SettingsSlice } from './settings/slice.ts';
import { tensorsSlice, type TensorsSlice } from './tensors/slice.ts';
import { trainingSlice, type TrainingSlice } from './training/slice.ts';

export type SlimState = DeviceSlice &
  TensorsSlice &
  QuantSlice &
  AccuracySlice &
  CalibrationSlice &
  TrainingSlice &
  PruningSlice &
  LmSlice &
  JobsSlice &
  SettingsSlice;

/** A fresh store's state: every slice at its start (tests reset the store to it). */
export function initialState(): SlimState {
  return {
    ...deviceSlice(),
    ...tensorsSlice(),
    ...quantSlice(),
    ...accuracySlice(),
    ...calibrationSlice(),
    ...trainingSlice(),
    ...pruningSlice(),
    ...lmSlice(),
    ...jobsSlice(),
    ...settingsSlice(),
  };
}

export const useStore = create<SlimState>()(initialState);

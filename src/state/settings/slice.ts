// The panels' settings (the preset's values: the one place the store keeps a setting) and teaching
// mode, with what is derived from them.
import type { QuantSpec } from '../../engine/types.ts';
import { defaultSettings, type SettingName, type Settings } from '../../presets/fields.ts';
import { specOf } from '../../presets/schema.ts';

export interface Teaching {
  locked: SettingName[];
  hidden: string[];
  lesson: string | null;
}

/** What the person had before a lesson started: given back, as it was, when the lesson ends. */
export interface LessonReturn {
  settings: Settings;
  teaching: Teaching;
  /** The model shown and its tensor (the model may have been closed during the lesson). */
  modelId: string | null;
  selected: string | null;
}

export interface SettingsSlice {
  /** Every setting a preset carries; the tensor shown is `selected`, not `settings.tensor`. */
  settings: Settings;
  /** Teaching mode: settings shown but locked, panels hidden, the lesson open. */
  teaching: Teaching;
  /** The session a lesson opened beside (null when no lesson, or one opened by a link, is open). */
  lessonReturn: LessonReturn | null;
  /**
   * A link made on a model of the person's own (which no link can carry): the file to drop, and the
   * tensor shown then. Cleared once that file is open.
   */
  linkModel: { file: string; tensor: string } | null;
}

export const settingsSlice = (): SettingsSlice => ({
  settings: defaultSettings(),
  teaching: { locked: [], hidden: [], lesson: null },
  lessonReturn: null,
  linkModel: null,
});

let last: { settings: Settings; spec: QuantSpec } | null = null;

/**
 * The quantization spec the settings describe. The same object for as long as the spec is the same
 * (a change of another setting keeps it): results are matched to the spec they were made for by
 * identity, and React selectors need a stable value.
 */
export function quantSpecOf(settings: Settings): QuantSpec {
  if (last?.settings === settings) return last.spec;
  const spec = specOf(settings);
  const same = last !== null && JSON.stringify(last.spec) === JSON.stringify(spec);
  last = { settings, spec: same ? last!.spec : spec };
  return last.spec;
}

/** All the digits Slimlab ships: the demo labs' default size. */
export const ALL_DIGITS = 10_000;

/**
 * What a demo-lab request carries for the chosen size: `digits` only below all of them, so that a
 * request at the default is the same as before the setting existed.
 */
export function labSize(settings: Settings): { digits?: number } {
  return settings.labDigits < ALL_DIGITS ? { digits: settings.labDigits } : {};
}

/** The engine's four-to-one split of a lab's digits (models/mnist.ts, splitDigits). */
export function labSplit(digits: number): { train: number; test: number } {
  const train = Math.round(digits * 0.8);
  return { train, test: digits - train };
}

// The panels' settings (the preset's values: the one place the store keeps a setting) and teaching
// mode, with what is derived from them.
import type { QuantSpec } from '../../engine/types.ts';
import { defaultSettings, type SettingName, type Settings } from '../../presets/fields.ts';
import { specOf } from '../../presets/schema.ts';

export interface SettingsSlice {
  /** Every setting a preset carries; the tensor shown is `selected`, not `settings.tensor`. */
  settings: Settings;
  /** Teaching mode: settings shown but locked, panels hidden, the lesson open. */
  teaching: { locked: SettingName[]; hidden: string[]; lesson: string | null };
}

export const settingsSlice = (): SettingsSlice => ({
  settings: defaultSettings(),
  teaching: { locked: [], hidden: [], lesson: null },
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

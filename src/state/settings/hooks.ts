// What panels read of the settings: one setting with its setter and lock, and the quantization spec.
import type { QuantSpec } from '../../engine/types.ts';
import type { SettingName, Settings } from '../../presets/fields.ts';
import { useStore } from '../store.ts';
import { setSetting } from './actions.ts';
import { quantSpecOf } from './slice.ts';

/** One panel setting: its value, a setter, and whether a lesson locked it. */
export function useSetting<K extends SettingName>(
  name: K,
): [Settings[K], (v: Settings[K]) => void, boolean] {
  const value = useStore((s) => s.settings[name]);
  const locked = useStore((s) => s.teaching.locked.includes(name));
  return [value, (v: Settings[K]) => void setSetting(name, v), locked];
}

/** The quantization spec the settings describe (the same object while it does not change). */
export function useQuantSpec(): QuantSpec {
  return useStore((s) => quantSpecOf(s.settings));
}

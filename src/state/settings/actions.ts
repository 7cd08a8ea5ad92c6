// Changing settings: one at a time from a panel (refused where a lesson locked it or the value is
// not one the setting can hold), or all of them from a preset.
import { FIELDS, type SettingName, type Settings } from '../../presets/fields.ts';
import { isValidSetting, type Decoded } from '../../presets/schema.ts';
import { notify } from '../jobs/actions.ts';
import { useStore } from '../store.ts';

/** Whether a lesson locked any of these settings; if so the person is told, and nothing changes. */
export function lockedByLesson(names: SettingName[]): boolean {
  const locked = useStore.getState().teaching.locked;
  const hit = names.find((n) => locked.includes(n));
  if (hit) notify('info', `This lesson keeps ${FIELDS[hit].help} fixed.`);
  return hit !== undefined;
}

/**
 * Changes a setting, unless a lesson locked it (the person is told why nothing changed) or the
 * value is not one the setting can hold (a half-typed number: the last good value stays). Says
 * whether the setting now has the value.
 */
export function setSetting<K extends SettingName>(name: K, v: Settings[K]): boolean {
  if (lockedByLesson([name])) return false;
  if (!isValidSetting(name, v)) return false;
  useStore.setState((s) => ({ settings: { ...s.settings, [name]: v } }));
  return true;
}

/** Puts a decoded preset into the store (the caller opens its demo model and tensor). */
export function applyPreset(d: Decoded): void {
  useStore.setState({
    settings: d.settings,
    teaching: { locked: d.locked, hidden: d.hidden, lesson: d.lesson },
  });
}

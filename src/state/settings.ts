// Settings and the URL: the store's shareable state as a preset query, kept in the address bar as
// the person works (replaceState, so Back still leaves the page), and a preset applied at start.
import { useStore } from './store.ts';
import {
  analyseSelected,
  decomposeSelected,
  lockedByLesson,
  notify,
  quantizeSelected,
  selectTensor,
} from './actions.ts';
import {
  isValidSetting,
  decodePreset,
  encodePreset,
  specOf,
  specSettings,
  MIGRATIONS,
  type Decoded,
  type SettingName,
  type Settings,
} from '../presets/schema.ts';

/** The full settings: the panels' own plus those the store keeps in their working form. */
export function currentSettings(demoIdOf: (file: string) => string | null): Settings {
  const s = useStore.getState();
  // A model of the person's own cannot travel in a link: the last demo named stays.
  const demo = s.model ? demoIdOf(s.model.file) : null;
  return { ...storeSettings(), ...(demo ? { demo } : {}) };
}

export function presetQuery(demoIdOf: (file: string) => string | null): string {
  const { teaching } = useStore.getState();
  return encodePreset(currentSettings(demoIdOf), teaching);
}

/** Puts a decoded preset into the store (the caller opens its demo model and tensor). */
export function applyPreset(d: Decoded): void {
  useStore.setState({
    settings: d.settings,
    bins: d.settings.bins,
    logScale: d.settings.logScale,
    int8Threshold: d.settings.int8Threshold,
    quantSpec: specOf(d.settings),
    teaching: { locked: d.locked, hidden: d.hidden, lesson: d.lesson },
  });
}

/** One panel setting: its value, a setter, and whether a lesson locked it. */
export function useSetting<K extends SettingName>(
  name: K,
): [Settings[K], (v: Settings[K]) => void, boolean] {
  const value = useStore((s) => s.settings[name]);
  const locked = useStore((s) => s.teaching.locked.includes(name));
  return [value, (v: Settings[K]) => setSetting(name, v), locked];
}

/**
 * Changes a setting, unless a lesson locked it (the person is told why nothing changed) or the
 * value is not one the setting can hold (a half-typed number: the last good value stays).
 */
export function setSetting<K extends SettingName>(name: K, v: Settings[K]): void {
  if (lockedByLesson([name])) return;
  if (!isValidSetting(name, v)) return;
  useStore.setState((s) => ({ settings: { ...s.settings, [name]: v } }));
}

/** Whether a lesson hid a panel. */
export function useHidden(panel: string): boolean {
  return useStore((s) => s.teaching.hidden.includes(panel));
}

/** Keeps the address bar's query equal to the preset of the current state. */
export function syncUrl(demoIdOf: (file: string) => string | null, wait = 150): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = '';
  const write = () => {
    const q = presetQuery(demoIdOf);
    if (q === last) return;
    last = q;
    history.replaceState(history.state, '', `${location.pathname}?${q}${location.hash}`);
  };
  // Written at most `wait` ms after a change, even while changes keep coming (a long job).
  const unsubscribe = useStore.subscribe(() => {
    timer ??= setTimeout(() => {
      timer = undefined;
      write();
    }, wait);
  });
  write();
  return () => {
    clearTimeout(timer);
    unsubscribe();
  };
}

/** The store's settings in preset form (the demo as last named). */
function storeSettings(): Settings {
  const s = useStore.getState();
  return {
    ...s.settings,
    ...specSettings(s.quantSpec),
    bins: s.bins,
    logScale: s.logScale,
    int8Threshold: s.int8Threshold,
    tensor: s.selected ?? '',
  };
}

/**
 * Applies settings given as a preset query over the current ones (a lesson step), and redoes the
 * analysis they affect. Locks do not apply: the lesson sets what it locks.
 */
export async function applySettings(query: string): Promise<void> {
  const before = useStore.getState();
  const d = decodePreset(query, MIGRATIONS, storeSettings());
  for (const n of d.notices) notify('info', `Lesson: ${n}`);
  const s = d.settings;
  useStore.setState({
    settings: s,
    bins: s.bins,
    logScale: s.logScale,
    quantSpec: specOf(s),
  });
  const has = before.model?.tensors.some((t) => t.name === s.tensor);
  if (s.tensor && s.tensor !== before.selected && has) await selectTensor(s.tensor);
  else if (s.bins !== before.bins) await analyseSelected();
  else if (JSON.stringify(specOf(s)) !== JSON.stringify(before.quantSpec)) await quantizeSelected();
  if (s.int8Threshold !== before.int8Threshold && before.int8)
    await decomposeSelected(s.int8Threshold, 'follow-up');
}

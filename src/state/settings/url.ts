// Settings and the URL: the store's shareable state as a preset query, kept in the address bar as
// the person works (replaceState, so Back still leaves the page), and a lesson step's settings
// applied over the current ones.
import type { Settings } from '../../presets/fields.ts';
import { decodePreset, encodePreset, MIGRATIONS, specOf } from '../../presets/schema.ts';
import { notify } from '../jobs/actions.ts';
import { analyseSelected, selectTensor } from '../tensors/actions.ts';
import { decomposeSelected, quantizeSelected } from '../quant/actions.ts';
import { useStore } from '../store.ts';
import { FILE_KEY } from './session.ts';

/** The store's settings in preset form: the tensor is the one shown, the demo the last named. */
function storeSettings(): Settings {
  const s = useStore.getState();
  return { ...s.settings, tensor: s.selected ?? '' };
}

/**
 * The full settings. A model of the person's own cannot travel in a link: its link opens no demo
 * and names the file instead (FILE_KEY), so that whoever opens it is told what to drop.
 */
function currentSettings(demoIdOf: (file: string) => string | null): Settings {
  const s = useStore.getState();
  if (!s.model) return storeSettings();
  return { ...storeSettings(), demo: demoIdOf(s.model.file) ?? 'none' };
}

export function presetQuery(demoIdOf: (file: string) => string | null): string {
  const s = useStore.getState();
  const q = encodePreset(currentSettings(demoIdOf), s.teaching);
  const own = s.model && !demoIdOf(s.model.file) ? s.model.file : null;
  return own ? `${q}&${FILE_KEY}=${encodeURIComponent(own)}` : q;
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

/**
 * Applies settings given as a preset query over the current ones (a lesson step), and redoes the
 * analysis they affect. Locks do not apply: the lesson sets what it locks.
 */
export async function applySettings(query: string): Promise<void> {
  const before = useStore.getState();
  const d = decodePreset(query, MIGRATIONS, storeSettings());
  for (const n of d.notices) notify('info', `Lesson: ${n}`);
  const s = d.settings;
  useStore.setState({ settings: s });
  const has = before.model?.tensors.some((t) => t.name === s.tensor);
  if (s.tensor && s.tensor !== before.selected && has) await selectTensor(s.tensor);
  else if (s.bins !== before.settings.bins) await analyseSelected();
  else if (JSON.stringify(specOf(s)) !== JSON.stringify(specOf(before.settings)))
    await quantizeSelected();
  if (s.int8Threshold !== before.settings.int8Threshold && before.int8)
    await decomposeSelected(s.int8Threshold, 'follow-up');
}

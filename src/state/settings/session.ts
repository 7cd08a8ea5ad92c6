// Lessons and links opened over the person's session, without wiping it: a lesson opens its demo
// beside the open models and keeps the settings it found, to give them back when it ends; a link
// applies its settings over the open models (asking first, in the UI, when that would change
// settings or stop a job: see linkChanges); a link made on a file of the person's own names the file
// to drop, and shows the link's tensor once it is open.
import { FIELDS, type SettingName } from '../../presets/fields.ts';
import { lessonById, lessonQuery } from '../../presets/lessons.ts';
import { decodePreset, MIGRATIONS, type Decoded } from '../../presets/schema.ts';
import { notify } from '../jobs/actions.ts';
import { analyseSelected, openDemo, selectTensor, showModel } from '../tensors/actions.ts';
import { useStore } from '../store.ts';

/** A demo model a lesson or a link may name (the app's table of demos). */
export interface DemoRef {
  id: string;
  name: string;
  url: string;
}

/** The query key of the file a link was made on (not a setting: the CLI and the schema ignore it). */
export const FILE_KEY = 'file';

/** What a link says: its preset (a lesson link's own preset first), and the file it was made on. */
export interface Link extends Decoded {
  file: string | null;
}

/** A file name as a link may carry it: printable, no markup characters, not too long. */
function fileName(raw: string | null): string | null {
  if (!raw || raw.length > 200) return null;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 32 || c === 127) return null;
  }
  return /^[^<>"'`\\/]+$/.test(raw) ? raw : null;
}

/**
 * Reads a link (a URL or a query). A lesson link's own preset applies first, then what the link says
 * over it (a value of the link's that is refused leaves the lesson's in place).
 */
export function readLink(text: string): Link {
  const given = decodePreset(text);
  const lesson = lessonById(given.lesson);
  const base = lesson ? decodePreset(lessonQuery(lesson)) : null;
  const preset = base ? decodePreset(text, MIGRATIONS, base.settings) : given;
  if (base) {
    preset.locked = [...new Set([...base.locked, ...preset.locked])];
    preset.hidden = [...new Set([...base.hidden, ...preset.hidden])];
  }
  if (given.lesson && !lesson) {
    preset.notices.push(`There is no lesson "${given.lesson}".`);
    preset.lesson = null;
  }
  const q = text.includes('?') ? text.slice(text.indexOf('?') + 1) : text;
  const file = fileName(new URLSearchParams(q.split('#')[0]).get(FILE_KEY));
  return { ...preset, file };
}

/**
 * Shows `want` of the model shown, analysed under the settings now in the store. `fresh`: the model
 * was just shown, so its first tensor is already being analysed under them.
 */
async function showTensor(want: string, fresh: boolean): Promise<void> {
  const s = useStore.getState();
  const model = s.model;
  if (!model) return;
  const has = want !== '' && model.tensors.some((t) => t.name === want);
  if (want && !has) notify('info', `${model.file} has no tensor named "${want}"; showing another.`);
  if (has && want !== s.selected) await selectTensor(want);
  else if (!fresh || (has && s.analysis?.tensor !== want)) await analyseSelected();
}

/** Shows a demo: its tab if it is open, else opened beside the others; then the tensor wanted. */
async function showDemo(demo: DemoRef | undefined, tensor: string): Promise<void> {
  const before = useStore.getState().model?.id ?? null;
  if (demo) {
    const open = useStore.getState().models.find((m) => m.file === demo.name);
    if (open) await showModel(open.id);
    else await openDemo(demo.url, demo.name);
  }
  await showTensor(tensor, (useStore.getState().model?.id ?? null) !== before);
}

/**
 * Opens a lesson beside the session: the settings, the teaching flags and the model shown are kept
 * (to be given back by leaveLesson), the lesson's settings replace them, and its demo is shown (its
 * tab if open, else a new one). Going from one lesson to another keeps what was there before both.
 */
export async function startLesson(id: string, demos: readonly DemoRef[]): Promise<void> {
  const lesson = lessonById(id);
  if (!lesson) {
    notify('info', `There is no lesson "${id}".`);
    return;
  }
  const s = useStore.getState();
  const back =
    s.lessonReturn ??
    (s.teaching.lesson
      ? null
      : {
          settings: s.settings,
          teaching: s.teaching,
          modelId: s.model?.id ?? null,
          selected: s.selected,
        });
  const d = decodePreset(lessonQuery(lesson));
  useStore.setState({
    settings: d.settings,
    teaching: { locked: d.locked, hidden: d.hidden, lesson: lesson.id },
    lessonReturn: back,
  });
  await showDemo(
    demos.find((x) => x.id === d.settings.demo),
    d.settings.tensor,
  );
}

/**
 * Ends the lesson: the settings, teaching flags, model and tensor from before it come back (the
 * lesson's tab stays open, with whatever was done on it). A lesson opened by a link had no session
 * before it: its locks and hidden panels go, and its settings stay to play with.
 */
export async function leaveLesson(): Promise<void> {
  const s = useStore.getState();
  if (!s.teaching.lesson) return;
  const back = s.lessonReturn;
  if (!back) {
    useStore.setState({ teaching: { locked: [], hidden: [], lesson: null } });
    return;
  }
  useStore.setState({ settings: back.settings, teaching: back.teaching, lessonReturn: null });
  const open = back.modelId ? s.models.find((m) => m.id === back.modelId) : undefined;
  if (back.modelId && !open)
    notify(
      'info',
      'The model open before the lesson has been closed since; your settings are back.',
    );
  if (!open) {
    await showTensor('', false);
    return;
  }
  const before = s.model?.id ?? null;
  await showModel(open.id);
  await showTensor(back.selected ?? '', open.id !== before);
}

/** A job that has run this long holds work worth asking about; a shorter one is soon redone. */
export const WORTH_ASKING_MS = 2000;

/** Whether stopping the job running would lose work worth asking about. */
export function jobWorthAsking(): string | null {
  const job = useStore.getState().job;
  return job && Date.now() - job.started >= WORTH_ASKING_MS ? job.label : null;
}

/**
 * The settings a link would change, in words (what the confirmation lists), and the job it would
 * stop, if that job has run long enough to be worth asking about.
 */
export function linkChanges(link: Link): { settings: string[]; job: string | null } {
  const s = useStore.getState();
  const now = { ...s.settings, tensor: s.selected ?? s.settings.tensor };
  const names = (Object.keys(FIELDS) as SettingName[]).filter(
    (n) => n !== 'demo' && link.settings[n] !== now[n] && !(n === 'tensor' && !link.settings[n]),
  );
  return {
    settings: names.map((n) => FIELDS[n].help),
    job: jobWorthAsking(),
  };
}

/**
 * Applies a link over the session: the open models stay, the link's demo is shown (its tab, or a new
 * one), its settings replace the current ones and its tensor is shown. A lesson link opens the
 * lesson beside the session. A link made on a file of the person's own asks for that file.
 */
export async function openLink(link: Link, demos: readonly DemoRef[]): Promise<void> {
  for (const n of link.notices) notify('info', `Link: ${n}`);
  if (link.lesson) {
    await startLesson(link.lesson, demos);
    // What the link adds goes over the lesson's own preset.
    useStore.setState({ settings: link.settings });
    await showTensor(link.settings.tensor, false);
    return;
  }
  useStore.setState({
    settings: link.settings,
    teaching: { locked: link.locked, hidden: link.hidden, lesson: null },
  });
  if (link.file) {
    const open = useStore.getState().models.find((m) => m.file === link.file);
    if (open) {
      const before = useStore.getState().model?.id;
      await showModel(open.id);
      await showTensor(link.settings.tensor, open.id !== before);
    } else awaitLinkModel(link.file, link.settings.tensor);
    return;
  }
  await showDemo(
    demos.find((x) => x.id === link.settings.demo),
    link.settings.tensor,
  );
}

let stopWaiting: (() => void) | null = null;

/**
 * A link made on a file of the person's own: says which file to drop (and which tensor the link
 * shows), and once a file of that name is open, shows that tensor.
 */
export function awaitLinkModel(file: string, tensor: string): void {
  stopWaiting?.();
  useStore.setState({ linkModel: { file, tensor } });
  notify(
    'info',
    `This link was made on model ${file}${tensor ? `, tensor ${tensor}` : ''}: drop that file to see it. The link's settings are applied.`,
  );
  const unsubscribe = useStore.subscribe((s) => {
    if (s.model?.file !== file) return;
    stop();
    useStore.setState({ linkModel: null });
    if (tensor && s.model.tensors.some((t) => t.name === tensor)) void selectTensor(tensor);
  });
  const stop = () => {
    unsubscribe();
    if (stopWaiting === stop) stopWaiting = null;
  };
  stopWaiting = stop;
}

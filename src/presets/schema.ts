// The shareable state's codec: presets as URL queries, read and written from the table of fields
// (fields.ts). Encoding writes only what differs from the defaults; decoding never trusts the text:
// each value is parsed against its field (no eval, no HTML), a bad value falls back to the default
// with a notice, unknown keys are ignored, and presets of older versions are migrated first. Pure:
// the browser (URL) and the CLI (`slimlab run --preset`) share it.
import { validateSpec, type QuantSpec } from '../core/quant/spec.ts';
import { defaultSettings, FIELDS, type Field, type SettingName, type Settings } from './fields.ts';

export const PRESET_VERSION = 2;
/** Longest query accepted, and longest value of one field: longer is tampering, not a preset. */
export const MAX_QUERY = 4000;
const MAX_VALUE = 200;

/** No control characters (C0 or DEL). */
function printable(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c === 127) return false;
  }
  return true;
}

/** A value from its URL text, or why it is not one. */
function parseValue(
  f: Field,
  raw: string,
): { ok: true; value: unknown } | { ok: false; why: string } {
  if (raw.length > MAX_VALUE) return { ok: false, why: 'too long' };
  switch (f.kind) {
    case 'enum':
      return f.options.includes(raw)
        ? { ok: true, value: raw }
        : { ok: false, why: 'not a choice' };
    case 'bool':
      return raw === '1' || raw === '0'
        ? { ok: true, value: raw === '1' }
        : { ok: false, why: 'not 0 or 1' };
    case 'text':
      return raw.length <= f.maxLength && f.pattern.test(raw) && printable(raw)
        ? { ok: true, value: raw }
        : { ok: false, why: 'characters a name cannot have' };
    case 'int':
    case 'num': {
      // Plain decimal only: no hex, exponents, Infinity or whitespace.
      if (!/^-?\d{1,12}(\.\d{1,12})?$/.test(raw)) return { ok: false, why: 'not a number' };
      const v = Number(raw);
      if (f.kind === 'int' && !Number.isInteger(v)) return { ok: false, why: 'not a whole number' };
      if (!(v >= f.min && v <= f.max)) return { ok: false, why: `outside ${f.min}–${f.max}` };
      if (f.kind === 'int' && f.choices && !f.choices.includes(v))
        return { ok: false, why: `not one of ${f.choices.join(', ')}` };
      return { ok: true, value: v };
    }
  }
}

/** Whether a value is one the setting can hold (what the URL would accept). */
export function isValidSetting(name: SettingName, v: unknown): boolean {
  const f = FIELDS[name] as Field;
  if (f.kind === 'bool') return typeof v === 'boolean';
  if (f.kind === 'enum' || f.kind === 'text') return typeof v === 'string' && parseValue(f, v).ok;
  return typeof v === 'number' && Number.isFinite(v) && parseValue(f, formatValue(f, v)).ok;
}

function formatValue(f: Field, v: unknown): string {
  if (f.kind === 'bool') return v ? '1' : '0';
  if (f.kind === 'num') return String(+(v as number).toPrecision(6));
  return String(v);
}

/**
 * Migrations from older versions: MIGRATIONS[v] turns the key/value pairs of version v into those
 * of version v + 1; decode applies them in order.
 */
export type Migration = (params: Map<string, string>) => Map<string, string>;
export const MIGRATIONS: Record<number, Migration> = {
  // Version 2 opens on mnist-mlp, which every lab runs on; version 1 opened on ppocr-cls and left
  // `demo` out of its links when that was the model, so such a link names it now.
  1: (p) => (p.has('demo') ? p : new Map([...p, ['demo', 'ppocr-cls']])),
};

export interface Decoded {
  settings: Settings;
  /** What was wrong with the preset, in words a person can act on (shown as notices). */
  notices: string[];
  /** Names of settings the preset set (valid ones only). */
  given: SettingName[];
  /** Teaching flags: settings shown but not changeable, and ones hidden. */
  locked: SettingName[];
  hidden: string[];
  lesson: string | null;
  /** Keys that name no setting of this version (ignored). */
  unknown: string[];
}

/** Panels or controls a lesson may hide (`hide=` takes these, comma-separated). */
export const HIDEABLE = [
  'tensors',
  'quantization',
  'accuracy',
  'calibration',
  'pruning',
  'training',
  'latency',
  'benchmarks',
  'planner',
  'open',
] as const;

/** key=value pairs of a query (form encoding: '+' is a space); the last of a repeated key wins. */
function parseQuery(query: string): Map<string, string> | null {
  const out = new Map<string, string>();
  for (const part of query.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const [k, v] = eq < 0 ? [part, ''] : [part.slice(0, eq), part.slice(eq + 1)];
    try {
      out.set(decodeURIComponent(k.replace(/\+/g, ' ')), decodeURIComponent(v.replace(/\+/g, ' ')));
    } catch {
      return null;
    }
  }
  return out;
}

const clip = (s: string) => JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);

/** Reads a preset from a URL or a query string (with or without '?'). Never throws. */
export function decodePreset(
  text: string,
  migrations: Record<number, Migration> = MIGRATIONS,
  /** What settings the preset does not give keep (the defaults unless given). */
  base: Settings = defaultSettings(),
): Decoded {
  const settings = { ...base };
  const out: Decoded = {
    settings,
    notices: [],
    given: [],
    locked: [],
    hidden: [],
    lesson: null,
    unknown: [],
  };
  let query = text.trim();
  const q = query.indexOf('?');
  if (q >= 0) query = query.slice(q + 1);
  query = query.split('#')[0]!;
  if (query.length > MAX_QUERY) {
    out.notices.push(`The preset is ${query.length} characters long (over ${MAX_QUERY}): ignored.`);
    return out;
  }
  let params = parseQuery(query);
  if (!params) {
    out.notices.push('The preset could not be read (bad %-escapes): ignored.');
    return out;
  }
  const vText = params.get('v');
  let version = PRESET_VERSION;
  if (vText !== undefined) {
    const v = /^\d{1,4}$/.test(vText) ? Number(vText) : NaN;
    if (!Number.isFinite(v))
      out.notices.push(`Preset version ${clip(vText)} is not one: read as current.`);
    else version = v;
  }
  if (version > PRESET_VERSION)
    out.notices.push(
      `The preset comes from a newer version (${version}); settings this one does not know are ignored.`,
    );
  for (let v = version; v < PRESET_VERSION; v++) {
    const m = migrations[v];
    if (m) params = m(params);
  }
  const byKey = new Map(Object.entries(FIELDS).map(([name, f]) => [f.key, name as SettingName]));
  for (const [key, raw] of params) {
    const name = byKey.get(key);
    if (!name) {
      if (!FLAG_KEYS.includes(key)) out.unknown.push(key);
      continue;
    }
    const f = FIELDS[name] as Field;
    const p = parseValue(f, raw);
    if (p.ok) {
      (settings as Record<string, unknown>)[name] = p.value;
      out.given.push(name);
    } else
      out.notices.push(
        `Ignored ${f.help} = ${clip(raw)} (${p.why}); using ${formatValue(f, base[name]) || 'none'}.`,
      );
  }
  checkCombination(out, base);
  const lock = params.get('lock');
  if (lock)
    for (const k of lock.split(',').slice(0, 64)) {
      if (Object.hasOwn(FIELDS, k)) out.locked.push(k as SettingName);
      else out.notices.push(`Cannot lock ${clip(k)}: no such setting.`);
    }
  const hide = params.get('hide');
  if (hide)
    for (const k of hide.split(',').slice(0, 64)) {
      if ((HIDEABLE as readonly string[]).includes(k)) out.hidden.push(k);
      else out.notices.push(`Cannot hide ${clip(k)}: no such panel.`);
    }
  const lesson = params.get('lesson');
  if (lesson !== undefined) {
    if (/^[a-z0-9-]{1,40}$/.test(lesson)) out.lesson = lesson;
    else out.notices.push(`Lesson ${clip(lesson)} is not a lesson name: ignored.`);
  }
  return out;
}

/** Keys of a preset that are not settings: the version and the teaching flags. */
const FLAG_KEYS = ['v', 'lock', 'hide', 'lesson'];

/**
 * The settings of the quantization spec, checked together by the engine's own rule (validateSpec):
 * each value may be valid alone and the combination not (`qf=quantile&qb=16`). The setting the link
 * gave that makes it invalid is set back, with a notice naming its key and the rule; the rest of the
 * link still applies.
 */
function checkCombination(out: Decoded, base: Settings): void {
  const why = (s: Settings) => {
    try {
      validateSpec(specOf(s));
      return null;
    } catch (e) {
      return (e as Error).message;
    }
  };
  const first = why(out.settings);
  if (first === null) return;
  // Later settings of the spec first: bits before format, so `qf=log2&qb=16` keeps log2.
  const order: SettingName[] = ['qClip', 'qBits', 'qFormat'];
  for (const name of order) {
    if (!out.given.includes(name)) continue;
    const f = FIELDS[name] as Field;
    const raw = formatValue(f, out.settings[name]);
    (out.settings as Record<string, unknown>)[name] = base[name];
    out.given.splice(out.given.indexOf(name), 1);
    out.notices.push(
      `Ignored ${f.help} = ${clip(raw)} (${f.key}: ${first}); using ${formatValue(f, base[name])}.`,
    );
    if (why(out.settings) === null) return;
  }
  // The base itself does not hold together (a store written by an older version): the defaults do.
  const d = defaultSettings();
  for (const name of order) (out.settings as Record<string, unknown>)[name] = d[name];
}

/** The query string (without '?') of settings that differ from the defaults, plus the version. */
export function encodePreset(
  s: Settings,
  extra: { locked?: readonly string[]; hidden?: readonly string[]; lesson?: string | null } = {},
): string {
  const p = new Map([['v', String(PRESET_VERSION)]]);
  for (const [name, f] of Object.entries(FIELDS) as Array<[SettingName, Field]>) {
    const v = s[name];
    // A value the decoder would refuse is left out: the link then opens with the default.
    if (v !== f.default && isValidSetting(name, v)) p.set(f.key, formatValue(f, v));
  }
  if (extra.lesson) p.set('lesson', extra.lesson);
  if (extra.locked?.length) p.set('lock', extra.locked.join(','));
  if (extra.hidden?.length) p.set('hide', extra.hidden.join(','));
  return [...p].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
}

/** The quantization spec the settings describe (the seed is shared with stochastic rounding). */
export function specOf(s: Settings): QuantSpec {
  return {
    format: s.qFormat as QuantSpec['format'],
    bits: s.qBits,
    symmetric: s.qSymmetric,
    restricted: s.qRestricted,
    granularity:
      s.qGranularity === 'tensor'
        ? { kind: 'tensor' }
        : s.qGranularity === 'group'
          ? { kind: 'group', size: s.qGroup }
          : { kind: 'channel', axis: s.qAxis },
    rounding: s.qRounding as QuantSpec['rounding'],
    seed: s.seed,
    clipQuantile: s.qClip,
    scaleBits: s.qScaleBits as 16 | 32,
  };
}

/** The settings that hold a quantization spec (the inverse of specOf). */
export function specSettings(q: QuantSpec): Partial<Settings> {
  const g = q.granularity;
  return {
    qFormat: q.format,
    qBits: q.bits,
    qSymmetric: q.symmetric,
    qRestricted: q.restricted,
    qGranularity: g.kind,
    ...(g.kind === 'channel' ? { qAxis: g.axis } : {}),
    ...(g.kind === 'group' ? { qGroup: g.size } : {}),
    qRounding: q.rounding,
    seed: q.seed,
    qClip: q.clipQuantile,
    qScaleBits: q.scaleBits,
  };
}

/** The settings each quantization-spec field is carried by (a lesson that locks one locks these). */
export const SPEC_SETTINGS: Record<keyof QuantSpec, SettingName[]> = {
  format: ['qFormat'],
  bits: ['qBits'],
  symmetric: ['qSymmetric'],
  restricted: ['qRestricted'],
  granularity: ['qGranularity', 'qAxis', 'qGroup'],
  rounding: ['qRounding'],
  seed: ['seed'],
  clipQuantile: ['qClip'],
  scaleBits: ['qScaleBits'],
};

// The preset schema: what the URL carries, how tampered values are refused, how old versions
// migrate, and that a full state fits a link.
import { describe, expect, test } from 'vitest';
import { mulberry32 } from '../../src/core/base/rng.ts';
import { DEFAULT_SPEC, validateSpec, type QuantSpec } from '../../src/core/quant/spec.ts';
import { defaultSettings, FIELDS, type Field, type Settings } from '../../src/presets/fields.ts';
import {
  decodePreset,
  encodePreset,
  isValidSetting,
  PRESET_VERSION,
  specOf,
  specSettings,
} from '../../src/presets/schema.ts';

function randomSettings(seed: number): Settings {
  const r = mulberry32(seed);
  const s = defaultSettings() as Record<string, unknown>;
  for (const [name, f] of Object.entries(FIELDS) as Array<[string, Field]>) {
    if (f.kind === 'enum') s[name] = f.options[Math.floor(r() * f.options.length)];
    else if (f.kind === 'bool') s[name] = r() < 0.5;
    else if (f.kind === 'int')
      s[name] = f.choices
        ? f.choices[Math.floor(r() * f.choices.length)]
        : f.min + Math.floor(r() * (f.max - f.min + 1));
    else if (f.kind === 'num') s[name] = +(f.min + r() * (f.max - f.min)).toPrecision(6);
    else s[name] = 'layers.3.mlp/fc_1.weight'.slice(0, 1 + Math.floor(r() * 24));
  }
  // A valid state holds together too: int takes 2–8 or 16 bits, log2 and quantile 2–8.
  const bits = s.qBits as number;
  if (s.qFormat === 'int' && bits > 8 && bits < 16) s.qBits = 8;
  if ((s.qFormat === 'log2' || s.qFormat === 'quantile') && bits > 8) s.qBits = 2 + (bits % 7);
  return s as Settings;
}

describe('presets', () => {
  test('defaults encode to the version alone, and decode back to the defaults', () => {
    expect(encodePreset(defaultSettings())).toBe(`v=${PRESET_VERSION}`);
    const d = decodePreset(`v=${PRESET_VERSION}`);
    expect(d.settings).toEqual(defaultSettings());
    expect(d.notices).toEqual([]);
  });

  test('a version-1 link without a demo still opens ppocr-cls, its default then', () => {
    expect(PRESET_VERSION).toBe(2);
    expect(FIELDS.demo.default).toBe('mnist-mlp');
    const old = decodePreset('v=1&b=32');
    expect(old.settings.demo).toBe('ppocr-cls');
    expect(old.given).toContain('demo');
    expect(old.settings.bins).toBe(32);
    expect(old.notices).toEqual([]);
    // A demo the old link names, or none, is kept.
    expect(decodePreset('v=1&demo=mnist-cnn').settings.demo).toBe('mnist-cnn');
    expect(decodePreset('v=1&demo=none&file=own.safetensors').settings.demo).toBe('none');
    // Links of this version, and bare queries (read as this version), open the new default.
    expect(decodePreset('v=2&b=32').settings.demo).toBe('mnist-mlp');
    expect(decodePreset('b=32').settings.demo).toBe('mnist-mlp');
    // What the old link meant survives a round trip through this version.
    expect(decodePreset(encodePreset(old.settings)).settings).toEqual(old.settings);
  });

  test('the lab shown is a setting a link keeps; the quantization lab by default', () => {
    expect(defaultSettings().lab).toBe('quantization');
    const d = decodePreset('lab=pruning');
    expect(d.settings.lab).toBe('pruning');
    expect(encodePreset(d.settings)).toBe(`v=${PRESET_VERSION}&lab=pruning`);
    const bad = decodePreset('lab=evil&b=32');
    expect(bad.settings.lab).toBe('quantization');
    expect(bad.notices[0]).toMatch(/Ignored lab shown = "evil" \(not a choice\)/);
    expect(isValidSetting('lab', 'latency')).toBe(true);
    expect(isValidSetting('lab', 'nope')).toBe(false);
  });

  test('every setting has a URL key of its own', () => {
    const keys = Object.values(FIELDS).map((f: Field) => f.key);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });

  test.each([1, 2, 3, 4, 5])('any valid state round-trips exactly (seed %i)', (seed) => {
    const s = randomSettings(seed);
    const q = encodePreset(s);
    const d = decodePreset(`https://example.org/slimlab/?${q}#top`);
    expect(d.notices).toEqual([]);
    expect(d.settings).toEqual(s);
  });

  test.each([
    [
      'qf=quantile&qb=16',
      'quantile',
      /Ignored bits .* "16" \(qb: quantile quantization takes 2 to 8 bits, not 16\); using 8/,
    ],
    ['qf=log2&qb=16', 'log2', /qb: log2 quantization takes 2 to 8 bits, not 16/],
    ['qf=int&qb=12', 'int', /qb: int quantization takes 2 to 8 or 16 bits, not 12/],
  ])('a combination the engine refuses (%s) is refused by key; the rest applies', (q, fmt, why) => {
    const d = decodePreset(`${q}&b=32&ot=2`);
    expect(d.notices).toHaveLength(1);
    expect(d.notices[0]).toMatch(why);
    expect(d.settings.qFormat).toBe(fmt);
    expect(d.settings.qBits).toBe(8);
    expect(d.settings.bins).toBe(32);
    expect(d.settings.int8Threshold).toBe(2);
    expect(d.given).not.toContain('qBits');
    // What the schema accepts, the engine runs.
    expect(() => validateSpec(specOf(d.settings))).not.toThrow();
  });

  test('format, bits and clip: every combination the schema accepts passes the engine', () => {
    for (const qf of FIELDS.qFormat.options)
      for (let qb = FIELDS.qBits.min; qb <= FIELDS.qBits.max; qb++) {
        const d = decodePreset(`qf=${qf}&qb=${qb}&qc=0.5`);
        expect(() => validateSpec(specOf(d.settings)), `${qf} ${qb}`).not.toThrow();
        expect(d.settings.qFormat).toBe(qf);
      }
  });

  test('a base that does not hold together falls back to the defaults for the spec', () => {
    const base = { ...defaultSettings(), qFormat: 'quantile', qBits: 16 };
    const d = decodePreset('b=32', undefined, base);
    expect(() => validateSpec(specOf(d.settings))).not.toThrow();
    expect(d.settings.bins).toBe(32);
  });

  test('keys that name no setting are listed', () => {
    expect(decodePreset('hello').unknown).toEqual(['hello']);
    expect(decodePreset('v=1&lock=qBits&qb=4').unknown).toEqual([]);
  });

  test('a full state, every setting off its default, fits in 2,000 characters', () => {
    const s = randomSettings(9) as Record<string, unknown>;
    for (const [name, f] of Object.entries(FIELDS) as Array<[string, Field]>) {
      if (s[name] !== f.default) continue;
      if (f.kind === 'bool') s[name] = !f.default;
      else if (f.kind === 'enum') s[name] = f.options.find((o) => o !== f.default);
      else if (f.kind === 'int') s[name] = f.choices?.find((c) => c !== f.default) ?? f.max;
      else if (f.kind === 'num') s[name] = f.min + (f.max - f.min) / 3;
      else s[name] = 'x'.repeat(f.maxLength);
    }
    s.tensor = 'x'.repeat(160);
    const q = encodePreset(s as Settings, {
      locked: Object.keys(FIELDS).slice(0, 10),
      hidden: ['planner', 'benchmarks'],
      lesson: 'zero-point-worked-example',
    });
    expect(encodePreset(s as Settings).split('&')).toHaveLength(Object.keys(FIELDS).length + 1);
    expect(q.length).toBeLessThan(2000);
    expect(decodePreset(q).settings).toEqual(s);
  });

  test.each([
    ['t=%3Cscript%3Ealert(1)%3C%2Fscript%3E', 'tensor', /selected tensor/],
    ['b=1e309', 'bins', /not a number/],
    ['b=99999999999999999999', 'bins', /not a number/],
    ['b=100', 'bins', /not one of/],
    ['qb=abc', 'qBits', /not a number/],
    ['qb=9.5', 'qBits', /whole number/],
    ['qb=-3', 'qBits', /outside/],
    ['qf=__proto__', 'qFormat', /not a choice/],
    ['qf=constructor', 'qFormat', /not a choice/],
    ['lg=true', 'logScale', /not 0 or 1/],
    ['qc=0.', 'qClip', /not a number/],
    ['qc=Infinity', 'qClip', /not a number/],
    ['qc=0x1', 'qClip', /not a number/],
    [`t=${'a'.repeat(300)}`, 'tensor', /too long/],
  ] as const)('tampered %s falls back to the default with a notice', (query, name, why) => {
    const d = decodePreset(`v=1&lb=8&${query}`);
    expect(d.settings[name]).toEqual(FIELDS[name].default);
    // The valid setting beside it still applies.
    expect(d.settings.latBatch).toBe(8);
    expect(d.notices).toHaveLength(1);
    expect(d.notices[0]).toMatch(why);
    // The notice quotes at most 40 characters of what was given.
    expect(d.notices[0]!.length).toBeLessThan(160);
  });

  test('broken escapes, an oversized query, unknown keys and a newer version', () => {
    expect(decodePreset('b=32&t=%E0%A4%A').notices[0]).toMatch(/could not be read/);
    expect(decodePreset('b=32&t=%E0%A4%A').settings).toEqual(defaultSettings());
    expect(decodePreset(`b=32&x=${'y'.repeat(5000)}`).notices[0]).toMatch(/over 4000/);
    const u = decodePreset('b=32&nonsense=1&__proto__=2&constructor=3');
    expect(u.notices).toEqual([]);
    expect(u.settings.bins).toBe(32);
    expect(Object.getPrototypeOf(u.settings)).toBe(Object.prototype);
    const newer = decodePreset('v=7&b=32');
    expect(newer.notices[0]).toMatch(/newer version \(7\)/);
    expect(newer.settings.bins).toBe(32);
    expect(decodePreset('v=abc').notices[0]).toMatch(/not one/);
  });

  test('older versions pass through their migrations in order', () => {
    // A hypothetical version 0 that named the bins "bins" and stored bits as "int8", "int4".
    const migrations = {
      0: (p: Map<string, string>) => {
        const out = new Map(p);
        if (p.has('bins')) out.set('b', p.get('bins')!);
        const bits = p.get('fmt')?.match(/^int(\d)$/);
        if (bits) out.set('qb', bits[1]!);
        out.delete('bins');
        out.delete('fmt');
        return out;
      },
    };
    const d = decodePreset('v=0&bins=256&fmt=int4', migrations);
    expect(d.notices).toEqual([]);
    expect(d.settings.bins).toBe(256);
    expect(d.settings.qBits).toBe(4);
  });

  test("a refused value keeps the base value (a lesson's) rather than the default", () => {
    const d = decodePreset('qb=abc&b=32', undefined, { ...defaultSettings(), qBits: 4 });
    expect(d.settings.qBits).toBe(4);
    expect(d.settings.bins).toBe(32);
    expect(d.notices[0]).toMatch(/using 4\.$/);
  });

  test('teaching flags: locked settings, hidden panels, a lesson; bad names are reported', () => {
    const d = decodePreset('lock=qBits,qFormat,nope&hide=planner,evil&lesson=kl-vs-minmax');
    expect(d.locked).toEqual(['qBits', 'qFormat']);
    expect(d.hidden).toEqual(['planner']);
    expect(d.lesson).toBe('kl-vs-minmax');
    expect(d.notices).toEqual([
      'Cannot lock "nope": no such setting.',
      'Cannot hide "evil": no such panel.',
    ]);
    expect(decodePreset('lesson=%3Cb%3E').notices[0]).toMatch(/not a lesson name/);
  });

  test('the quantization spec maps to settings and back', () => {
    const specs: QuantSpec[] = [
      DEFAULT_SPEC,
      { ...DEFAULT_SPEC, format: 'nf4', bits: 4, granularity: { kind: 'group', size: 64 } },
      { ...DEFAULT_SPEC, symmetric: false, granularity: { kind: 'tensor' }, scaleBits: 16 },
      { ...DEFAULT_SPEC, rounding: 'stochastic', seed: 7, clipQuantile: 0.999 },
    ];
    for (const q of specs) expect(specOf({ ...defaultSettings(), ...specSettings(q) })).toEqual(q);
  });

  test('values a control may set are checked against the same table', () => {
    expect(isValidSetting('qBits', 4)).toBe(true);
    expect(isValidSetting('qBits', 4.5)).toBe(false);
    expect(isValidSetting('bins', 100)).toBe(false);
    expect(isValidSetting('kvLayers', 0)).toBe(false);
    expect(isValidSetting('temperature', Number.NaN)).toBe(false);
    expect(isValidSetting('demo', 'mnist-cnn')).toBe(true);
    expect(isValidSetting('tensor', '<img onerror=x>')).toBe(false);
    expect(isValidSetting('tensor', '/model/layers.0 (attn)/MatMul:0 — Ünïcode')).toBe(true);
    expect(isValidSetting('tensor', 'a\u0001b')).toBe(false);
    expect(isValidSetting('logScale', 1)).toBe(false);
  });
});

// Built-in lessons: at least eight, each a preset that decodes without a single notice, with steps
// whose settings are all ones the schema knows.
import { describe, expect, test } from 'vitest';
import { LESSONS, lessonQuery } from '../../src/presets/lessons.ts';
import { defaultSettings } from '../../src/presets/fields.ts';
import { decodePreset } from '../../src/presets/schema.ts';

describe('lessons', () => {
  test('at least eight, with unique ids', () => {
    expect(LESSONS.length).toBeGreaterThanOrEqual(8);
    expect(new Set(LESSONS.map((l) => l.id)).size).toBe(LESSONS.length);
  });

  test.each(LESSONS.map((l) => [l.id, l] as const))('%s: preset and steps are valid', (_, l) => {
    const d = decodePreset(lessonQuery(l));
    expect(d.notices).toEqual([]);
    expect(d.lesson).toBe(l.id);
    expect(l.steps.length).toBeGreaterThanOrEqual(2);
    let s = d.settings;
    for (const step of l.steps) {
      expect(step.text.length).toBeGreaterThan(40);
      if (!step.set) continue;
      const next = decodePreset(step.set, undefined, s);
      expect(next.notices).toEqual([]);
      // A step changes something.
      expect(next.settings).not.toEqual(s);
      s = next.settings;
    }
    expect(d.settings).not.toEqual(defaultSettings());
  });
});

// The glossary: every term the panels point at exists, and every entry explains itself and names
// where the term comes from.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { methods as calibrationMethods } from '../../src/engine/labs/calibration.ts';
import { GLOSSARY, glossForLabel, glossTitle } from '../../src/ui/common/glossary.ts';

const UI = fileURLToPath(new URL('../../src/ui/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : /\.tsx?$/.test(f) ? [p] : [];
  });
}

/** Every glossary key named in the UI: <Term k="…">, glossTitle('…') and `gloss: '…'` fields. */
function usedKeys(): Map<string, string[]> {
  const used = new Map<string, string[]>();
  const patterns = [/<Term\s+k="([^"]+)"/g, /glossTitle\(\s*'([^']+)'/g, /\bgloss: '([^']+)'/g];
  for (const file of sources(UI).filter((f) => !f.endsWith('glossary.ts'))) {
    const text = readFileSync(file, 'utf8');
    for (const re of patterns)
      for (const m of text.matchAll(re))
        used.set(m[1]!, [...(used.get(m[1]!) ?? []), file.slice(UI.length)]);
  }
  return used;
}

describe('glossary', () => {
  test('every key the UI uses is in the glossary, and the UI uses at least 40 of them', () => {
    const used = usedKeys();
    const missing = [...used].filter(([k]) => !(k in GLOSSARY));
    expect(missing, JSON.stringify(missing)).toEqual([]);
    expect(used.size).toBeGreaterThanOrEqual(40);
  });

  test('each entry has one or two sentences of text and a source', () => {
    for (const [k, e] of Object.entries(GLOSSARY)) {
      expect(e.text.length, k).toBeGreaterThan(20);
      expect(e.text.length, k).toBeLessThan(400);
      expect(e.text, k).toMatch(/[.)]$/);
      expect(e.source.trim().length, k).toBeGreaterThan(3);
      expect(glossTitle(k as keyof typeof GLOSSARY)).toContain(e.source);
    }
  });

  test('labels made by the engine find their entry: every calibration method, W/A names, N:M', () => {
    for (const m of calibrationMethods(0.9)) expect(glossForLabel(m.label), m.label).not.toBeNull();
    expect(glossForLabel('KL (TensorRT 2048/128)')).toBe('kl-tensorrt');
    expect(glossForLabel('KL (MXNet 8001/255)')).toBe('kl-mxnet');
    expect(glossForLabel('W8A32 (weights only, per channel)')).toBe('w8a8');
    expect(glossForLabel('2:4 structured')).toBe('n-m');
    expect(glossForLabel('fp32')).toBeNull();
  });
});

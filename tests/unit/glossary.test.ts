// The glossary: every term the panels point at exists, and every entry explains itself and names
// where the term comes from.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, test } from 'vitest';
import { methods as calibrationMethods } from '../../src/engine/labs/calibration.ts';
import { useStore } from '../../src/state/store.ts';
import { GLOSSARY, glossForLabel, glossTitle } from '../../src/ui/common/glossary.ts';
import { CompressionControls } from '../../src/ui/lm/CompressionControls.tsx';
import { GenerateForm } from '../../src/ui/lm/GenerateForm.tsx';
import { StatsTable } from '../../src/ui/tensors/StatsTable.tsx';

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
  const patterns = [
    /<Term\s+k="([^"]+)"/g,
    /glossTitle\(\s*'([^']+)'/g,
    /\bgloss: '([^']+)'/g,
    /\bgloss="([^"]+)"/g,
  ];
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

  test("the language-model lab's menus and labels each carry their entry", () => {
    // Rendered on the server, the store's hooks read its initial state (one object, kept by the
    // store): the settings are set there for the render and put back after.
    const init = useStore.getInitialState();
    const render = (over: Partial<typeof init.settings>) => {
      const saved = init.settings;
      init.settings = { ...saved, ...over };
      try {
        return renderToStaticMarkup(createElement(CompressionControls));
      } finally {
        init.settings = saved;
      }
    };
    const w8a8 = render({ lmPrune: 'magnitude', lmLowRank: true, lmActivations: 'w8a8' });
    const int8 = render({ lmActivations: 'llm.int8' });
    const terms = (html: string) => [...html.matchAll(/data-term="([^"]+)"/g)].map((m) => m[1]);
    expect(terms(w8a8)).toEqual([
      'ptq',
      'sparsity',
      'magnitude',
      'low-rank',
      'rank',
      'w8a8',
      'calibration',
      'calibration',
      'kv-quant',
    ]);
    expect(terms(int8)).toContain('int8-threshold');
    // Menu options name their technique in a title: W8A8, LLM.int8(), KL, the KV cache's int8/int4.
    for (const k of [
      'w8a8',
      'llm-int8',
      'kl-tensorrt',
      'kv-quant',
      'minmax',
      'percentile',
    ] as const)
      expect(w8a8 + int8, k).toContain(`title="${escape(glossTitle(k))}"`);
    expect(terms(renderToStaticMarkup(createElement(GenerateForm)))).toEqual([
      'sampling-temperature',
    ]);
    expect(glossForLabel('ln(PPL_q / PPL_base)')).toBe('ln-ppl-ratio');
  });

  test('kurtosis is explained where it is shown, and an undefined one is said in words', () => {
    const html = renderToStaticMarkup(
      createElement(StatsTable, {
        stats: {
          count: 4,
          finite: 4,
          min: 0.25,
          max: 0.25,
          mean: 0.25,
          std: 0,
          absmax: 0.25,
          kurtosis: NaN,
          zeros: 0,
          nans: 0,
          posInf: 0,
          negInf: 0,
        },
      }),
    );
    expect(html).toContain('data-term="kurtosis">kurtosis');
    expect(html).toMatch(/data-stat="kurtosis" data-value="NaN">undefined \(constant tensor/);
  });
});

/** Text as React writes it in an attribute. */
const escape = (t: string) =>
  t.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

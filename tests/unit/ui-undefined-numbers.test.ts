// Numbers a tensor does not define are said in words on the page: LLM.int8()'s panel on an all-zero
// tensor and on one with no finite value shows why there is no SQNR (and no MSE), never "NaN"; the
// format comparison says why it draws no curve instead of drawing an empty one.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, test } from 'vitest';
import { DEFAULT_SPEC } from '../../src/core/quant/spec.ts';
import { compareAll, llmInt8Report } from '../../src/engine/quantize.ts';
import { useStore } from '../../src/state/store.ts';
import { ComparisonPanel } from '../../src/ui/quant/ComparisonPanel.tsx';
import { Int8Panel } from '../../src/ui/quant/Int8Panel.tsx';

/**
 * A component rendered to HTML with `over` in the store. Rendered on the server, the store's hooks
 * read its initial state: `over` goes there, and is put back after.
 */
function render(c: () => unknown, over: Record<string, unknown>) {
  const init = useStore.getInitialState() as unknown as Record<string, unknown>;
  const saved = Object.fromEntries(Object.keys(over).map((k) => [k, init[k]]));
  Object.assign(init, over);
  try {
    return renderToStaticMarkup(createElement(c as () => null));
  } finally {
    Object.assign(init, saved);
  }
}

/** The LLM.int8() panel as the store would show it for `x`. */
async function panel(x: Float32Array, shape: number[]) {
  const report = await llmInt8Report(x, shape, 6);
  return render(Int8Panel, { selected: 'w', int8: { ...report, tensor: 'w' } });
}

/** The format comparison as the store would show it for `x`. */
async function comparison(x: Float32Array, shape: number[]) {
  const c = await compareAll(x, shape, DEFAULT_SPEC);
  return render(ComparisonPanel, {
    selected: 'w',
    comparison: { ...c, tensor: 'w', spec: DEFAULT_SPEC },
  });
}

const sqnrCell = (html: string) => /data-testid="int8-sqnr">([^<]*)</.exec(html)?.[1];

describe('LLM.int8() panel: undefined numbers in words', () => {
  test('an all-zero tensor: no signal, so no SQNR; its MSE is 0', async () => {
    const html = await panel(new Float32Array(8), [2, 4]);
    expect(sqnrCell(html)).toBe('undefined (all-zero tensor: no signal to compare the error with)');
    expect(html).toMatch(/data-int8="plain" data-value="0">0</);
    expect(html).not.toMatch(/>NaN|NaN</);
  });

  test('no finite value: no SQNR and no MSE, each with the reason', async () => {
    const html = await panel(new Float32Array(8).fill(NaN), [2, 4]);
    expect(sqnrCell(html)).toMatch(/^undefined \(no finite value to compare/);
    expect(html).toMatch(/data-int8="mixed" data-value="NaN">undefined \(no finite value/);
  });

  test('an ordinary tensor shows both SQNRs', async () => {
    const x = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i) * (i === 5 ? 20 : 1));
    expect(sqnrCell(await panel(x, [8, 8]))).toMatch(/^[\d.]+ → [\d.]+$/);
  });
});

describe('format comparison: curves it cannot draw are said in words', () => {
  test('an all-zero tensor: no SQNR curve, and why', async () => {
    const html = await comparison(new Float32Array(64), [8, 8]);
    expect(html).toContain('No SQNR curve: all-zero tensor: no signal to compare the error with.');
    expect(html).not.toContain('data-testid="bits-curve"');
  });

  test('an ordinary tensor draws both curves', async () => {
    const x = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i * 1.3));
    const html = await comparison(x, [8, 8]);
    expect(html).toContain('data-testid="bits-curve"');
    expect(html).toContain('data-testid="clip-round-chart"');
    expect(html).not.toContain('No SQNR curve');
  });
});

// The session report: the reopening link, the tensor and its quantization as the store holds them,
// sections only for results that exist, and table cells that cannot break the Markdown.
import { describe, expect, test } from 'vitest';
import { buildReport } from '../../src/state/report.ts';
import type { SlimState } from '../../src/state/store.ts';

const stats = {
  count: 6,
  finite: 6,
  min: -1,
  max: 2,
  mean: 0.5,
  std: 1,
  absmax: 2,
  kurtosis: -1.2,
  zeros: 1,
  nans: 0,
  posInf: 0,
  negInf: 0,
};

function state(over: Partial<SlimState>): SlimState {
  return {
    model: {
      id: 'm1',
      file: 'my|model.safetensors',
      tensors: [{ name: 'w', params: 6 }],
      architecture: null,
    },
    analysis: null,
    quant: null,
    comparison: null,
    evaluation: null,
    qat: null,
    ptq: null,
    lowRank: null,
    pruneLab: null,
    distillation: null,
    variants: [],
    ...over,
  } as unknown as SlimState;
}

describe('buildReport', () => {
  test('the link, the model, the tensor and what its quantization did', () => {
    const md = buildReport(
      state({
        analysis: {
          modelId: 'm1',
          tensor: 'w',
          dtype: 'F32',
          shape: [2, 3],
          backend: 'cpu',
          stats,
        } as unknown as SlimState['analysis'],
        quant: {
          tensor: 'w',
          spec: { format: 'int', bits: 4, symmetric: true, rounding: 'nearest', clipQuantile: 1 },
          granularity: { kind: 'channel', axis: 0 },
          note: null,
          error: {
            sqnrDb: 23.456789,
            mse: 0.00123,
            clippingMse: 0,
            roundingMse: 0.00123,
            maxAbsError: 0.1,
            cosine: 0.99,
          },
          bitsPerWeight: 4.5,
          bytesAfter: 4,
        } as unknown as SlimState['quant'],
      }),
      'https://example.org/?v=1&qb=4',
      new Date('2026-01-02T03:04:05Z'),
    );
    expect(md).toContain(
      '2026-01-02T03:04:05.000Z · reopen this view: <https://example.org/?v=1&qb=4>',
    );
    expect(md).toContain('my\\|model.safetensors: 1 tensors, 6 parameters');
    expect(md).toContain('## Tensor w');
    expect(md).toContain('int 4-bit symmetric, per channel (axis 0), nearest rounding.');
    expect(md).toMatch(/\| 23\.46 \| 0\.00123 \| 0 \| 0\.00123 \| 0\.1 \| 0\.99 \| 4\.5 \| 4 B \|/);
    expect(md).not.toContain('## Accuracy');
    expect(md).not.toContain('## Every variant');
  });

  test('table cells with pipes or line breaks stay in their cell', () => {
    const md = buildReport(
      state({
        variants: [
          {
            model: 'a|b',
            technique: 'pruning',
            label: 'two\nlines',
            bytes: 2048,
            accuracy: 0.5,
            agreement: null,
            kl: null,
          },
        ] as unknown as SlimState['variants'],
      }),
      'x',
    );
    expect(md).toContain('| a\\|b | pruning | two lines | 2.0 KiB | 50.00% | — | — |');
  });

  test('names from a file cannot add markup, links, HTML or lines', () => {
    const md = buildReport(
      state({
        model: {
          id: 'm1',
          file: 'x\n## Owned <img src=x onerror=alert(1)> [click](https://evil.example)',
          tensors: [],
          architecture: null,
        } as unknown as SlimState['model'],
      }),
      'x',
    );
    const line = md.split('\n').find((l) => l.includes('Owned'))!;
    expect(line.startsWith('x \\#\\# Owned \\<img')).toBe(true);
    expect(line).toContain('\\[click\\]\\(https://evil.example\\)');
    expect(md).not.toMatch(/^## Owned/m);
  });

  test('with nothing open it says so', () => {
    expect(buildReport(state({ model: null }), 'x')).toContain('No model was open.');
  });
});

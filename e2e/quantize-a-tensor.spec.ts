import { expect, test } from '@playwright/test';
import { DEFAULT_SPEC } from '../src/core/quant/spec.ts';
import { quantize } from '../src/core/quant/quant.ts';
import { sampleModel } from './fixtures/files.ts';
import { ON_WEBGPU, Slimlab } from './fixtures/slimlab.ts';

// These numbers come from the WebGPU kernels: the spec starts as a new visitor, on WebGPU.
test.use(ON_WEBGPU);

test('quantize a tensor and see its error split into clipping and rounding', async ({
  page,
}, info) => {
  const app = new Slimlab(page);
  const { file, tensors } = sampleModel();
  await app.open({ demo: false });
  await app.drop([file]);
  await app.selectTensor('encoder.attn.q.weight');
  await app.waitForHistogram('encoder.attn.q.weight', 64);
  const panel = page.getByTestId('quant-panel');
  const value = async (k: string) =>
    Number(await panel.locator(`[data-quant="${k}"]`).getAttribute('data-value'));

  // Default: int8, symmetric, per channel, no clipping: all the error is rounding.
  await expect(panel.locator('[data-quant="mse"]')).toBeVisible();
  expect(await value('clipped')).toBe(0);
  expect(await value('clippingMse')).toBe(0);

  // int4 per tensor, clipped at the 99th percentile of |x|: the outliers now dominate the error.
  await page.getByLabel('Quantization bits').selectOption('4');
  await page.getByLabel('Quantization granularity').selectOption('tensor');
  await page.getByLabel('Clipping threshold').selectOption('0.99');
  const x = tensors['encoder.attn.q.weight'];
  const want = quantize(x, [64, 48], {
    ...DEFAULT_SPEC,
    bits: 4,
    granularity: { kind: 'tensor' },
    clipQuantile: 0.99,
  }).error;
  await expect.poll(() => value('clipped')).toBe(want.clipped);
  expect(want.clipped).toBeGreaterThan(0);
  // Integer formats run on the WebGPU kernel here (SwiftShader): float32 sums, so a relative match.
  await expect(panel.getByTestId('quant-on')).toHaveText('WebGPU');
  const close = (got: number, ref: number) =>
    expect(Math.abs(got - ref)).toBeLessThanOrEqual(1e-5 * Math.abs(ref));
  close(await value('mse'), want.mse);
  close(await value('clippingMse'), want.clippingMse);
  expect(await value('sqnrDb')).toBeCloseTo(want.sqnrDb, 4);
  await expect(page.getByRole('img', { name: /clipping \d+\.\d% of the error/ })).toBeVisible();
  await expect(app.histogram.locator('.clip-marker')).toHaveCount(2);
  // int4 symmetric restricted: 15 levels, drawn over the 64 bins; the clipped tails are shaded.
  await expect(app.histogram.locator('figcaption')).toHaveAttribute('data-levels', '15');
  await expect(app.histogram.locator('.clipped-tail')).toHaveCount(2);
  await info.attach('quantized', {
    body: await page.screenshot({ fullPage: true }),
    contentType: 'image/png',
  });
});

test('rank every layer of the demo model by its quantization error', async ({ page }) => {
  const app = new Slimlab(page);
  await app.open({ query: 'demo=ppocr-cls' });
  await app.waitForHistogram('conv2d_44.w_0', 64);
  await page.getByLabel('Quantization bits').selectOption('4');
  await app.lab('Plan');
  await page.getByRole('button', { name: 'Rank layers by error' }).click();
  const rows = page.getByTestId('sensitivity-table').locator('tbody tr');
  await expect(rows.first()).toBeVisible();
  expect(await rows.count()).toBeGreaterThan(40);
  const shares = await rows
    .locator('[data-share]')
    .evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-share'))));
  expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  expect(shares).toEqual([...shares].sort((a, b) => b - a));
  const top = (await rows.first().locator('td').first().textContent())!;
  await rows.first().click();
  await expect(app.row(top)).toHaveClass(/selected/);
  await app.lab('Quantization');
  await app.waitForHistogram(top, 64);
});

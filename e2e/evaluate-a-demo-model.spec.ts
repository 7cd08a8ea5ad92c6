import { expect, test } from '@playwright/test';
import { Slimlab } from './fixtures/slimlab.ts';

test('the MNIST demo model classifies the test digits, and quantization costs what it costs', async ({
  page,
}, info) => {
  const app = new Slimlab(page);
  await app.open({ demo: false });
  await page.getByRole('button', { name: 'Demo: mnist-mlp.safetensors' }).click();
  await app.waitForHistogram('fc1.weight', 64);
  const panel = page.getByTestId('accuracy');
  await expect(panel).toContainText('mnist-mlp');
  // int4 in groups of 32 as the tensor panel's scheme.
  await page.getByLabel('Quantization bits').selectOption('4');
  await page.getByLabel('Quantization granularity').selectOption('group:32');
  await panel.getByRole('button', { name: 'Evaluate', exact: true }).click();
  const row = (v: string) => panel.locator(`tr[data-variant="${v}"]`);
  await expect(row('int2')).toBeVisible({ timeout: 60_000 });
  const acc = async (v: string) => Number(await row(v).getAttribute('data-accuracy'));
  // The forward passes ran on the linear.wgsl kernels (SwiftShader here).
  await expect(panel.getByTestId('accuracy-on')).toHaveText('WebGPU');
  expect(await acc('fp32')).toBeGreaterThanOrEqual(0.96);
  expect(await acc('int8')).toBeGreaterThan(0.955);
  expect(await acc('this scheme')).toBeGreaterThan(0.94);
  expect(await acc('int2')).toBeLessThan(await acc('int8'));
  // The confusion matrix counts all 2,000 test digits.
  const cells = await page
    .getByTestId('confusion')
    .locator('tbody td:not(:last-child)')
    .allTextContents();
  expect(cells.reduce((a, c) => a + Number(c), 0)).toBe(2000);
  // Low rank: 90% of each spectrum keeps most of the accuracy with far fewer parameters.
  const lowRank = page.getByTestId('low-rank');
  await lowRank.getByLabel('Energy kept').selectOption('0.9');
  await lowRank.getByLabel('Low-rank fine-tuning epochs').selectOption('1');
  await lowRank.getByRole('button', { name: 'Factorize and evaluate' }).click();
  const summary = page.getByTestId('low-rank-summary');
  await expect(summary).toBeVisible({ timeout: 120_000 });
  const factored = Number(await summary.getAttribute('data-accuracy'));
  expect(factored).toBeGreaterThan(0.9);
  // One epoch of fine-tuning the two factors of each layer does not lose accuracy.
  expect(Number(await summary.getAttribute('data-tuned'))).toBeGreaterThan(factored - 0.005);
  const fc1 = lowRank.locator('tr[data-layer="fc1.weight"]');
  expect(Number(await fc1.getAttribute('data-rank'))).toBeLessThan(256);
  await info.attach('accuracy', {
    body: await page.screenshot({ fullPage: true }),
    contentType: 'image/png',
  });
});

test('quantization-aware fine-tuning recovers what W2A2 post-training quantization loses', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const app = new Slimlab(page);
  await app.open({ demo: false });
  await page.getByRole('button', { name: 'Demo: mnist-mlp.safetensors' }).click();
  await app.waitForHistogram('fc1.weight', 64);
  const qat = page.getByTestId('qat');
  await qat.getByRole('button', { name: 'Compare PTQ with QAT' }).click();
  await expect(page.getByTestId('progress')).toBeVisible();
  const w2 = qat.locator('tr[data-bits="2"]');
  await expect(w2).toBeVisible({ timeout: 200_000 });
  const ptq = Number(await w2.getAttribute('data-ptq'));
  const tuned = Number(await w2.getAttribute('data-qat'));
  expect(tuned).toBeGreaterThan(ptq + 0.2);
  const w8 = qat.locator('tr[data-bits="8"]');
  expect(Number(await w8.getAttribute('data-qat'))).toBeGreaterThan(0.96);
});

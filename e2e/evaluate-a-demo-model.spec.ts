// Evaluating the MNIST demo model, its low-rank factorization and PTQ against QAT. The labs run
// here on 1,000 of the digits (a quick run) and the test checks the shape of what comes back; the
// full-size accuracies live in the unit tests (tests/unit/models.test.ts, finetune.test.ts).
import { expect, test } from '@playwright/test';
import { ON_WEBGPU, Slimlab } from './fixtures/slimlab.ts';

// These numbers come from the WebGPU kernels: the spec starts as a new visitor, on WebGPU.
test.use(ON_WEBGPU);

test('the MNIST demo model classifies the test digits, and quantization costs what it costs', async ({
  page,
}, info) => {
  const app = new Slimlab(page);
  await app.open({ demo: false, query: 'lz=1000' });
  await page.getByRole('button', { name: 'Demo: mnist-mlp.safetensors' }).click();
  await app.waitForHistogram('fc1.weight', 64);
  // int4 in groups of 32 as the tensor panel's scheme, in the quantization lab.
  await page.getByLabel('Quantization bits').selectOption('4');
  await page.getByLabel('Quantization granularity').selectOption('group:32');
  await app.lab('Accuracy');
  const panel = page.getByTestId('accuracy');
  await expect(panel).toContainText('mnist-mlp');
  // The quick size came from the link, and the panel says what it means.
  const digits = panel.getByLabel('Digits per lab run');
  await expect(digits).toHaveValue('1000');
  await expect(digits.locator('option:checked')).toHaveText('1,000 (quick)');
  await expect(panel.getByTestId('lab-digits')).toContainText('800 to train, 200 to test');
  await expect(panel.getByTestId('lab-digits')).toContainText('rougher numbers');
  await panel.getByRole('button', { name: 'Evaluate', exact: true }).click();
  const row = (v: string) => panel.locator(`tr[data-variant="${v}"]`);
  await expect(row('int2')).toBeVisible({ timeout: 60_000 });
  const acc = async (v: string) => Number(await row(v).getAttribute('data-accuracy'));
  // The forward passes ran on the linear.wgsl kernels (SwiftShader here).
  await expect(panel.getByTestId('accuracy-on')).toHaveText('WebGPU');
  for (const v of ['fp32', 'this scheme', 'int8', 'int4', 'int2']) {
    expect(await acc(v)).toBeGreaterThanOrEqual(0);
    expect(await acc(v)).toBeLessThanOrEqual(1);
  }
  // Robust even on 200 test digits: the trained model is far above chance, and int2 loses accuracy.
  expect(await acc('fp32')).toBeGreaterThan(0.9);
  expect(await acc('int2')).toBeLessThan(await acc('int8'));
  // The confusion matrix counts every test digit of the quick run: a fifth of 1,000.
  const cells = await page
    .getByTestId('confusion')
    .locator('tbody td:not(:last-child)')
    .allTextContents();
  expect(cells).toHaveLength(100);
  expect(cells.reduce((a, c) => a + Number(c), 0)).toBe(200);
  // Low rank: 90% of each spectrum, with far fewer parameters; one epoch of fine-tuning the factors.
  const lowRank = page.getByTestId('low-rank');
  await lowRank.getByLabel('Energy kept').selectOption('0.9');
  await lowRank.getByLabel('Low-rank fine-tuning epochs').selectOption('1');
  await lowRank.getByRole('button', { name: 'Factorize and evaluate' }).click();
  const summary = page.getByTestId('low-rank-summary');
  await expect(summary).toBeVisible({ timeout: 60_000 });
  for (const a of ['data-accuracy', 'data-tuned']) {
    const v = Number(await summary.getAttribute(a));
    expect(v).toBeGreaterThanOrEqual(0);
    expect(v).toBeLessThanOrEqual(1);
  }
  const fc1 = lowRank.locator('tr[data-layer="fc1.weight"]');
  expect(Number(await fc1.getAttribute('data-rank'))).toBeLessThan(256);
  expect(Number(await fc1.getAttribute('data-rank'))).toBeGreaterThan(0);
  await info.attach('accuracy', {
    body: await page.screenshot({ fullPage: true }),
    contentType: 'image/png',
  });
});

test('PTQ against quantization-aware fine-tuning at 8, 4 and 2 bits: one row per width', async ({
  page,
}) => {
  const app = new Slimlab(page);
  await app.open({ demo: false, query: 'lz=1000' });
  await page.getByRole('button', { name: 'Demo: mnist-mlp.safetensors' }).click();
  await app.waitForHistogram('fc1.weight', 64);
  await app.lab('Accuracy');
  const qat = page.getByTestId('qat');
  await qat.getByRole('button', { name: 'Compare PTQ with QAT' }).click();
  await expect(page.getByTestId('progress')).toBeVisible();
  const w2 = qat.locator('tr[data-bits="2"]');
  await expect(w2).toBeVisible({ timeout: 60_000 });
  await expect(qat.locator('tr[data-bits]:not([data-bits="32"])')).toHaveCount(3);
  for (const bits of [8, 4, 2]) {
    const r = qat.locator(`tr[data-bits="${bits}"]`);
    for (const a of ['data-ptq', 'data-qat']) {
      const v = Number(await r.getAttribute(a));
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
  }
  // W2A2 post-training quantization loses most of the accuracy, W8A8 next to none, with or without
  // fine-tuning. How much one epoch of QAT wins back at W2 needs more than 800 training digits:
  // tests/unit/models.test.ts checks it at full size.
  const w8 = qat.locator('tr[data-bits="8"]');
  const ptq2 = Number(await w2.getAttribute('data-ptq'));
  expect(ptq2).toBeLessThan(Number(await w8.getAttribute('data-ptq')) - 0.3);
  expect(Number(await w8.getAttribute('data-qat'))).toBeGreaterThan(0.9);
});

import { expect, test } from '@playwright/test';
import { llmInt8 } from '../src/core/quant/llm-int8.ts';
import { DEFAULT_SPEC } from '../src/core/quant/spec.ts';
import { quantize } from '../src/core/quant/quant.ts';
import { sampleModel } from './fixtures/files.ts';
import { ON_WEBGPU, Slimlab } from './fixtures/slimlab.ts';

// These numbers come from the WebGPU kernels: the spec starts as a new visitor, on WebGPU.
test.use(ON_WEBGPU);

test('NF4 in groups of 64, formats side by side, LLM.int8() and the worked example', async ({
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

  // NF4 picks blocks of 64 (as bitsandbytes); 48 columns a row make one ragged group per row.
  await page.getByLabel('Number format').selectOption('nf4');
  const x = tensors['encoder.attn.q.weight'];
  const want = quantize(x, [64, 48], {
    ...DEFAULT_SPEC,
    format: 'nf4',
    granularity: { kind: 'group', size: 64 },
  });
  await expect.poll(() => value('blocks')).toBe(64);
  // NF4 runs on the CPU path: the core's numbers exactly.
  await expect(panel.getByTestId('quant-on')).toHaveText('CPU');
  expect(await value('mse')).toBe(want.error.mse);
  await expect(panel.getByTestId('quant-size')).toContainText('4.667 bits per weight');
  await expect(app.histogram.locator('figcaption')).toHaveAttribute('data-levels', '16');
  await expect(page.getByTestId('error-heatmap')).toHaveAttribute('data-rows', '48');

  // The comparison: every format on this tensor, the error against bits, the clipping sweep.
  const table = page.getByTestId('format-table');
  await expect(table.locator('tbody tr')).toHaveCount(14);
  const sqnr = async (label: string) =>
    Number(await table.locator(`tr[data-format="${label}"] [data-sqnr]`).getAttribute('data-sqnr'));
  expect(await sqnr('fp16')).toBeGreaterThan(await sqnr('int8 sym'));
  expect(await sqnr('int8 sym')).toBeGreaterThan(await sqnr('int4 sym'));
  await expect(page.getByTestId('bits-curve')).toHaveAttribute('data-points', '7');
  await expect(page.getByTestId('clip-round-chart')).toBeVisible();

  // Asymmetric int3, stochastic rounding with a seed: the numbers follow the seed.
  await page.getByLabel('Number format').selectOption('int');
  await page.getByLabel('Quantization bits').selectOption('3');
  await page.getByLabel('Quantization range').selectOption('asym');
  await page.getByLabel('Quantization granularity').selectOption('group:32');
  await page.getByLabel('Rounding mode').selectOption('stochastic');
  await page.getByLabel('Random seed').fill('42');
  const sto = quantize(x, [64, 48], {
    ...DEFAULT_SPEC,
    bits: 3,
    symmetric: false,
    granularity: { kind: 'group', size: 32 },
    rounding: 'stochastic',
    seed: 42,
  });
  // On the WebGPU kernel (float32 sums): a relative match.
  await expect(panel.getByTestId('quant-on')).toHaveText('WebGPU');
  await expect
    .poll(async () => Math.abs((await value('mse')) / sto.error.mse - 1))
    .toBeLessThan(1e-5);
  expect(await value('blocks')).toBe(128);

  // LLM.int8(): at threshold 1.5 the two outlier columns stay in fp16.
  await page.getByLabel('Outlier threshold').fill('1.5');
  await page.getByLabel('Outlier threshold').press('Enter');
  const d = llmInt8(x, [64, 48], 1.5);
  expect(d.outlierColumns.length).toBe(2);
  const summary = page.getByTestId('int8-summary');
  await expect(summary).toHaveAttribute('data-kept', String(d.keptFraction));
  const mixed = Number(
    await page.getByTestId('int8-panel').locator('[data-int8="mixed"]').getAttribute('data-value'),
  );
  expect(mixed).toBeCloseTo(d.error.mse, 12);
  expect(mixed).toBeLessThan(d.plainError.mse);

  // The worked example updates as the matrix is edited.
  const card = page.getByTestId('zero-point-card');
  await expect(card.locator('tr[data-x="-51.5"] [data-int8]')).toHaveText('-128');
  await expect(card.locator('tr[data-x="0"] [data-uint8]')).toHaveText('128');
  await card.getByLabel('Example matrix').fill('10, -2.5\n5, 0');
  await expect(card.getByTestId('worked-scale')).toHaveAttribute(
    'data-value',
    String(Math.fround(10 / 127)),
  );
  await expect(card.locator('tr[data-x="10"] [data-int8]')).toHaveText('127');
  await card.getByLabel('Example matrix').fill('10, abc');
  await expect(card.getByRole('alert')).toContainText("'abc' is not a finite number");
  await info.attach('lab', {
    body: await page.screenshot({ fullPage: true }),
    contentType: 'image/png',
  });
});

test('plan bits per layer for a size budget on the demo model', async ({ page }) => {
  const app = new Slimlab(page);
  await app.open({ query: 'demo=ppocr-cls' });
  await app.waitForHistogram('conv2d_44.w_0', 64);
  await app.lab('Plan');
  const planner = page.getByTestId('planner');
  await planner.getByRole('button', { name: 'Measure the weights' }).click();
  const summary = page.getByTestId('plan-summary');
  await expect(summary.locator('tr[data-plan="mixed"]')).toBeVisible();
  const slider = page.getByLabel('Size budget in bits per weight');
  await slider.fill('4');
  const read = async (p: string) => {
    const row = summary.locator(`tr[data-plan="${p}"]`);
    return {
      bytes: Number(await row.getAttribute('data-bytes')),
      sse: Number(await row.getAttribute('data-sse')),
    };
  };
  const plan = await read('mixed');
  const int4 = await read('int4');
  const int3 = await read('int3');
  // The plan fits 4 bits a weight on average (int4 per channel needs a little more for scales),
  // and beats int3 everywhere, which also fits.
  expect(plan.bytes).toBeLessThanOrEqual(int4.bytes);
  expect(int3.bytes).toBeLessThan(plan.bytes);
  expect(plan.sse).toBeLessThan(int3.sse);
});

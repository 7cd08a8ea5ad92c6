// The calibration lab on the MNIST demo model. The labs run here on 1,000 of the digits (a quick
// run) and the test checks the shape of what comes back; the full-size numbers live in the unit
// tests (tests/unit/calibrate.test.ts).
import { expect, test } from '@playwright/test';
import { Slimlab } from './fixtures/slimlab.ts';

test('calibrate the MNIST model: every method on the histogram, and PTQ variants compared', async ({
  page,
}, info) => {
  test.setTimeout(120_000);
  const app = new Slimlab(page);
  await app.open({ demo: false, query: 'lz=1000' });
  await page.getByRole('button', { name: 'Demo: mnist-mlp.safetensors' }).click();
  await app.waitForHistogram('fc1.weight', 64);
  await app.lab('Calibration');
  const panel = page.getByTestId('calibration');
  await panel.getByLabel('Calibration set size').selectOption('128');
  await panel.getByRole('button', { name: 'Calibrate' }).click();
  const picks = panel.getByTestId('picks');
  await expect(picks.locator('tr')).toHaveCount(9, { timeout: 60_000 });
  const t = async (m: string) =>
    Number(await picks.locator(`tr[data-method="${m}"]`).getAttribute('data-threshold'));
  // On the ReLU outputs of fc1, MinMax takes the whole range; KL and the percentiles clip.
  expect(await t('kl')).toBeLessThan(await t('minmax'));
  expect(await t('p99.9')).toBeLessThan(await t('p99.999'));
  expect(await t('p99.999')).toBeLessThanOrEqual(await t('minmax'));
  await expect(panel.getByTestId('tradeoff')).toBeVisible();
  // Both error curves are drawn (zeros, which a log axis cannot show, are left out, not the line).
  const curves = panel.getByTestId('tradeoff').locator('path.recharts-line-curve');
  await expect(curves).toHaveCount(2);
  for (const d of await curves.evaluateAll((ps) => ps.map((p) => p.getAttribute('d') ?? '')))
    expect(d.length).toBeGreaterThan(20);
  // 32, 64 and 128 digits: three points per method.
  await expect(panel.getByTestId('convergence')).toHaveAttribute('data-points', '3');
  await panel.getByLabel('Calibrated layer').selectOption({ index: 0 });
  expect(await t('minmax')).toBeLessThanOrEqual(1);

  await panel.getByRole('button', { name: 'Compare PTQ variants' }).click();
  const table = panel.getByTestId('ptq-table');
  await expect(table.locator('tbody tr')).toHaveCount(22, { timeout: 60_000 });
  const acc = async (label: string) =>
    Number(await table.locator(`tr[data-variant="${label}"]`).getAttribute('data-accuracy'));
  const all = await table
    .locator('tr[data-variant]')
    .evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('data-accuracy'))));
  expect(all).toHaveLength(22);
  for (const a of all) {
    expect(a).toBeGreaterThanOrEqual(0);
    expect(a).toBeLessThanOrEqual(1);
  }
  // 8-bit weights and activations keep the accuracy, even on the quick run's 200 test digits.
  expect(await acc('W8A32 (weights only, per channel)')).toBeGreaterThan(0.96);
  expect(await acc('static W8A8, KL (TensorRT 2048/128), weights per channel')).toBeGreaterThan(
    0.95,
  );
  await expect(panel.getByTestId('ptq-worst')).toContainText('hurts most');
  await info.attach('calibration', {
    body: await page.screenshot({ fullPage: true }),
    contentType: 'image/png',
  });
});

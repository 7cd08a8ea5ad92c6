import { expect, test } from '@playwright/test';
import { Slimlab } from './fixtures/slimlab.ts';

test('the latency model explains itself per profile, and the KV-cache explorer compares paged with contiguous', async ({
  page,
}) => {
  const app = new Slimlab(page);
  await app.open({ demo: false });
  await page.getByRole('button', { name: 'Demo: mnist-cnn.safetensors' }).click();
  await app.waitForHistogram('fc1.weight', 64);
  await app.lab('Latency');
  const panel = page.getByTestId('latency');
  await expect(panel.getByTestId('latency-chart')).toBeVisible();
  await panel.getByLabel('Deployment', { exact: true }).selectOption('w8a8');
  await panel.getByLabel('Latency profile', { exact: true }).selectOption('m2');
  await expect(panel.getByTestId('latency-explain')).toContainText('no int8 arithmetic units');
  await panel.getByLabel('Deployment', { exact: true }).selectOption('s24');
  await panel.getByLabel('Latency profile', { exact: true }).selectOption('t4');
  await expect(panel.getByTestId('latency-explain')).toContainText('no sparse tensor cores');
  // Every layer of the CNN has a row (convolutions, activations, pooling, dense).
  await expect(panel.getByTestId('latency-layers').locator('tbody tr')).toHaveCount(9);
  // The same model timed on this device, next to the estimates.
  await panel.getByRole('button', { name: 'Time it on this device' }).click();
  const measured = panel.getByTestId('measured-latency');
  await expect(measured).toBeVisible({ timeout: 60_000 });
  expect(Number(await measured.getAttribute('data-ms'))).toBeGreaterThan(0);
  const kv = page.getByTestId('kv-cache');
  await expect(kv.getByTestId('kv-table')).toHaveAttribute('data-per-token', String(512 * 1024));
  const waste = async (scheme: string) =>
    Number(await kv.locator(`tr[data-scheme="${scheme}"]`).getAttribute('data-waste'));
  const fit = async (scheme: string) =>
    Number(await kv.locator(`tr[data-scheme="${scheme}"]`).getAttribute('data-fit'));
  expect(await waste('paged')).toBeLessThan(0.02);
  expect(await waste('contiguous')).toBeGreaterThan(0.4);
  expect(await fit('paged')).toBeGreaterThan(1.5 * (await fit('contiguous')));
});

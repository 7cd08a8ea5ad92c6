import { expect, test } from '@playwright/test';
import { Slimlab } from './fixtures/slimlab.ts';

test('the pruning lab: masks, storage, honest speed, channel pruning, the sweep and gradual pruning', async ({
  page,
}, info) => {
  test.setTimeout(240_000);
  const app = new Slimlab(page);
  await app.open({ demo: false });
  await page.getByRole('button', { name: 'Demo: mnist-mlp.safetensors' }).click();
  await app.waitForHistogram('fc1.weight', 64);
  const lab = page.getByTestId('pruning-lab');
  await lab.getByLabel('Pruning lab method').selectOption({ label: '2:4 structured' });
  await lab.getByRole('button', { name: 'Prune', exact: true }).click();
  const study = page.getByTestId('prune-study');
  await expect(study).toBeVisible({ timeout: 60_000 });
  expect(Number(await study.getAttribute('data-sparsity'))).toBe(0.5);
  // 2:4 storage at fp32 is half the values plus a 2-bit position each (0.5 + 1/32); a T4 has no
  // sparse tensor cores.
  const storage = page.getByTestId('prune-storage');
  const bytes = async (layout: string) =>
    Number(await storage.locator(`tr[data-layout="${layout}"]`).getAttribute('data-bytes'));
  expect((await bytes('2:4')) / (await bytes('dense'))).toBeCloseTo(0.5 + 1 / 32, 3);
  const speed = page.getByTestId('prune-speed');
  await expect(speed.locator('tr[data-profile="t4"]')).toContainText('saves storage, not time');
  await expect(lab).toContainText(/NVIDIA T4[^.]*: no sparse tensor cores/);
  await expect(lab.locator('canvas.mask-heatmap')).toHaveCount(3);

  // Channel pruning really removes parameters.
  await lab
    .getByLabel('Pruning lab method')
    .selectOption({ label: 'L1 channels (shrinks layers)' });
  await lab.getByLabel('Sparsity', { exact: true }).fill('0.5');
  await lab.getByRole('button', { name: 'Prune', exact: true }).click();
  await expect(page.getByTestId('shrunk-params')).toBeVisible({ timeout: 60_000 });
  const shrunk = Number((await page.getByTestId('shrunk-params').textContent())!.replace(/,/g, ''));
  expect(shrunk).toBeLessThan(235_146 * 0.6);

  await lab.getByRole('button', { name: 'Sweep every method' }).click();
  await expect(page.getByTestId('prune-sweep')).toHaveAttribute('data-points', '17', {
    timeout: 120_000,
  });

  await lab.getByLabel('Final sparsity').selectOption('0.9');
  await lab.getByLabel('Gradual pruning epochs').selectOption('1');
  await lab.getByRole('button', { name: 'Prune gradually' }).click();
  const gradual = page.getByTestId('gradual-summary');
  await expect(gradual).toBeVisible({ timeout: 120_000 });
  expect(Number(await gradual.getAttribute('data-final'))).toBeGreaterThan(
    Number(await gradual.getAttribute('data-one-shot')) + 0.1,
  );
  await info.attach('pruning lab', {
    body: await lab.screenshot(),
    contentType: 'image/png',
  });
});

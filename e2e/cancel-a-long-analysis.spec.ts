import { expect, test } from '@playwright/test';
import { safetensorsFile } from './fixtures/files.ts';
import { Slimlab } from './fixtures/slimlab.ts';

test('a long analysis shows progress and stops when cancelled', async ({ page }) => {
  const app = new Slimlab(page);
  await app.open({ demo: false });
  const small = safetensorsFile('small.safetensors', {
    a: { shape: [3], data: Float32Array.of(1, 2, 3) },
  });
  await app.drop([small]);
  await app.waitForHistogram('a', 64);
  await page.getByLabel('Compute backend').selectOption('cpu');
  // 64 M elements on the CPU path: seconds of work, reported in slices of 1 M.
  await app.dropLarge('big.safetensors', 'big', 64 << 20);
  const progress = page.getByTestId('progress');
  await expect(progress).toBeVisible();
  await expect(progress.locator('progress')).toHaveAttribute('value', /^0\.\d*[1-9]/);
  const t0 = Date.now();
  await progress.getByRole('button', { name: 'Cancel' }).click();
  await expect(progress).toHaveCount(0);
  expect(Date.now() - t0).toBeLessThan(2000);
  await expect(app.notices).toContainText('Analysis of big cancelled');
  // The page is still usable: analyse again, with a smaller histogram, and let it finish.
  await app.setBins(16);
  await app.waitForHistogram('big', 16);
});

import { expect, test } from '@playwright/test';
import { safetensorsFile } from './fixtures/files.ts';
import { Slimlab } from './fixtures/slimlab.ts';

test('a long analysis shows progress, stays in view at any scroll position, and stops when cancelled', async ({
  page,
}) => {
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
  await expect(progress).toContainText('Analysing big');
  await expect(progress.locator('progress')).toHaveAttribute('value', /^0\.\d*[1-9]/);
  // Scrolled to the foot of the page, the job bar is still on screen.
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await expect(progress).toBeInViewport();
  const t0 = Date.now();
  await progress.getByRole('button', { name: 'Cancel' }).click();
  await expect(progress).toHaveCount(0);
  expect(Date.now() - t0).toBeLessThan(2000);
  await expect(app.notices).toContainText('Analysis of big cancelled');
  // The page is still usable: analyse again, with a smaller histogram, from the tensor's panel.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.getByLabel('Histogram bins').focus();
  await app.setBins(16);
  await expect(progress).toBeVisible();
  // "show" goes back to the panel that started the job, from anywhere on the page.
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await expect(progress).toBeInViewport();
  await progress.getByRole('button', { name: 'show' }).click();
  await expect(page.getByRole('region', { name: 'Selected tensor' })).toBeInViewport();
  // Escape cancels while the focus is in the bar.
  await progress.getByRole('button', { name: 'Cancel' }).focus();
  await page.keyboard.press('Escape');
  await expect(progress).toHaveCount(0);
  await expect(app.notices).toContainText('Analysis of big cancelled');
  await app.setBins(32);
  await app.waitForHistogram('big', 32);
});

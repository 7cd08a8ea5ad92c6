import { expect, test } from '@playwright/test';
import { chromiumPath, CHROMIUM_ARGS } from './fixtures/chromium.ts';
import { Slimlab } from './fixtures/slimlab.ts';

// Without --enable-unsafe-webgpu headless Chromium has no adapter: the app must say so and go on.
test.use({
  launchOptions: {
    executablePath: chromiumPath(),
    args: CHROMIUM_ARGS.filter((a) => a !== '--enable-unsafe-webgpu'),
  },
});

test('without WebGPU the app says so and computes on the CPU', async ({ page }) => {
  const app = new Slimlab(page);
  await app.open({ query: 'demo=ppocr-cls' });
  const status = page.getByTestId('backend-status');
  await expect(status).toHaveAttribute('data-backend', 'cpu');
  await expect(status).toContainText(/no WebGPU adapter|not available/);
  await app.waitForHistogram('conv2d_44.w_0', 64);
  await expect(page.getByTestId('computed-on')).toHaveText('CPU');
  expect((await app.stat('count')).value).toBe(10_000);
});

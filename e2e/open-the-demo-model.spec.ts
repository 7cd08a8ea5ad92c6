import { expect, test } from '@playwright/test';
import { ON_WEBGPU, Slimlab } from './fixtures/slimlab.ts';

test.describe('a new visitor', () => {
  test.use(ON_WEBGPU);
  test('the demo model is open on arrival, with a histogram computed on WebGPU', async ({
    page,
  }, info) => {
    const app = new Slimlab(page);
    await app.open();
    await expect(page.getByTestId('backend-status')).toHaveAttribute('data-backend', 'webgpu');
    await expect(page.getByTestId('backend-status')).toContainText(/swiftshader|WebGPU/i);
    // The MNIST MLP, which every lab runs on.
    await expect(app.table.locator('tbody tr')).toHaveCount(6);
    await expect(page.getByText('235,146 parameters')).toBeVisible();
    // The largest tensor is selected and analysed.
    await app.waitForHistogram('fc1.weight', 64);
    await expect(page.getByTestId('computed-on')).toHaveText('WebGPU');
    expect((await app.stat('count')).value).toBe(256 * 784);
    await info.attach('demo-model', {
      body: await page.screenshot({ fullPage: true }),
      contentType: 'image/png',
    });
  });
});

test('the tensor table sorts, filters and works from the keyboard', async ({ page }) => {
  const app = new Slimlab(page);
  // The PaddleOCR classifier: 213 tensors to sort and filter.
  await app.open({ query: 'demo=ppocr-cls' });
  await app.waitForHistogram('conv2d_44.w_0', 64);
  await page.getByLabel('Filter tensors').fill('conv2d_4');
  const rows = app.table.locator('tbody tr');
  await expect(rows).toHaveCount(16); // conv2d_4 and conv2d_40 .. conv2d_49, weights and biases
  await page.getByRole('button', { name: /^params/ }).click();
  // Largest first; ties (10,000 parameters) in natural name order.
  await expect(rows.first().locator('td').first()).toHaveText('conv2d_44.w_0');
  await page.getByRole('button', { name: /^params/ }).click();
  await expect(rows.first().locator('td').first()).toHaveText('conv2d_4.b_0');
  // Keyboard: focus the first row and press Enter.
  await rows.first().focus();
  await page.keyboard.press('Enter');
  await app.waitForHistogram('conv2d_4.b_0', 64);
});

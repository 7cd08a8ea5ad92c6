import { expect, test } from '@playwright/test';
import { onnxOfOneName } from '../tests/helpers/onnx.ts';
import { Slimlab } from './fixtures/slimlab.ts';

/** The bound: a frame later than this is a freeze a person sees. */
const MAX_FRAME_GAP_MS = 1000;

test('an ONNX file of 20,000 tensors of one name opens without freezing the page', async ({
  page,
}) => {
  const app = new Slimlab(page);
  await app.open({ demo: false });
  // Every frame's lateness, outside the time the worker reads the file.
  await page.evaluate(() => {
    const w = window as unknown as { __gaps: number[] };
    w.__gaps = [];
    let last = 0;
    const tick = (t: number) => {
      if (last && !window.__slimlab!.readingBetween(last, t)) w.__gaps.push(t - last);
      last = t;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const bytes = onnxOfOneName(20_000);
  await app.drop([
    { name: 'many.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) },
  ]);
  await expect(page.getByRole('heading', { name: /many\.onnx/ })).toBeVisible();
  await expect(page.getByText('20,000 tensors')).toBeVisible();
  // A page of rows is drawn at a time; the next page on request.
  await expect(app.table.locator('tbody tr')).toHaveCount(500);
  await page.getByRole('button', { name: 'show 500 more' }).click();
  await expect(app.table.locator('tbody tr')).toHaveCount(1000);
  // The duplicates keep distinct names, and the table finds any of them by filter.
  await page.getByLabel('Filter tensors').fill('w@19999');
  await expect(app.row('w@19999')).toBeVisible();
  await page.getByLabel('Filter tensors').fill('');
  await app.row('w').click();
  await app.waitForHistogram('w', 64);
  // Sorting all 20,000 rows is a step a person takes too.
  await page.getByRole('button', { name: /^params/ }).click();
  await expect(app.table.locator('tbody tr').first()).toBeVisible();
  await page.evaluate(() => new Promise((ok) => setTimeout(ok, 300)));
  const gaps = await page.evaluate(() => (window as unknown as { __gaps: number[] }).__gaps);
  expect(Math.max(0, ...gaps)).toBeLessThanOrEqual(MAX_FRAME_GAP_MS);
});

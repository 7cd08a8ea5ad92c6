import { expect, test } from '@playwright/test';
import { Slimlab } from './fixtures/slimlab.ts';

test('the kernel benchmarks draw the saved report, refuse a file that is not one, and run on this device', async ({
  page,
}) => {
  const app = new Slimlab(page);
  await app.open({ demo: false });
  await app.lab('Benchmarks');
  const panel = page.getByTestId('bench-panel');
  // The report saved by `npm run bench:kernels`, shipped with the app.
  const report = panel.getByTestId('bench-report');
  await expect(report).toContainText('the saved run');
  await expect(panel.getByTestId('bench-matmul').locator('tbody tr')).toHaveCount(5);
  await expect(
    panel.getByTestId('bench-attention-chart').locator('.line polyline'),
  ).not.toHaveCount(0);
  // A file that is not a report: a clear message, and the report on screen stays.
  await panel.getByLabel('Open a benchmark report').setInputFiles({
    name: 'notes.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({ adapter: 'x', matmul: [{ m: 'lots' }] })),
  });
  await expect(panel.getByTestId('bench-error')).toContainText(
    'notes.json: not a kernel benchmark report',
  );
  await expect(report).toContainText('the saved run');
  // Run on this device: cancel once, then let it finish.
  const run = panel.getByRole('button', { name: 'Run on this device' });
  await run.click();
  const progress = page.getByTestId('progress');
  await expect(progress).toBeVisible();
  await progress.getByRole('button', { name: 'Cancel' }).click();
  await expect(app.notices).toContainText('Benchmark cancelled');
  await expect(run).toBeEnabled();
  await run.click();
  // The short benchmark: this whole test takes about 30 s here (SwiftShader, two cores).
  await expect(report).toContainText('this device, just now', { timeout: 60_000 });
  const adapter = await page.evaluate(
    () => window.__slimlab!.state().backend?.adapter?.architecture,
  );
  await expect(report).toHaveAttribute('data-adapter', new RegExp(adapter ?? 'no adapter'));
  await expect(panel.getByTestId('bench-matmul').locator('tbody tr')).toHaveCount(3);
  await expect(panel.getByTestId('bench-ratios')).toContainText('2:4 sparse');
  await expect(panel.getByTestId('bench-ratios')).toContainText('int8');
});

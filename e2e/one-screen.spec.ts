// One screen at 1280×900: the model and its tensors on the left, the lab chosen from tabs beside
// them, its chart in view; the link keeps the lab; a running job stays in view at any scroll.
import { expect, test, type Locator } from '@playwright/test';
import { Slimlab } from './fixtures/slimlab.ts';

test.use({ viewport: { width: 1280, height: 900 } });

/** `right` lies to the right of `left`, and their tops are both on screen. */
async function beside(left: Locator, right: Locator) {
  const a = (await left.boundingBox())!;
  const b = (await right.boundingBox())!;
  expect(b.x).toBeGreaterThanOrEqual(a.x + a.width);
  expect(Math.max(a.y, b.y)).toBeLessThan(900);
}

test('labs as tabs beside the tensor table, by mouse and keyboard, kept by the link', async ({
  page,
}) => {
  const app = new Slimlab(page);
  await page.goto('/?demo=mnist-mlp&lz=1000');
  await app.waitForHistogram('fc1.weight', 64);
  const tabs = page.getByRole('tablist', { name: 'Labs' });
  await expect(tabs.getByRole('tab', { selected: true })).toHaveText('Quantization');
  await beside(app.table, app.histogram);
  await expect(app.histogram).toBeInViewport();

  // By mouse: the latency lab replaces the quantization lab, its chart beside the table.
  await app.lab('Latency');
  const chart = page.getByTestId('latency-chart');
  await expect(chart).toBeInViewport();
  await beside(app.table, chart);
  await expect(app.histogram).toHaveCount(0);
  // Its controls change it in place: the chart stays where it is.
  const y = (await chart.boundingBox())!.y;
  await page.getByLabel('Deployment', { exact: true }).selectOption('fp16');
  await expect(page).toHaveURL(/[?&]ld=fp16(&|$)/);
  expect((await chart.boundingBox())!.y).toBe(y);
  await expect(page.getByRole('tabpanel')).toHaveAttribute('aria-labelledby', 'lab-tab-latency');

  // By keyboard: one tab in the Tab order, the arrows move between them and show the lab.
  await tabs.getByRole('tab', { name: 'Latency' }).focus();
  await page.keyboard.press('ArrowRight');
  const benchmarks = tabs.getByRole('tab', { name: 'Benchmarks' });
  await expect(benchmarks).toBeFocused();
  await expect(benchmarks).toHaveAttribute('aria-selected', 'true');
  await expect(benchmarks).toHaveAttribute('tabindex', '0');
  await expect(page.getByTestId('bench-matmul-chart')).toBeInViewport();
  await expect(chart).toHaveCount(0);
  await page.keyboard.press('ArrowRight');
  await expect(tabs.getByRole('tab', { name: 'Quantization' })).toBeFocused();
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowLeft');
  await expect(tabs.getByRole('tab', { name: 'Latency' })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  await expect(tabs.getByRole('tab', { name: 'Plan' })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowLeft');
  await expect(app.histogram).toBeInViewport();
  await app.lab('Pruning');
  await expect(page.getByTestId('pruning-lab')).toBeInViewport();

  // The link keeps the lab: a reload opens the same one.
  await expect(page).toHaveURL(/[?&]lab=pruning(&|$)/);
  await page.reload();
  await expect(page.getByTestId('pruning-lab')).toBeVisible();
  await expect(tabs.getByRole('tab', { selected: true })).toHaveText('Pruning');
});

test('a long job keeps its progress and Cancel in view, and the tensors beside the lab', async ({
  page,
}) => {
  const app = new Slimlab(page);
  await page.goto('/?demo=mnist-mlp&lz=1000&lab=training&de=50');
  await expect(app.table).toBeVisible();
  const distill = page.getByTestId('distill');
  await distill.getByRole('button', { name: 'Distil' }).click();
  const progress = page.getByTestId('progress');
  await expect(progress).toBeVisible();
  // Paused, the job waits for as long as the checks take, however fast this machine is.
  await progress.getByRole('button', { name: 'Pause' }).click();
  await expect(progress).toContainText('paused');
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await expect(progress).toBeInViewport();
  await expect(progress.getByRole('button', { name: 'Cancel' })).toBeInViewport();
  await expect(app.row('fc1.weight')).toBeInViewport();
  // The bar does not cover the table: the column starts below it.
  const bar = (await progress.boundingBox())!;
  const table = (await app.table.boundingBox())!;
  expect(table.y).toBeGreaterThanOrEqual(bar.y + bar.height - 1);
  // The person moves to another lab while it waits; "show" brings back the lab and panel it came from.
  await app.lab('Latency');
  await expect(distill).toHaveCount(0);
  await progress.getByRole('button', { name: 'show' }).click();
  await expect(page.getByRole('tab', { name: 'Training', exact: true })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await expect(page.getByTestId('training')).toBeFocused();
  await progress.getByRole('button', { name: 'Cancel' }).click();
  await expect(progress).toHaveCount(0);
});

test('a lab with nothing to show for what is open says what it needs', async ({ page }) => {
  await page.goto('/?demo=none&lab=plan');
  await expect(page.getByRole('tab', { selected: true })).toHaveText('Plan');
  await expect(page.getByTestId('lab-needs')).toHaveText(
    'Open a weights file or a demo model to use this lab.',
  );
});

test('a lab whose code cannot be fetched says so and loads on a retry; nothing open is lost', async ({
  page,
}) => {
  const app = new Slimlab(page);
  // As after a redeploy (the page's chunk names are gone) or with the network off.
  await page.route('**/assets/PruningPanel-*.js', (r) => r.abort());
  await page.goto('/?demo=mnist-mlp&lz=1000');
  await app.waitForHistogram('fc1.weight', 64);
  await app.lab('Pruning');
  await expect(page.getByTestId('chunk-failed')).toContainText('could not be loaded');
  await page.unroute('**/assets/PruningPanel-*.js');
  await page.getByTestId('chunk-failed').getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByTestId('pruning-lab')).toBeVisible();
  await expect(page.getByTestId('chunk-failed')).toHaveCount(0);
  expect(await page.evaluate(() => window.__slimlab!.state().model?.file)).toBe(
    'mnist-mlp.safetensors',
  );
});

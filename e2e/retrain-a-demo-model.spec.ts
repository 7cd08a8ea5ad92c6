// Retraining the demo models: evaluation of the CNN and the ViT, distillation, prune + fine-tune and
// the variants table. The labs run here on 1,000 of the digits (a quick run) and the test checks
// the shape of what comes back; the full-size accuracies live in the unit tests
// (tests/unit/models.test.ts, finetune.test.ts).
import { expect, test } from '@playwright/test';
import { ON_WEBGPU, Slimlab } from './fixtures/slimlab.ts';

test.describe('a new visitor, on WebGPU', () => {
  // The software adapter is there, and the app itself chooses the CPU for these networks.
  test.use(ON_WEBGPU);
  test('the CNN and the vision transformer demos clear their accuracy floors, on the CPU beside a software adapter', async ({
    page,
  }) => {
    test.setTimeout(120_000);
    const app = new Slimlab(page);
    await app.open({ demo: false, query: 'lz=1000' });
    for (const [name, largest, floor] of [
      ['mnist-cnn', 'fc1.weight', 0.97],
      ['mnist-vit', 'blocks.0.attn.qkv.weight', 0.95],
    ] as const) {
      await app.lab('Quantization');
      await page.getByRole('button', { name: `Demo: ${name}.safetensors` }).click();
      await app.waitForHistogram(largest, 64);
      await app.lab('Accuracy');
      const panel = page.getByTestId('accuracy');
      await expect(panel).toContainText(name);
      await panel.getByRole('button', { name: 'Evaluate', exact: true }).click();
      const row = (v: string) => panel.locator(`tr[data-variant="${v}"]`);
      await expect(row('int2')).toBeVisible({ timeout: 60_000 });
      expect(Number(await row('fp32').getAttribute('data-accuracy'))).toBeGreaterThanOrEqual(floor);
      expect(Number(await row('int8').getAttribute('data-accuracy'))).toBeGreaterThan(floor - 0.01);
      // SwiftShader runs the convolution and attention kernels far slower than the CPU (the GPU
      // tier tests their parity); on it, the app runs these networks on the CPU and says why.
      await expect(panel.getByTestId('accuracy-on')).toHaveText('CPU');
      await expect(panel).toContainText('software one');
    }
  });
});

test('distillation and pruning retrain the MLP in the worker, with pause, and gather in one table', async ({
  page,
}, info) => {
  test.setTimeout(120_000);
  const app = new Slimlab(page);
  await app.open({ demo: false, query: 'lz=1000' });
  await page.getByRole('button', { name: 'Demo: mnist-mlp.safetensors' }).click();
  await app.waitForHistogram('fc1.weight', 64);
  await app.lab('Training');
  const distill = page.getByTestId('distill');
  await distill.getByLabel('Student').selectOption('mlp-784-32-10');
  await distill.getByLabel('Distillation epochs').fill('3');
  await distill.getByLabel('Temperature').fill('4');
  await distill.getByRole('button', { name: 'Distil' }).click();
  const progress = page.getByTestId('progress');
  await expect(progress).toBeVisible();
  // Pause: the progress stops moving until resumed.
  await progress.getByRole('button', { name: 'Pause' }).click();
  await expect(progress).toContainText('paused');
  const bar = progress.locator('progress');
  // The worker hears of the pause at its next step, which still reports its progress: let that
  // step land before reading where the bar stopped.
  await page.waitForTimeout(700);
  const at = Number(await bar.getAttribute('value'));
  await page.waitForTimeout(1500);
  expect(Number(await bar.getAttribute('value'))).toBe(at);
  await progress.getByRole('button', { name: 'Resume' }).click();
  const summary = page.getByTestId('distill-summary');
  await expect(summary).toBeVisible({ timeout: 60_000 });
  // Both runs drew a point per epoch; both students learned (above chance: three short epochs on
  // 800 digits; the full-size accuracies are in tests/unit/finetune.test.ts).
  await expect(page.getByTestId('distill-charts')).toHaveAttribute('data-points', '6');
  expect(Number(await summary.getAttribute('data-distilled'))).toBeGreaterThan(0.2);
  expect(Number(await summary.getAttribute('data-labels'))).toBeGreaterThan(0.2);

  const prune = page.getByTestId('prune');
  await prune.getByLabel('Pruning method').selectOption({ label: 'magnitude, 90% per layer' });
  await prune.getByLabel('Fine-tuning epochs').fill('1');
  await prune.getByRole('button', { name: 'Prune and fine-tune' }).click();
  const ps = page.getByTestId('prune-summary');
  await expect(ps).toBeVisible({ timeout: 60_000 });
  expect(Number(await ps.getAttribute('data-sparsity'))).toBeCloseTo(0.9, 3);
  // Fine-tuning wins back part of what pruning lost (at full size about +0.3: finetune.test.ts).
  const pruned = Number(await ps.getAttribute('data-pruned'));
  expect(pruned).toBeGreaterThanOrEqual(0);
  expect(Number(await ps.getAttribute('data-tuned'))).toBeGreaterThan(pruned + 0.05);
  expect(Number(await ps.getAttribute('data-tuned'))).toBeLessThanOrEqual(1);
  const table = page.getByTestId('variants-table');
  await expect(table.locator('tr[data-technique="distillation"]')).toHaveCount(2);
  await expect(table.locator('tr[data-technique="pruning"]')).toHaveCount(2);
  // Each variant has a roofline latency on the chosen hardware; the small student is faster than
  // the teacher-sized pruned MLP (unstructured sparsity runs dense), and batching changes the bound.
  const latency = async (technique: string) =>
    Number(
      await table.locator(`tr[data-technique="${technique}"]`).first().getAttribute('data-latency'),
    );
  const variants = page.getByTestId('variants');
  await variants.getByLabel('Hardware profile').selectOption({ label: 'Apple M2 (10-core GPU)' });
  await variants.getByLabel('Execution').selectOption('webgpu');
  expect(await latency('distillation')).toBeGreaterThan(0);
  expect(await latency('distillation')).toBeLessThan(await latency('pruning'));
  const one = await latency('pruning');
  await variants.getByLabel('Batch size').selectOption('1024');
  expect(await latency('pruning')).toBeGreaterThan(one);
  // The table's hardware, execution and batch are part of the shareable link.
  await expect(page).toHaveURL(/[?&]vp=m2(&|$)/);
  await expect(page).toHaveURL(/[?&]vm=webgpu(&|$)/);
  await expect(page).toHaveURL(/[?&]vn=1024(&|$)/);
  await expect(page.getByTestId('latency-notes')).toBeVisible();
  await info.attach('retraining', {
    body: await page.screenshot({ fullPage: true }),
    contentType: 'image/png',
  });
});

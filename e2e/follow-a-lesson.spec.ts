import { expect, test } from '@playwright/test';
import { Slimlab } from './fixtures/slimlab.ts';

test('a lesson opens from the picker, hides what it does not need, locks what it fixes, and steps through its settings', async ({
  page,
}) => {
  const app = new Slimlab(page);
  await app.open({ demo: false });
  await page.getByLabel('Lesson', { exact: true }).selectOption('per-tensor-vs-per-channel');
  await expect(page).toHaveURL(/lesson=per-tensor-vs-per-channel/);
  await app.waitForHistogram('fc1.weight', 64);
  const card = page.getByTestId('lesson-card');
  await expect(card).toContainText('One scale per tensor');
  await expect(card).toContainText('step 1 of 3');
  // Hidden: the retraining and pruning panels; shown: quantization.
  await expect(page.getByRole('tab', { name: 'Pruning' })).toHaveCount(0);
  await expect(page.getByRole('tab', { name: 'Training' })).toHaveCount(0);
  await expect(page.getByTestId('pruning-lab')).toHaveCount(0);
  await expect(page.getByTestId('quant-panel')).toBeVisible();
  const spec = () => page.evaluate(() => window.__slimlab!.state().quant?.spec.granularity);
  await expect.poll(spec).toEqual({ kind: 'tensor' });
  // The lesson fixes the bit width: changing it is refused, with the reason.
  await page.getByLabel('Quantization bits').selectOption('8');
  await expect(app.notices).toContainText('This lesson keeps bits');
  await expect(page.getByLabel('Quantization bits')).toHaveValue('4');
  // Each step applies its settings, and the analysis follows.
  await card.getByRole('button', { name: 'Next →' }).click();
  await expect(card).toContainText('step 2 of 3');
  await expect.poll(spec).toEqual({ kind: 'channel', axis: 0 });
  await card.getByRole('button', { name: 'Next →' }).click();
  await expect.poll(spec).toEqual({ kind: 'group', size: 32 });
  await expect(card.getByRole('button', { name: 'Next →' })).toBeDisabled();
  await card.getByRole('button', { name: '← Back' }).click();
  await expect.poll(spec).toEqual({ kind: 'channel', axis: 0 });
  // The link carries the lesson, so it can be shared as it is.
  await expect(page).toHaveURL(/lock=qBits/);
  // Free play gives back the settings from before the lesson, unlocked; its model stays open.
  await page.getByLabel('Lesson', { exact: true }).selectOption('');
  await expect(card).toHaveCount(0);
  await expect(page).not.toHaveURL(/lesson=|lock=/);
  await expect(page.getByLabel('Quantization bits')).toHaveValue('8');
  await page.getByLabel('Quantization bits').selectOption('6');
  await expect(page.getByLabel('Quantization bits')).toHaveValue('6');
  expect(await page.evaluate(() => window.__slimlab!.state().model?.file)).toBe(
    'mnist-mlp.safetensors',
  );
});

test("a bare lesson link applies the lesson's own preset; an unknown lesson is reported", async ({
  page,
}) => {
  const app = new Slimlab(page);
  await page.goto('/?lesson=svd-rank');
  await expect(page.getByTestId('lesson-card')).toContainText('Low rank by SVD');
  // The lesson opens on the lab it is about (low rank lives beside the accuracy of the model).
  await expect(page.getByRole('tab', { name: 'Accuracy' })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await app.lab('Quantization');
  await app.waitForHistogram('fc1.weight', 64);
  expect(await page.evaluate(() => window.__slimlab!.state().settings.rankEnergy)).toBe(0.5);
  expect(await page.evaluate(() => window.__slimlab!.state().model?.file)).toBe(
    'mnist-mlp.safetensors',
  );
  // What the link adds goes over the lesson's preset; a refused value leaves the lesson's.
  await page.goto('/?lesson=per-tensor-vs-per-channel&qb=abc&b=32');
  await app.waitForHistogram('fc1.weight', 32);
  await expect(page.getByLabel('Quantization bits')).toHaveValue('4');
  await expect(app.notices).toContainText('using 4.');
  await page.goto('/?lesson=no-such-lesson&demo=none');
  await expect(app.notices).toContainText('There is no lesson "no-such-lesson"');
  await expect(page.getByTestId('lesson-card')).toHaveCount(0);
});

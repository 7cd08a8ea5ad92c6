// Nothing lost: a lesson opens beside the session and gives it back when it ends, a link opened over
// a session keeps its models and results (asking first before it replaces settings), and a link made
// on a file of the person's own says which file to drop.
import { expect, test, type Page } from '@playwright/test';
import { safetensorsFile } from './fixtures/files.ts';
import { Slimlab } from './fixtures/slimlab.ts';

const own = () =>
  safetensorsFile('own.safetensors', {
    a: { shape: [4], data: Float32Array.of(1, 2, 3, 4) },
    b: { shape: [2, 3], data: Float32Array.of(-1, 0.5, 2, -3, 1, 0.25) },
  });

const files = (page: Page) =>
  page.evaluate(() => window.__slimlab!.state().models.map((m) => m.file));
const setting = (page: Page, name: 'qBits' | 'bins' | 'rankEnergy') =>
  page.evaluate((n) => window.__slimlab!.state().settings[n], name);

test('a lesson opens beside the session, and leaving it brings back the model, settings and results', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const app = new Slimlab(page);
  await app.open({ demo: false, query: 'lz=1000' });
  await app.drop([own()]);
  await app.waitForHistogram('b', 64);
  await page.getByRole('button', { name: 'Demo: mnist-mlp.safetensors' }).click();
  await app.waitForHistogram('fc1.weight', 64);
  // The person's own choices: a tensor, a histogram size, a bit width, and a run of the accuracy lab.
  await app.selectTensor('fc2.weight');
  await app.setBins(32);
  await page.getByLabel('Quantization bits').selectOption('4');
  await app.waitForHistogram('fc2.weight', 32);
  await app.lab('Accuracy');
  const panel = page.getByTestId('accuracy');
  await panel.getByRole('button', { name: 'Evaluate', exact: true }).click();
  await expect(panel.locator('tr[data-variant="int2"]')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('progress')).toHaveCount(0);
  const variants = () => page.evaluate(() => window.__slimlab!.state().variants.length);
  const ran = await variants();
  expect(ran).toBeGreaterThan(0);

  // A lesson on another demo opens it as one more tab; its settings replace the person's.
  await page.getByLabel('Lesson', { exact: true }).selectOption('kl-vs-minmax');
  const card = page.getByTestId('lesson-card');
  await expect(card).toContainText('KL divergence against MinMax');
  await expect(card).toContainText('Your open models, settings and results are kept');
  await expect
    .poll(() => files(page))
    .toEqual(['own.safetensors', 'mnist-mlp.safetensors', 'mnist-cnn.safetensors']);
  await expect(page.getByTestId('progress')).toHaveCount(0);
  // The lesson opens on the lab it is about.
  await expect(page.getByRole('tab', { name: 'Calibration' })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await app.lab('Quantization');
  await expect(page.getByTestId('histogram')).toHaveAttribute('data-bins', '64');
  expect(await setting(page, 'qBits')).toBe(8);

  // Leaving it gives everything back; the lesson's tab stays open beside the others.
  await card.getByRole('button', { name: 'Leave lesson' }).click();
  await expect(card).toHaveCount(0);
  // The lab the person was in comes back too.
  await expect(page.getByRole('tab', { name: 'Accuracy' })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await app.lab('Quantization');
  await app.waitForHistogram('fc2.weight', 32);
  await expect(page.getByLabel('Quantization bits')).toHaveValue('4');
  expect(await page.evaluate(() => window.__slimlab!.state().model?.file)).toBe(
    'mnist-mlp.safetensors',
  );
  expect(await files(page)).toEqual([
    'own.safetensors',
    'mnist-mlp.safetensors',
    'mnist-cnn.safetensors',
  ]);
  expect(await variants()).toBe(ran);

  // A lesson on the demo shown selects it; "none (free play)" gives the session back too.
  await page.getByLabel('Lesson', { exact: true }).selectOption('svd-rank');
  await expect(card).toContainText('Low rank by SVD');
  await expect(page.getByRole('tab', { name: 'Accuracy' })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await app.lab('Quantization');
  // The lesson names no tensor: the one shown stays, under the lesson's settings.
  await app.waitForHistogram('fc2.weight', 64);
  expect(await setting(page, 'rankEnergy')).toBe(0.5);
  expect(await files(page)).toHaveLength(3);
  await page.getByLabel('Lesson', { exact: true }).selectOption('');
  await expect(card).toHaveCount(0);
  await app.waitForHistogram('fc2.weight', 32);
  expect(await setting(page, 'rankEnergy')).toBe(0.9);
  expect(await setting(page, 'qBits')).toBe(4);
  expect(await variants()).toBe(ran);
  await expect(page).not.toHaveURL(/lesson=/);
});

test('a link opened over a session keeps its models, and asks before it replaces settings', async ({
  page,
}) => {
  const app = new Slimlab(page);
  await app.open({ demo: false });
  await app.drop([own()]);
  await app.waitForHistogram('b', 64);
  await page.getByRole('button', { name: 'Demo: mnist-mlp.safetensors' }).click();
  await app.waitForHistogram('fc1.weight', 64);
  await app.setBins(32);
  await app.waitForHistogram('fc1.weight', 32);
  const link = '/?v=1&demo=mnist-mlp&t=fc2.weight&qb=2';
  const dialog = page.getByTestId('open-link');
  const ask = async () => {
    await page.getByRole('button', { name: 'Open a link…' }).click();
    await dialog.getByLabel('Link').fill(new URL(link, page.url()).href);
    await page.keyboard.press('Enter');
    await expect(dialog).toContainText('replaces your settings');
    await expect(dialog).toContainText('histogram bins');
    // The safe answer has the focus.
    await expect(dialog.getByRole('button', { name: 'Keep mine' })).toBeFocused();
  };
  // Escape keeps everything as it was.
  await ask();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(app.histogram).toHaveAttribute('data-bins', '32');
  expect(await setting(page, 'qBits')).toBe(8);
  // Applied from the keyboard: the link's view, beside the models already open.
  await ask();
  await page.keyboard.press('Tab');
  await expect(dialog.getByRole('button', { name: 'Apply the link' })).toBeFocused();
  await page.keyboard.press('Enter');
  await app.waitForHistogram('fc2.weight', 64);
  await expect(page.getByLabel('Quantization bits')).toHaveValue('2');
  expect(await files(page)).toEqual(['own.safetensors', 'mnist-mlp.safetensors']);
});

test('a link made on a file of the person’s own says which file to drop, and keeps its settings', async ({
  page,
}) => {
  const app = new Slimlab(page);
  await app.open({ demo: false });
  await app.drop([own()]);
  await app.waitForHistogram('b', 64);
  await app.selectTensor('a');
  await page.getByLabel('Quantization bits').selectOption('4');
  await expect(page).toHaveURL(/[?&]file=own\.safetensors(&|$)/);
  await expect(page).toHaveURL(/[?&]demo=none(&|$)/);
  await expect(page).toHaveURL(/[?&]qb=4(&|$)/);
  // Reopened in a new tab: no demo in its place, but the file to drop, and the link's settings.
  const other = await page.context().newPage();
  await other.goto(page.url());
  await expect(other.getByTestId('welcome')).toContainText(
    'This link was made on model own.safetensors, tensor a: drop that file to see it',
  );
  expect(await other.evaluate(() => window.__slimlab!.state().models.length)).toBe(0);
  expect(await setting(other, 'qBits')).toBe(4);
  const there = new Slimlab(other);
  await there.drop([own()]);
  await there.waitForHistogram('a', 64);
  await expect(other.getByLabel('Quantization bits')).toHaveValue('4');
});

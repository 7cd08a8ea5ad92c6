// A person opens the stories260K demo, scores two sentences with the base model and the model
// quantized at the default scheme (int8 per channel), walks the tokens by keyboard, and generates.
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { Slimlab } from './fixtures/slimlab.ts';

test('the stories260K demo scores a text, compares the quantized model and writes a story', async ({
  page,
}) => {
  // Two accessibility scans of a panel that now holds both generations and the compression's
  // controls: on a busy two-core machine the whole run takes longer than a minute.
  test.setTimeout(120_000);
  const app = new Slimlab(page);
  await app.open({ demo: false });
  await page.getByRole('button', { name: 'Demo: stories260K.bin' }).click();
  await expect(page.getByTestId('model-credit')).toContainText('karpathy/tinyllamas');
  await expect(page.getByTestId('model-credit')).toContainText('MIT');
  // The weight labs work on it as on any file.
  await expect(app.histogram).toBeVisible({ timeout: 30_000 });
  await app.lab('Language model');
  const panel = page.getByTestId('language-model');
  await expect(panel).toBeVisible({ timeout: 30_000 });

  const text = panel.getByLabel('Text to evaluate');
  await expect(text).not.toHaveValue('');
  await text.fill(
    'Once upon a time, there was a little girl named Lily. She loved to play outside in the park with her dog.',
  );
  await panel.getByLabel('Context').selectOption('64');
  await expect(panel.getByLabel("Weights: the tensor panel's scheme")).toBeChecked();
  await panel.getByRole('button', { name: 'Evaluate', exact: true }).click();
  const row = (m: string) => panel.locator(`tr[data-measure="${m}"]`);
  await expect(row('same-top')).toBeVisible({ timeout: 30_000 });
  const value = async (m: string) => Number(await row(m).getAttribute('data-value'));
  const ppl = await value('ppl');
  expect(ppl).toBeGreaterThan(1);
  expect(ppl).toBeLessThan(50);
  const same = await value('same-top');
  expect(same).toBeGreaterThanOrEqual(50);
  expect(same).toBeLessThanOrEqual(100);
  for (const m of ['ppl-q', 'ln-ratio', 'kl', 'dp-rms']) expect(await row(m).count()).toBe(1);

  // The tokens, by keyboard: the first is the start of a window, the next one is scored.
  const stream = panel.getByTestId('lm-stream');
  await expect(stream).toContainText('little girl named Lily');
  await stream.focus();
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(panel.getByTestId('lm-token-info')).toContainText('loss');
  await panel.getByLabel('KL, compressed against base').check();
  await expect(stream).toHaveAttribute('data-by', 'kl');
  await expect(panel.getByTestId('lm-legend')).toContainText('KL');

  await panel.getByLabel('Tokens to generate').fill('16');
  await panel.getByRole('button', { name: 'Generate', exact: true }).click();
  await expect(panel.getByTestId('lm-generated-text')).not.toBeEmpty({ timeout: 30_000 });
  // The weights ranked by KL, so that the scan below reads their table too.
  await panel.getByRole('button', { name: 'Rank tensors by KL' }).click();
  await expect(panel.getByTestId('lm-sensitivity-table')).toBeVisible({ timeout: 60_000 });

  // The panel, results shown, in both themes: no serious or critical accessibility violations.
  for (const theme of ['light', 'dark']) {
    await page.getByLabel('Theme').selectOption(theme);
    const r = await new AxeBuilder({ page }).include('[data-testid="language-model"]').analyze();
    const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(bad.map((v) => `${theme}: ${v.id} × ${v.nodes.length} — ${v.help}`)).toEqual([]);
  }
});

// A person compresses the stories260K demo's KV cache to int4, reads the KL and the tokens where the
// compressed model disagrees most, generates with both models side by side, ranks the weights by
// KL, and opens a language-model lesson from its link.
import { expect, test } from '@playwright/test';
import { Slimlab } from './fixtures/slimlab.ts';

test('an int4 KV cache moves the next-token distributions; both models write side by side', async ({
  page,
}) => {
  test.setTimeout(90_000);
  const app = new Slimlab(page);
  await app.open({ query: 'demo=stories260K' });
  await app.lab('Language model');
  const panel = page.getByTestId('language-model');
  await expect(panel).toBeVisible({ timeout: 30_000 });
  await panel
    .getByLabel('Text to evaluate')
    .fill('Once upon a time, there was a little girl named Lily. She loved to play outside.');
  await panel.getByLabel('Context').selectOption('64');
  // The KV cache alone: the weights stay in float.
  await panel.getByLabel("Weights: the tensor panel's scheme").uncheck();
  await panel.getByLabel('KV cache').selectOption('int4');
  await expect(page).toHaveURL(/lk=int4/);
  await expect(page).toHaveURL(/lq=0/);
  await panel.getByRole('button', { name: 'Evaluate', exact: true }).click();
  const row = (m: string) => panel.locator(`tr[data-measure="${m}"]`);
  await expect(row('kl')).toBeVisible({ timeout: 30_000 });
  await expect(row('compression')).toContainText('KV cache int4');
  await expect(row('compression')).not.toContainText('weights');
  expect(Number(await row('kl').getAttribute('data-value'))).toBeGreaterThan(0);

  // The tokens where the two disagree most: outlined in the text, listed, each one a way to it.
  const worst = panel.getByTestId('lm-worst').getByRole('button');
  await expect(worst.first()).toBeVisible();
  expect(await worst.count()).toBeGreaterThan(0);
  expect(await worst.count()).toBeLessThanOrEqual(10);
  expect(await panel.locator('[data-testid="lm-stream"] [data-worst]').count()).toBe(
    await worst.count(),
  );
  await worst.first().focus();
  await page.keyboard.press('Enter');
  await expect(worst.first()).toHaveAttribute('aria-pressed', 'true');
  // The token itself is now the current one, still marked as one of the most-disagreeing.
  await expect(panel.locator('[data-testid="lm-stream"] mark')).toHaveAttribute(
    'data-worst',
    'true',
  );
  await expect(panel.getByTestId('lm-token-info')).toContainText('KL compressed vs base');

  // Another compression makes the result stale until evaluated again.
  await panel.getByLabel('KV cache').selectOption('int8');
  await expect(panel.getByTestId('lm-stale')).toBeVisible();
  await panel.getByLabel('KV cache').selectOption('int4');
  await expect(panel.getByTestId('lm-stale')).toHaveCount(0);

  // Generation: the same prompt, seed and temperature through both models, in two columns.
  await panel.getByLabel('Tokens to generate').fill('24');
  await panel.getByRole('button', { name: 'Generate', exact: true }).click();
  await expect(panel.getByTestId('lm-generated-text')).not.toBeEmpty({ timeout: 30_000 });
  await expect(panel.getByTestId('lm-generated-compressed')).not.toBeEmpty();
  await expect(panel.getByTestId('lm-diverge-info')).toBeVisible();
  await expect(panel.getByText('Compressed: KV cache int4')).toBeVisible();

  // Each weight quantized alone (the tensor panel's int8), ranked by the KL it causes.
  await panel.getByRole('button', { name: 'Rank tensors by KL' }).click();
  const table = panel.getByTestId('lm-sensitivity-table');
  await expect(table).toBeVisible({ timeout: 60_000 });
  expect(await table.locator('tbody tr').count()).toBeGreaterThan(5);
  const kls = await table
    .locator('td[data-kl]')
    .evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-kl'))));
  expect(kls).toEqual([...kls].sort((a, b) => b - a));
  // Sorted the other way by its header.
  await table.getByRole('button', { name: /KL mean/ }).click();
  const up = await table
    .locator('td[data-kl]')
    .evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-kl'))));
  expect(up).toEqual([...kls].reverse());
});

test('a language-model lesson opens from its link with its settings', async ({ page }) => {
  test.setTimeout(60_000);
  await page.goto('/?lesson=lm-kv-cache');
  const card = page.getByTestId('lesson-card');
  await expect(card).toContainText('A quantized KV cache');
  await new Slimlab(page).lab('Language model');
  const panel = page.getByTestId('language-model');
  await expect(panel).toBeVisible({ timeout: 30_000 });
  await expect(panel.getByLabel('KV cache')).toHaveValue('int8');
  await expect(panel.getByLabel("Weights: the tensor panel's scheme")).not.toBeChecked();
  await expect(panel.getByLabel('Context')).toHaveValue('256');
  await card.getByRole('button', { name: 'Next →' }).click();
  await expect(panel.getByLabel('KV cache')).toHaveValue('int4');
  await expect(page).toHaveURL(/lk=int4/);
});

// A person plans the stories260K demo's bit widths from the KL each weight's choice causes on a
// text rather than from the weights' squared error, and measures the chosen plan whole.
import { expect, test } from '@playwright/test';
import { Slimlab } from './fixtures/slimlab.ts';

test('the planner plans a language model from KL on the text and checks the plan whole', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const app = new Slimlab(page);
  await app.open({ query: 'demo=stories260K&lc=64' });
  await app.lab('Language model');
  const panel = page.getByTestId('language-model');
  await expect(panel).toBeVisible({ timeout: 30_000 });
  await panel.getByLabel('Text to evaluate').fill('Once upon a time, there was a little girl.');
  // The text stays with the model when the plan's lab is shown instead.
  await app.lab('Plan');
  const planner = page.getByTestId('planner');
  await planner.getByLabel('Plan from').selectOption('kl');
  await expect(page).toHaveURL(/pt=kl/);
  await planner.getByRole('button', { name: 'Measure the weights' }).click();
  await expect(planner.getByTestId('plan-measure')).toHaveAttribute('data-measure', 'kl', {
    timeout: 90_000,
  });
  await expect(planner.getByTestId('plan-measure')).toContainText('KL');
  await expect(planner.getByRole('columnheader', { name: /total KL/ })).toBeVisible();
  await planner.getByRole('button', { name: 'Measure this plan whole' }).click();
  const result = planner.getByTestId('plan-check-result');
  await expect(result).toBeVisible({ timeout: 30_000 });
  expect(Number(await result.getAttribute('data-kl'))).toBeGreaterThanOrEqual(0);
  await expect(result).toContainText('bits per weight');
});

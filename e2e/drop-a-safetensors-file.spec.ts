import { expect, test } from '@playwright/test';
import { summarizeCpu } from '../src/core/stats/summary.ts';
import { statsMismatches } from '../tests/gpu/tolerances.ts';
import { sampleModel } from './fixtures/files.ts';
import { Slimlab } from './fixtures/slimlab.ts';

test('drop a safetensors file, pick a tensor, see its histogram and statistics', async ({
  page,
}, info) => {
  const app = new Slimlab(page);
  const { file, tensors } = sampleModel();
  await app.open();
  await app.drop([file]);
  await expect(page.getByRole('heading', { name: /sample\.safetensors/ })).toBeVisible();
  await expect(app.table.locator('tbody tr')).toHaveCount(3);
  await expect(app.row('encoder.attn.q.weight')).toContainText('[64, 48]');
  await expect(app.row('encoder.attn.q.weight')).toContainText('3,072');
  await expect(app.row('encoder.attn.q.weight')).toContainText('12.0 KiB');

  await app.selectTensor('encoder.attn.q.weight');
  await app.setBins(32);
  await app.waitForHistogram('encoder.attn.q.weight', 32);

  // The same numbers as the CPU reference computed here, in Node.
  const cpu = summarizeCpu(tensors['encoder.attn.q.weight'], 32);
  expect(await app.counts()).toEqual([...cpu.counts]);
  // A bar for every bin with values in it, and the keys read the bins out one by one.
  const filled = [...cpu.counts].filter((c) => c > 0).length;
  await expect(app.histogram.locator('rect.bar')).toHaveCount(filled);
  const plot = app.histogram.getByRole('group', { name: /arrow keys step through the bins/ });
  await plot.focus();
  await page.keyboard.press('Home');
  await expect(app.histogram.locator('.plot-readout')).toHaveText(
    `[-2.25, ${String(-2.25 + 4 / 32)}): ${cpu.counts[0]!.toLocaleString('en-US')} values`,
  );
  await page.keyboard.press('ArrowRight');
  await expect(app.histogram.locator('.plot-readout')).toContainText(
    `: ${cpu.counts[1]!.toLocaleString('en-US')} values`,
  );
  const shown = Object.fromEntries(
    await Promise.all(
      Object.keys(cpu.stats).map(async (k) => [k, (await app.stat(k)).value] as const),
    ),
  ) as unknown as typeof cpu.stats;
  expect(statsMismatches(shown, cpu.stats)).toEqual([]);
  expect((await app.stat('min')).shown).toBe('-2.25');
  expect((await app.stat('max')).shown).toBe('1.75');
  expect((await app.stat('zeros')).shown).toBe('1');

  await page.getByLabel('log count axis').check();
  await expect(app.histogram).toHaveAttribute('data-log', 'true');
  await info.attach('histogram', {
    body: await page.screenshot({ fullPage: true }),
    contentType: 'image/png',
  });
});

test('open a file with the file picker', async ({ page }) => {
  const app = new Slimlab(page);
  await app.open({ demo: false });
  await app.pick([sampleModel().file]);
  await expect(app.table.locator('tbody tr')).toHaveCount(3);
  await app.waitForHistogram('encoder.attn.q.weight', 64);
});

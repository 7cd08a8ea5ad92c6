import { execFileSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import type { PresetRun } from '../src/cli/run.ts';
import { Slimlab } from './fixtures/slimlab.ts';

const PRESET = 'demo=mnist-mlp&t=fc2.weight&qb=4&qg=tensor&b=32&lp=h100&ld=fp16&pm=nm24';

test('a preset link opens the same view with the same numbers, and the URL follows the controls', async ({
  page,
}) => {
  const app = new Slimlab(page);
  await page.goto(`/?v=1&${PRESET}`);
  await app.waitForHistogram('fc2.weight', 32);
  const quant = () =>
    page.waitForFunction(() => {
      const q = window.__slimlab!.state().quant;
      return q && q.tensor === 'fc2.weight' && q.spec.bits === 4 ? q : null;
    });
  const first = await (await quant()).jsonValue();
  expect(first!.spec.granularity).toEqual({ kind: 'tensor' });
  await expect(page.getByLabel('Quantization bits')).toHaveValue('4');
  await expect(page.getByLabel('Quantization granularity')).toHaveValue('tensor');
  // The URL carries the preset (rewritten in the schema's order, defaults left out).
  await expect(page).toHaveURL(/[?&]t=fc2\.weight/);
  for (const kv of ['qb=4', 'qg=tensor', 'b=32', 'lp=h100', 'ld=fp16', 'pm=nm24'])
    await expect(page).toHaveURL(new RegExp(`[?&]${kv}(&|$)`));
  // Rewritten as version 2, whose default demo is the one the link named: it is left out.
  await expect(page).toHaveURL(/[?&]v=2(&|$)/);
  await expect(page).not.toHaveURL(/[?&]demo=/);
  // A control moves the URL with it.
  await page.getByLabel('Histogram bins').selectOption('128');
  await expect(page).toHaveURL(/[?&]b=128(&|$)/);
  await page.getByLabel('Histogram bins').selectOption('32');
  await expect(page).toHaveURL(/[?&]b=32(&|$)/);
  // Opening the link again (a new tab) gives the same numbers.
  const link = page.url();
  const other = await page.context().newPage();
  await other.goto(link);
  await new Slimlab(other).waitForHistogram('fc2.weight', 32);
  const again = await (
    await other.waitForFunction(() => {
      const q = window.__slimlab!.state().quant;
      return q && q.tensor === 'fc2.weight' && q.spec.bits === 4 ? q : null;
    })
  ).jsonValue();
  expect(again!.error).toEqual(first!.error);
  expect(again!.bitsPerWeight).toBe(first!.bitsPerWeight);
  const s = await other.evaluate(() => window.__slimlab!.state().settings);
  expect(s).toMatchObject({ latProfile: 'h100', latDeployment: 'fp16', pruneMethod: 'nm24' });
  // The same link, headless: `slimlab run --preset` prints the numbers the page shows.
  const cli = JSON.parse(
    execFileSync(process.execPath, ['bin/slimlab.mjs', 'run', '--preset', link, '--json'], {
      encoding: 'utf8',
    }),
  ) as PresetRun;
  const shown = await other.evaluate(() => {
    const st = window.__slimlab!.state();
    return { analysis: st.analysis!, quant: st.quant! };
  });
  expect(cli.model).toBe('mnist-mlp.safetensors');
  expect(cli.tensor).toBe('fc2.weight');
  expect(cli.counts).toEqual([...shown.analysis.counts]);
  const close = (a: number | null, b: number, tol: number) =>
    expect(Math.abs((a ?? Infinity) - b)).toBeLessThanOrEqual(tol * Math.max(Math.abs(b), 1e-12));
  close(cli.stats.mean, shown.analysis.stats.mean, 1e-5);
  close(cli.stats.std, shown.analysis.stats.std, 1e-5);
  expect(cli.stats.min).toBe(shown.analysis.stats.min);
  expect(cli.stats.max).toBe(shown.analysis.stats.max);
  close(cli.quant.mse, shown.quant.error.mse, 1e-5);
  close(cli.quant.sqnr_db, shown.quant.error.sqnrDb, 1e-5);
  close(cli.quant.max_abs_err, shown.quant.error.maxAbsError, 1e-5);
  expect(cli.quant.clipped).toBe(shown.quant.error.clipped);
  expect(cli.quant.bits_per_weight).toBe(shown.quant.bitsPerWeight);
});

test('a tampered link falls back to defaults with a notice and runs nothing', async ({ page }) => {
  const app = new Slimlab(page);
  await page.goto(
    `/?demo=mnist-mlp&qb=%3Cimg%20src%3Dx%20onerror%3D%22window.__pwned%3D1%22%3E&b=1e999&t=%3Cscript%3Ewindow.__pwned%3D1%3C%2Fscript%3E&lg=yes&zz=1`,
  );
  await app.waitForHistogram('fc1.weight', 64);
  await expect(app.notices).toContainText('Ignored bits (int, log2, quantile)');
  await expect(app.notices).toContainText('Ignored histogram bins');
  await expect(app.notices).toContainText('Ignored selected tensor');
  await expect(app.notices).toContainText('Ignored histogram on a log scale');
  expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
  await expect(page.getByLabel('Quantization bits')).toHaveValue('8');
  // The URL no longer carries the bad values.
  await expect(page).not.toHaveURL(/onerror|script|1e999|zz=/);
});

import { readFileSync } from 'node:fs';
import { expect, test, type Download, type Locator, type Page } from '@playwright/test';
import { Slimlab } from './fixtures/slimlab.ts';

async function saved(page: Page, button: Locator): Promise<{ name: string; bytes: Buffer }> {
  const [d] = (await Promise.all([page.waitForEvent('download'), button.click()])) as [
    Download,
    void,
  ];
  return { name: d.suggestedFilename(), bytes: readFileSync((await d.path())!) };
}

test('charts save as SVG and PNG, tables as CSV, and the session as a Markdown report', async ({
  page,
}) => {
  const app = new Slimlab(page);
  await page.goto('/?demo=mnist-mlp&t=fc2.weight&qb=4');
  await app.waitForHistogram('fc2.weight', 64);
  const hist = page.getByTestId('histogram');
  const svg = await saved(page, hist.getByRole('button', { name: 'Save chart as SVG' }));
  expect(svg.name).toBe('histogram.svg');
  const text = svg.bytes.toString('utf8');
  expect(text).toMatch(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  // The bars are in it: a rect for each non-empty bin.
  const counts = await app.counts();
  expect((text.match(/<rect[^>]*class="bar"/g) ?? []).length).toBe(
    counts.filter((c) => c > 0).length,
  );
  // In the dark theme a saved chart keeps the page's colours: the panel behind it, light labels.
  await page.getByLabel('Theme').selectOption('dark');
  const dark = (
    await saved(page, hist.getByRole('button', { name: 'Save chart as SVG' }))
  ).bytes.toString('utf8');
  const background = (t: string) => /<rect width="100%" height="100%" fill="([^"]+)"/.exec(t)?.[1];
  const panel = await hist.evaluate(
    (el) => getComputedStyle(el.closest('section')!).backgroundColor,
  );
  expect(background(dark)).toBe(panel);
  expect(background(dark)).not.toBe(background(text));
  const label = await hist
    .locator('.axis text')
    .first()
    .evaluate((el) => getComputedStyle(el).fill);
  expect(dark).toContain(`fill="${label}"`);
  await page.getByLabel('Theme').selectOption('light');
  const png = await saved(page, hist.getByRole('button', { name: 'Save chart as PNG' }));
  expect(png.name).toBe('histogram.png');
  expect([...png.bytes.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  expect(png.bytes.length).toBeGreaterThan(2000);
  // The tensor table as CSV: a header and one row a tensor.
  const csv = await saved(
    page,
    page.getByRole('button', { name: 'Save the tensors table as CSV' }),
  );
  expect(csv.name).toBe('tensors.csv');
  const lines = csv.bytes.toString('utf8').trim().split('\r\n');
  expect(lines).toHaveLength(7);
  expect(lines.some((l) => l.startsWith('fc2.weight,'))).toBe(true);
  // The report reopens the view, and carries the numbers the page shows.
  await expect.poll(() => page.evaluate(() => window.__slimlab!.state().quant?.spec.bits)).toBe(4);
  const sqnr = await page.evaluate(() => window.__slimlab!.state().quant!.error.sqnrDb);
  const report = await saved(
    page,
    page.getByRole('button', { name: 'Download the session report' }),
  );
  expect(report.name).toBe('slimlab-report.md');
  const md = report.bytes.toString('utf8');
  expect(md).toContain('## Quantization of fc2.weight');
  expect(md).toContain(`| ${+sqnr.toPrecision(4)} |`);
  const link = /reopen this view: <([^>]+)>/.exec(md)![1]!;
  expect(link).toContain('qb=4');
  expect(link).toContain('t=fc2.weight');
});

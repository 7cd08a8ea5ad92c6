import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { openGroup } from '../src/formats/group.ts';
import { bytesSource } from '../src/formats/source.ts';
import { Slimlab } from './fixtures/slimlab.ts';

test('export the demo model as int4 safetensors and as Q8_0 GGUF', async ({ page }) => {
  const app = new Slimlab(page);
  await app.open();
  await app.waitForHistogram('conv2d_44.w_0', 64);

  for (const [format, name, check] of [
    ['safetensors, int4 per-channel codes + scales', 'ppocr-cls.int4-asym.safetensors', 'UINT4'],
    ['GGUF, Q8_0 weights', 'ppocr-cls.q8_0.gguf', 'F32'],
  ] as const) {
    await page.getByRole('button', { name: 'Export…' }).click();
    await page.getByLabel('Export format').selectOption({ label: format });
    if (format.includes('int4')) await page.getByLabel(/asymmetric/).check();
    await expect(page.getByTestId('export-name')).toHaveText(name);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(name);
    await expect(app.notices).toContainText(`Saved ${name}`);
    const bytes = new Uint8Array(readFileSync(await file.path()));
    const { models, problems } = await openGroup([bytesSource(name, bytes)]);
    expect(problems).toEqual([]);
    const tensors = models[0]!.info.tensors;
    expect(tensors).toHaveLength(213);
    const w = tensors.find((t) => t.name === 'conv2d_44.w_0')!;
    expect(w.quant ? `UINT${w.quant.bits}` : w.dtype).toBe(check);
  }
});

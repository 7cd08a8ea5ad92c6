import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import type { MadeFile } from './fixtures/files.ts';
import { Slimlab } from './fixtures/slimlab.ts';

const fixture = (dir: string, name: string): MadeFile => ({
  name,
  mimeType: 'application/octet-stream',
  buffer: readFileSync(new URL(`../tests/fixtures/${dir}/${name}`, import.meta.url)),
});

test('a sharded checkpoint dropped with its index opens as one model', async ({ page }) => {
  const app = new Slimlab(page);
  await app.open({ demo: false });
  await app.drop([
    fixture('oracle', 'model-00002-of-00002.safetensors'),
    fixture('oracle', 'model.safetensors.index.json'),
    fixture('oracle', 'model-00001-of-00002.safetensors'),
  ]);
  await expect(
    page.getByRole('heading', { name: /model\.safetensors\.index\.json/ }),
  ).toBeVisible();
  await expect(app.table.locator('tbody tr')).toHaveCount(3);
  await page.getByTestId('metadata').locator('summary').click();
  await expect(page.getByTestId('metadata')).toContainText('shards');
  await app.selectTensor('layers.1.w');
  await app.waitForHistogram('layers.1.w', 64);
  expect((await app.stat('count')).value).toBe(16);
});

test('GGUF and ONNX files open, quantized tensors are dequantized for the histogram', async ({
  page,
}) => {
  const app = new Slimlab(page);
  await app.open({ demo: false });
  await app.drop([fixture('oracle', 'v3.gguf')]);
  await expect(app.row('q4_k')).toContainText('Q4_K');
  await app.selectTensor('q4_k');
  await app.waitForHistogram('q4_k', 64);
  expect((await app.stat('count')).value).toBe(512);
  await app.drop([fixture('onnx', 'synthetic.onnx')]);
  await expect(app.notices.getByRole('alert')).toContainText("its data is in 'synthetic.weights'");
  await app.drop([fixture('onnx', 'synthetic.onnx'), fixture('onnx', 'synthetic.weights')]);
  await expect(page.getByRole('heading', { name: /synthetic\.onnx/ })).toBeVisible();
  await app.selectTensor('external_f32');
  await app.waitForHistogram('external_f32', 64);
  expect((await app.stat('count')).value).toBe(64);
});

test('a compressed .npz opens and its deflated arrays are analysed', async ({ page }) => {
  const app = new Slimlab(page);
  await app.open({ demo: false });
  await app.drop([fixture('oracle', 'deflated.npz')]);
  await expect(app.table.locator('tbody tr')).toHaveCount(3);
  await app.selectTensor('big');
  await app.waitForHistogram('big', 64);
  expect((await app.stat('count')).value).toBe(3000);
});

test('models dropped together all open, in tabs that switch and close', async ({ page }) => {
  const app = new Slimlab(page);
  await app.open({ demo: false });
  await app.drop([fixture('oracle', 'v1_f32.npy'), fixture('oracle', 'v3.gguf')]);
  const tabs = page.getByTestId('model-tabs');
  await expect(tabs.getByRole('button', { name: 'v1_f32.npy', exact: true })).toBeVisible();
  await expect(tabs.getByRole('button', { name: 'v3.gguf', exact: true })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await tabs.getByRole('button', { name: 'v1_f32.npy', exact: true }).click();
  await app.waitForHistogram('v1_f32', 64);
  await tabs.getByRole('button', { name: 'Close v1_f32.npy' }).click();
  await expect(tabs).toHaveCount(0);
  await expect(page.getByRole('heading', { name: /v3\.gguf/ })).toBeVisible();
});

import { expect, test } from '@playwright/test';
import { normal } from '../tests/helpers/random.ts';
import { safetensorsFile } from './fixtures/files.ts';
import { Slimlab } from './fixtures/slimlab.ts';

test('the labs on a model of my own: prune its Linear and conv weights, estimate its latency, factorize it, and read what accuracy needs', async ({
  page,
}) => {
  const app = new Slimlab(page);
  await app.open({ demo: false });
  // A Linear [32, 64] and a convolution [16, 8, 3, 3]; the bias is neither.
  await app.drop([
    safetensorsFile('own.safetensors', {
      'head.weight': { shape: [32, 64], data: normal(32 * 64, 11, 0.1) },
      'stem.weight': { shape: [16, 8, 3, 3], data: normal(16 * 8 * 9, 12, 0.2) },
      'head.bias': { shape: [32], data: normal(32, 13, 0.1) },
    }),
  ]);
  await expect(page.getByRole('heading', { name: /own\.safetensors/ })).toBeVisible();

  await app.lab('Pruning');
  const lab = page.getByTestId('pruning-lab');
  await lab.getByLabel('Pruning lab method').selectOption('nm24');
  await lab.getByRole('button', { name: 'Prune', exact: true }).click();
  const study = lab.getByTestId('prune-study');
  await expect(study).toBeVisible();
  // 2:4 along the input channels removes exactly half of every weight.
  expect(Number(await study.getAttribute('data-sparsity'))).toBe(0.5);
  const error = Number(await study.getAttribute('data-relative-error'));
  expect(error).toBeGreaterThan(0.1);
  expect(error).toBeLessThan(0.6);
  await expect(lab.getByTestId('prune-layers').locator('tbody tr')).toHaveCount(2);
  await expect(lab.getByTestId('prune-layers')).toContainText('[16, 8, 3, 3]');
  await expect(lab.getByTestId('prune-storage').locator('tr[data-layout="2:4"]')).toBeVisible();
  await expect(lab.getByTestId('prune-verdict')).toContainText('2:4 structured');
  // The sweep and gradual pruning need a model that runs: one line, and a way to open one.
  const sweepNeeds = lab.getByTestId('pruning-sweep-needs');
  await expect(sweepNeeds).toContainText('MNIST demos');
  await expect(sweepNeeds.getByRole('button', { name: 'Open MNIST MLP' })).toBeVisible();

  await app.lab('Latency');
  const latency = page.getByTestId('latency');
  await expect(latency.getByTestId('latency-own')).toContainText('1 Linear and 1 convolution');
  await expect(latency.getByTestId('latency-chart')).toBeVisible();
  await expect(latency.getByTestId('latency-layers').locator('tbody tr')).toHaveCount(2);
  const tokens = latency.getByLabel('Latency token count');
  await tokens.fill('4096');
  await expect(latency.getByTestId('latency-chart')).toContainText('4,096');
  await latency.getByLabel('Convolution output positions').fill('196');
  await expect(latency.getByTestId('latency-own')).not.toContainText('per position');

  await app.lab('Accuracy');
  const accuracy = page.getByTestId('accuracy');
  await expect(accuracy.getByTestId('accuracy-needs')).toContainText(
    'Accuracy needs a model that runs in this tab',
  );
  // Low rank needs no forward pass: each weight's SVD, its rank and error.
  const ranks = accuracy.getByTestId('weight-low-rank');
  await ranks.getByRole('button', { name: 'Factorize the weights' }).click();
  await expect(ranks.getByTestId('low-rank-table').locator('tbody tr')).toHaveCount(2);
  await expect(ranks.locator('tr[data-layer="stem.weight"]')).toContainText('of 16');
  await accuracy.getByRole('button', { name: 'Open MNIST CNN' }).click();
  await expect(page.getByRole('heading', { name: /mnist-cnn\.safetensors/ })).toBeVisible();
  await expect(accuracy.getByRole('button', { name: 'Evaluate', exact: true })).toBeVisible();
});

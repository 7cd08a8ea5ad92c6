// The pruning lab as a person uses it. The long labs (the sweep, gradual pruning) run here at their
// smallest sizes, on 1,000 of the digits, and the test checks the shape of what comes back; the full-size numbers (which
// method keeps more accuracy, gradual beating one-shot) live in tests/unit/prune-lab.test.ts.
import { expect, test, type Page } from '@playwright/test';
import { Slimlab } from './fixtures/slimlab.ts';

/** Opens the app on the CPU backend, the labs on 1,000 digits (a quick run): on a software adapter
 * the app itself says the CPU may be faster, and the labs' GPU path is covered by the kernel tests. */
async function openMlp(page: Page) {
  const app = new Slimlab(page);
  await app.open({ demo: false, query: 'lz=1000' });
  await page.getByLabel('Compute backend').selectOption('cpu');
  return app;
}

async function showMlp(page: Page, app: Slimlab) {
  await page.getByRole('button', { name: 'Demo: mnist-mlp.safetensors' }).click();
  await app.waitForHistogram('fc1.weight', 64);
  await app.lab('Pruning');
  return page.getByTestId('pruning-lab');
}

test('the pruning lab: masks, storage, honest speed and channel pruning', async ({
  page,
}, info) => {
  test.setTimeout(120_000);
  const app = await openMlp(page);
  const lab = await showMlp(page, app);
  await lab.getByLabel('Pruning lab method').selectOption({ label: '2:4 structured' });
  await lab.getByRole('button', { name: 'Prune', exact: true }).click();
  const study = page.getByTestId('prune-study');
  await expect(study).toBeVisible();
  expect(Number(await study.getAttribute('data-sparsity'))).toBe(0.5);
  // 2:4 storage at fp32 is half the values plus a 2-bit position each (0.5 + 1/32); a T4 has no
  // sparse tensor cores.
  const storage = page.getByTestId('prune-storage');
  const bytes = async (layout: string) =>
    Number(await storage.locator(`tr[data-layout="${layout}"]`).getAttribute('data-bytes'));
  expect((await bytes('2:4')) / (await bytes('dense'))).toBeCloseTo(0.5 + 1 / 32, 3);
  const speed = page.getByTestId('prune-speed');
  await expect(speed.locator('tr[data-profile="t4"]')).toContainText('saves storage, not time');
  await expect(lab).toContainText(/NVIDIA T4[^.]*: no sparse tensor cores/);
  await expect(lab.locator('canvas.mask-heatmap')).toHaveCount(3);

  // Channel pruning really removes parameters.
  await lab
    .getByLabel('Pruning lab method')
    .selectOption({ label: 'L1 channels (shrinks layers)' });
  await lab.getByLabel('Sparsity', { exact: true }).fill('0.5');
  await lab.getByRole('button', { name: 'Prune', exact: true }).click();
  await expect(page.getByTestId('shrunk-params')).toBeVisible();
  const shrunk = Number((await page.getByTestId('shrunk-params').textContent())!.replace(/,/g, ''));
  expect(shrunk).toBeLessThan(235_146 * 0.6);
  await info.attach('pruning lab', { body: await lab.screenshot(), contentType: 'image/png' });
});

test('the sweep and gradual pruning, at their smallest sizes: the shape of the results', async ({
  page,
}, info) => {
  test.setTimeout(120_000);
  const app = await openMlp(page);
  const lab = await showMlp(page, app);
  const pruneLab = () => page.evaluate(() => window.__slimlab!.state().pruneLab);

  // Two sparsities per magnitude and channel method, plus the three N:M patterns at their own
  // sparsity.
  await lab.getByLabel('Sweep sparsities').selectOption('2');
  await lab.getByRole('button', { name: 'Sweep every method' }).click();
  await expect(page.getByTestId('prune-sweep')).toHaveAttribute('data-points', '9');
  const sweep = (await pruneLab())!.sweep!;
  expect(sweep.map((p) => p.method)).toEqual([
    'magnitude per layer',
    'global magnitude',
    'L1 channels',
    'magnitude per layer',
    'global magnitude',
    'L1 channels',
    '2:4',
    '1:4',
    '4:8',
  ]);
  for (const p of sweep) {
    expect(p.accuracy).toBeGreaterThanOrEqual(0);
    expect(p.accuracy).toBeLessThanOrEqual(1);
    expect(p.tuned).toBeNull();
  }
  for (const family of ['magnitude per layer', 'global magnitude']) {
    const s = sweep.filter((p) => p.method === family).map((p) => p.sparsity);
    // The lightest and the heaviest of the sweep's sparsities, in increasing order.
    expect(s[0]).toBeCloseTo(0.3, 2);
    expect(s[1]).toBeCloseTo(0.98, 2);
  }
  const nm = Object.fromEntries(sweep.slice(6).map((p) => [p.method, p.sparsity]));
  expect(nm).toEqual({ '2:4': 0.5, '1:4': 0.75, '4:8': 0.5 });

  // Gradual pruning over one epoch: one row per epoch, ending at the final sparsity. On 2,500
  // digits: its schedule prunes every 25 steps of 64 digits, more than one epoch of 1,000 digits'
  // 800 training digits holds.
  // The size of a lab run is chosen in the accuracy lab.
  await app.lab('Accuracy');
  await page.getByLabel('Digits per lab run').selectOption('2500');
  await app.lab('Pruning');
  await lab.getByLabel('Final sparsity').selectOption('0.9');
  await lab.getByLabel('Gradual pruning epochs').selectOption('1');
  await lab.getByRole('button', { name: 'Prune gradually' }).click();
  const gradual = page.getByTestId('gradual-summary');
  await expect(gradual).toBeVisible({ timeout: 60_000 });
  const g = (await pruneLab())!.gradual!;
  expect(g.curve.map((c) => c.epoch)).toEqual([1]);
  expect(g.curve[0]!.sparsity).toBeCloseTo(0.9, 2);
  for (const a of [g.curve[0]!.accuracy, g.final.accuracy, g.oneShot.accuracy]) {
    expect(a).toBeGreaterThanOrEqual(0);
    expect(a).toBeLessThanOrEqual(1);
  }
  expect(Number(await gradual.getAttribute('data-final'))).toBe(g.final.accuracy);
  expect(Number(await gradual.getAttribute('data-one-shot'))).toBe(g.oneShot.accuracy);
  await info.attach('sweep and gradual pruning', {
    body: await lab.screenshot(),
    contentType: 'image/png',
  });
});

import { expect, test } from '@playwright/test';
import { safetensorsFile } from './fixtures/files.ts';
import { Slimlab } from './fixtures/slimlab.ts';

test("the page asks nothing of other origins while a person's model is analysed, under a strict CSP", async ({
  page,
  baseURL,
}) => {
  const origin = new URL(baseURL!).origin;
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  const workerScript = page.waitForResponse((r) => /\/assets\/worker-[^/]*\.js$/.test(r.url()));
  const app = new Slimlab(page);
  // The quick lab size: the accuracy run below is about the requests it makes, not the numbers.
  await app.open({ demo: false, query: 'lz=1000' });
  // The engine worker gets the policy from its own response (a page's meta tag does not reach it).
  const workerCsp = (await workerScript).headers()['content-security-policy'] ?? '';
  expect(workerCsp).toContain("connect-src 'self'");
  // The policy is in the page.
  const csp = await page
    .locator('meta[http-equiv="Content-Security-Policy"]')
    .getAttribute('content');
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("connect-src 'self'");
  expect(csp).not.toContain('unsafe-inline');
  // A person's own weights: dropped, analysed, quantized, compared.
  const data = Float32Array.from({ length: 4096 }, (_, i) => Math.sin(i) * 0.1);
  await app.drop([safetensorsFile('mine.safetensors', { w: { shape: [64, 64], data } })]);
  await app.waitForHistogram('w', 64);
  await page.getByLabel('Quantization bits').selectOption('4');
  await expect(page.getByTestId('quant-panel')).toContainText('SQNR');
  // A demo model run on the test digits too (the digits come from this origin).
  await page.getByRole('button', { name: 'Demo: mnist-mlp.safetensors' }).click();
  await app.waitForHistogram('fc1.weight', 64);
  await app.lab('Accuracy');
  await page.getByTestId('accuracy').getByRole('button', { name: 'Evaluate', exact: true }).click();
  await expect(page.getByTestId('accuracy').locator('tr[data-variant="int8"]')).toBeVisible({
    timeout: 60_000,
  });
  const elsewhere = requests.filter(
    (u) => !u.startsWith(`${origin}/`) && !u.startsWith('blob:') && !u.startsWith('data:'),
  );
  expect(elsewhere).toEqual([]);
  expect(requests.length).toBeGreaterThan(0);
  expect(violations).toEqual([]);
});

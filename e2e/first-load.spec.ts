import { gzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';

test('the JavaScript fetched before the page is ready weighs under 300 KB gzipped', async ({
  page,
  baseURL,
}) => {
  const bodies = new Map<string, Promise<Buffer>>();
  page.on('response', (r) => {
    const u = new URL(r.url());
    if (u.origin === new URL(baseURL!).origin && u.pathname.endsWith('.js'))
      bodies.set(u.pathname, r.body());
  });
  await page.goto('/?demo=none');
  // Ready: the engine worker has started and said which backend it runs on.
  await expect(page.getByTestId('backend-status')).toContainText(/WebGPU|CPU/);
  await expect(page.getByRole('button', { name: 'Demo: mnist-mlp.safetensors' })).toBeEnabled();
  await page.waitForLoadState('networkidle');
  const scripts = await Promise.all(
    [...bodies].map(async ([path, body]) => [path, await body] as const),
  );
  const gz = scripts.map(([path, body]) => ({
    path,
    kb: gzipSync(body, { level: 9 }).length / 1024,
  }));
  const total = gz.reduce((a, s) => a + s.kb, 0);
  test
    .info()
    .annotations.push({ type: 'first load', description: `${total.toFixed(1)} KB gzipped` });
  // The worker is part of it.
  expect(gz.some((s) => s.path.includes('worker'))).toBe(true);
  expect(total, gz.map((s) => `${s.path} ${s.kb.toFixed(1)} KB`).join('\n')).toBeLessThan(300);
});

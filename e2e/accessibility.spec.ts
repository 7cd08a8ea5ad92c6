import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { Slimlab } from './fixtures/slimlab.ts';

async function seriousViolations(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).analyze();
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.nodes.length} × ${v.nodes[0]?.target.join(' ')} — ${v.help}`,
    );
}

test('no serious or critical accessibility violations, in the light and the dark theme', async ({
  page,
}) => {
  const app = new Slimlab(page);
  await page.goto('/?demo=mnist-mlp');
  await app.waitForHistogram('fc1.weight', 64);
  // The quantization lab, then the pruning lab, in each theme.
  await page.getByLabel('Theme').selectOption('light');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  expect(await seriousViolations(page)).toEqual([]);
  await app.lab('Pruning');
  await expect(page.getByTestId('pruning-lab')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByLabel('Theme').selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  expect(await seriousViolations(page)).toEqual([]);
  await app.lab('Quantization');
  await app.waitForHistogram('fc1.weight', 64);
  expect(await seriousViolations(page)).toEqual([]);
  // The choice outlives a reload.
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
});

test('the system preference picks the theme until the person chooses', async ({ browser }) => {
  const context = await browser.newContext({ colorScheme: 'dark' });
  const page = await context.newPage();
  await page.goto('/?demo=none');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await context.close();
});

test('usable at 800 px wide: nothing runs off the side, and every control is reachable by Tab', async ({
  page,
}) => {
  await page.setViewportSize({ width: 800, height: 900 });
  const app = new Slimlab(page);
  await page.goto('/?demo=mnist-mlp');
  await app.waitForHistogram('fc1.weight', 64);
  const overflow = await page.evaluate(
    () => document.scrollingElement!.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  // Walk the page with Tab: every enabled control on it takes the focus at some point. The lab
  // tabs not chosen are left out (tabindex -1): the arrow keys move between tabs, not Tab.
  const controls = await page.evaluate(
    () =>
      [...document.querySelectorAll('button, select, input, [tabindex="0"]')].filter(
        (e) =>
          !(e as HTMLButtonElement).disabled &&
          (e as HTMLElement).offsetParent !== null &&
          e.getAttribute('tabindex') !== '-1',
      ).length,
  );
  const seen = new Set<string>();
  for (let i = 0; i < controls + 20 && seen.size < controls; i++) {
    await page.keyboard.press('Tab');
    const id = await page.evaluate(() => {
      const e = document.activeElement as HTMLElement | null;
      if (!e || e === document.body) return null;
      if (!e.dataset.tabSeen) e.dataset.tabSeen = String(Math.random());
      return e.dataset.tabSeen;
    });
    if (id) seen.add(id);
  }
  expect(seen.size).toBeGreaterThanOrEqual(controls);
});

// A seeded walk of a few hundred random actions, as a curious person would take them: clicks,
// selects, out-of-range numbers, keys, dropped files good and bad, tampered links and lessons. The
// page must keep working: no page error, no console error, no frame stalled past 1 s outside a file
// being read, and no request off the app's origin. Controls are found by role and visibility only,
// never by a panel's test id, so the walk survives a change of layout.
// SLIMLAB_SEED picks another walk (the seed is printed); SLIMLAB_ACTIONS how long it is;
// SLIMLAB_WALK_LOG=1 prints each action with its time.
import { expect, test, type Page } from '@playwright/test';
import { mulberry32 } from '../src/core/base/rng.ts';
import { lessonById } from '../src/presets/lessons.ts';
import { npyFile, sampleModel, type MadeFile } from './fixtures/files.ts';
import { Slimlab } from './fixtures/slimlab.ts';

const SEED = Number(process.env.SLIMLAB_SEED ?? 11) >>> 0;
const ACTIONS = Number(process.env.SLIMLAB_ACTIONS ?? 200);
/** The bound: a frame later than this is a freeze a person sees. */
const MAX_FRAME_GAP_MS = 1000;
/** How long one action may take before the walk moves on (a job past it is cancelled). */
const ACTION_MS = 300;

/**
 * Failures of the walk, not of the page: a control that moved or went away between the look and
 * the act, and a navigation the page held back (it asks before discarding work; the walk said no).
 */
const HARMLESS =
  /Timeout|detached|not attached|intercepts pointer|outside of the viewport|ERR_ABORTED/;

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

function files(): MadeFile[] {
  const good = sampleModel().file;
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    Buffer.from('\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0'),
  ]);
  const f32 = Buffer.from(new Float32Array([0.5, -1.25, 3, Number.NaN]).buffer);
  return [
    good,
    { ...good, name: 'truncated.safetensors', buffer: good.buffer.subarray(0, 700) },
    { name: 'picture.safetensors', mimeType: 'image/png', buffer: png },
    npyFour('four.npy', f32),
    { name: 'empty.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.alloc(0) },
  ];
}

function npyFour(name: string, data: Buffer): MadeFile {
  // The format pads the header with spaces and a newline to a multiple of 64 bytes.
  const dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }";
  return npyFile(name, dict.padEnd(64 - 10 - 1) + '\n', data);
}

/** Links a person might paste after editing them by hand, or receive damaged. */
function tamperedQuery(r: Rand): string {
  const keys = ['qf', 'qb', 'qg', 'qa', 'b', 'sd', 'pm', 'ps', 'pn', 'kb', 'demo', 'lesson', 'v'];
  const values = [
    'quantile',
    'log2',
    '16',
    '99999',
    '-1',
    'NaN',
    '1e309',
    'nope',
    '',
    '%00',
    '<b>x</b>',
    'mnist-vit',
    'mnist-mlp',
    'stories260K',
    '0',
    '2',
  ];
  const parts = ['lz=1000'];
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) parts.push(`${pick(r, keys)}=${encodeURIComponent(pick(r, values))}`);
  if (r() < 0.2) parts.push('qf=quantile&qb=16');
  return parts.join('&');
}

const NUMBERS = ['-1', '0', '-0', '99999999', '1e400', '0.000001', '3.7', '2147483648', ''];
const TEXTS = ['', 'nope', '<img src=x onerror=alert(1)>', '.*[(', 'weight', 'ü'.repeat(200)];
const KEYS = ['Escape', 'Tab', 'Shift+Tab', 'Enter', 'ArrowUp', 'ArrowDown', 'ArrowLeft', 'Space'];

/** What can be acted on now, in document order: [css, index, label] of each visible, enabled one. */
async function candidates(page: Page, kind: 'click' | 'select' | 'input') {
  return page.evaluate((kind) => {
    const css = {
      click:
        'button, [role=button], [role=tab], summary, a[href], tr[tabindex], input[type=checkbox], input[type=radio]',
      select: 'select',
      input: 'input[type=number], input[type=text], input[type=search], input:not([type])',
    }[kind];
    const out: Array<[number, string]> = [];
    document.querySelectorAll<HTMLElement>(css).forEach((el, i) => {
      if (!el.checkVisibility() || (el as HTMLButtonElement).disabled) return;
      if (el.closest('fieldset:disabled, [inert]')) return;
      if (el instanceof HTMLAnchorElement) {
        // Links that leave the page are not part of the walk; downloads are accepted.
        const u = new URL(el.href, location.href);
        if (u.origin !== location.origin || el.target === '_blank') return;
      }
      if (el instanceof HTMLInputElement && el.readOnly) return;
      const label = (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40);
      out.push([i, `${el.tagName.toLowerCase()} "${label}"`]);
    });
    return { css, out };
  }, kind);
}

test(`a seeded walk of ${ACTIONS} random actions keeps the page sound`, async ({ page }) => {
  test.setTimeout(180_000);
  console.log(`random-actions seed ${SEED} (SLIMLAB_SEED=${SEED} repeats this walk)`);
  test.info().annotations.push({ type: 'seed', description: String(SEED) });
  const r = mulberry32(SEED);
  // Dialogs get their own stream, so when one opens does not shift the walk's choices.
  const dialogs = mulberry32(SEED ^ 0x9e3779b9);
  const made = files();
  const app = new Slimlab(page);
  const problems: string[] = [];
  let doing = 'opening the page';
  let step = 0;
  const note = (what: string) => problems.push(`${what} (after: ${doing})`);

  const origin = new URL(test.info().project.use.baseURL!).origin;
  page.on('pageerror', (e) => note(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') note(`console error: ${m.text()} at ${m.location().url}`);
  });
  page.on('request', (q) => {
    const u = new URL(q.url());
    if (u.protocol.startsWith('http') && u.origin !== origin)
      note(`request off origin: ${q.url()}`);
  });
  page.on('dialog', (d) => void (dialogs() < 0.5 ? d.accept() : d.dismiss()).catch(() => {}));
  page.on('filechooser', (c) => void c.setFiles([made[0]!]).catch(() => {}));
  page.context().on('page', (p) => void p.close());
  await page.exposeFunction('__frameGap', (ms: number, reading: boolean) => {
    if (!reading) note(`a frame ${Math.round(ms)} ms late`);
  });
  await page.addInitScript((bound) => {
    let last = 0;
    const tick = (t: number) => {
      if (last && t - last > bound) {
        const reading = window.__slimlab?.readingBetween(last, t) ?? false;
        (window as unknown as { __frameGap: (ms: number, r: boolean) => void }).__frameGap(
          t - last,
          reading,
        );
      }
      last = t;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }, MAX_FRAME_GAP_MS);

  await app.open({ query: 'lz=1000' });

  /** Lets the action's work finish, within a bound; a job still running then is cancelled. */
  const settle = async () => {
    const idle = await page
      .waitForFunction(
        () => !window.__slimlab?.state().job && !window.__slimlab?.state().opening,
        undefined,
        { timeout: ACTION_MS, polling: 50 },
      )
      .then(() => true)
      .catch(() => false);
    if (idle) return;
    const cancel = page.getByRole('region', { name: 'Job in progress' }).getByRole('button', {
      name: 'Cancel',
    });
    await cancel.click({ timeout: 500 }).catch(() => {});
  };

  const act = async () => {
    const roll = r();
    if (roll < 0.36) {
      const { css, out } = await candidates(page, 'click');
      if (!out.length) return;
      const [i, label] = pick(r, out);
      doing = `#${step} click ${label}`;
      await page.locator(css).nth(i).click({ timeout: 500 });
    } else if (roll < 0.52) {
      const { css, out } = await candidates(page, 'select');
      if (!out.length) return;
      const [i, label] = pick(r, out);
      const el = page.locator(css).nth(i);
      const options = await el
        .locator('option:not([disabled])')
        .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
      if (!options.length) return;
      const value = pick(r, options);
      doing = `#${step} select ${label} = "${value}"`;
      await el.selectOption(value, { timeout: 500 });
    } else if (roll < 0.66) {
      const { css, out } = await candidates(page, 'input');
      if (!out.length) return;
      const [i, label] = pick(r, out);
      const el = page.locator(css).nth(i);
      const numeric = (await el.getAttribute('type')) === 'number';
      const value = pick(r, numeric ? NUMBERS : TEXTS);
      doing = `#${step} type "${value.slice(0, 20)}" into ${label}`;
      await el.fill(value, { timeout: 500 });
      await el.press(pick(r, ['Enter', 'Tab', 'ArrowUp']), { timeout: 500 });
    } else if (roll < 0.77) {
      const key = pick(r, KEYS);
      doing = `#${step} press ${key}`;
      await page.keyboard.press(key);
    } else if (roll < 0.87) {
      const f = pick(r, made);
      doing = `#${step} drop ${f.name}`;
      await app.drop([f]);
    } else if (roll < 0.94) {
      const q = tamperedQuery(r);
      doing = `#${step} open /?${q}`;
      await page.goto(`/?${q}`);
    } else {
      const lesson = page.getByLabel('Lesson', { exact: true });
      const ids = await lesson
        .locator('option')
        .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))
        .catch(() => [] as string[]);
      const id = ids.length ? pick(r, ids) : pick(r, ['zero-point', 'svd-rank', 'nope']);
      doing = `#${step} lesson "${id}"`;
      if (ids.length && (await lesson.isVisible())) await lesson.selectOption(id, { timeout: 500 });
      else await page.goto(lessonById(id) ? `/?lz=1000&lesson=${id}` : `/?lesson=${id}`);
    }
  };

  const t0 = Date.now();
  for (step = 1; step <= ACTIONS; step++) {
    await act().catch((e: Error) => {
      if (!HARMLESS.test(e.message)) throw new Error(`${doing}: ${e.message}`);
    });
    if (process.env.SLIMLAB_WALK_LOG)
      console.log(`${((Date.now() - t0) / 1000).toFixed(1)} s ${doing}`);
    if (new URL(page.url()).origin !== origin) {
      note(`left the app for ${page.url()}`);
      await app.open({ query: 'lz=1000' });
    }
    await settle();
  }
  // Frames and errors still on their way from the page.
  await page.waitForTimeout(300);
  expect(problems, `seed ${SEED}:\n${problems.join('\n')}`).toEqual([]);
});

// `npm run bench:interaction`: what a person feels, in the built app in headless Chromium. Times,
// from performance marks in the page, from a control change to the painted result on a
// 16-million-parameter tensor, next to one plain pass over the same values on the main thread (the
// baseline); and the longest main-thread task (Long Tasks API) while a whole model is analysed.
import { chromium, type Page } from 'playwright';
import { build, preview } from 'vite';
import { chromiumPath, CHROMIUM_ARGS } from '../e2e/fixtures/chromium.ts';

const ROWS = 4096;
const COLS = 4096;

async function dropBigTensor(page: Page): Promise<void> {
  const dt = await page.evaluateHandle(
    ([rows, cols]) => {
      const n = rows * cols;
      const header = new TextEncoder().encode(
        JSON.stringify({
          'big.weight': { dtype: 'F32', shape: [rows, cols], data_offsets: [0, n * 4] },
        }),
      );
      const len = new Uint8Array(8);
      new DataView(len.buffer).setBigUint64(0, BigInt(header.length), true);
      const data = new Float32Array(n);
      let s = 1;
      for (let i = 0; i < n; i += 2) {
        // Box-Muller on a small LCG: normal weights with a few outliers.
        s = (s * 1664525 + 1013904223) >>> 0;
        const u = (s + 1) / 4294967297;
        s = (s * 1664525 + 1013904223) >>> 0;
        const v = s / 4294967296;
        const r = 0.02 * Math.sqrt(-2 * Math.log(u));
        data[i] = r * Math.cos(2 * Math.PI * v);
        data[i + 1] = r * Math.sin(2 * Math.PI * v);
      }
      for (let i = 0; i < n; i += 100_003) data[i] = 0.5;
      const t = new DataTransfer();
      t.items.add(new File([len, header, data], 'big.safetensors'));
      return t;
    },
    [ROWS, COLS] as const,
  );
  const zone = page.getByTestId('dropzone');
  await zone.dispatchEvent('dragenter', { dataTransfer: dt });
  await zone.dispatchEvent('drop', { dataTransfer: dt });
}

/**
 * ms from a select's change to the frame that paints its first result (a preview on a sample, for
 * a tensor this large) and to the frame that paints the full one (the comparison included).
 */
async function timeChange(page: Page, label: string, value: string, bits: number | null) {
  // From a quiet page: the follow-up work of the last change (the comparison, LLM.int8) done.
  await page.waitForFunction(
    () => {
      const w = window as unknown as { __idleSince?: number | undefined };
      if (window.__slimlab!.state().job !== null) w.__idleSince = undefined;
      else w.__idleSince ??= performance.now();
      return w.__idleSince !== undefined && performance.now() - w.__idleSince > 1000;
    },
    null,
    { timeout: 300_000, polling: 50 },
  );
  return page.evaluate(
    async ({ label, value, bits }) => {
      const el = document.querySelector<HTMLSelectElement>(`select[aria-label="${label}"]`)!;
      const api = window.__slimlab!;
      const before = api.state().quant;
      performance.mark('change');
      el.value = value;
      el.dispatchEvent(new Event('change', { bubbles: true }));
      for (;;) {
        const q = api.state().quant;
        if (q && q !== before && (bits === null || q.spec.bits === bits)) break;
        await new Promise((r) => setTimeout(r, 1));
      }
      performance.mark('arrived');
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      performance.mark('first');
      for (;;) {
        const st = api.state();
        const q = st.quant;
        if (q && !q.preview && q !== before && st.job === null) break;
        await new Promise((r) => requestAnimationFrame(r));
      }
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      performance.mark('full');
      return {
        first: performance.measure('first', 'change', 'first').duration,
        arrived: performance.measure('arrived', 'change', 'arrived').duration,
        full: performance.measure('full', 'change', 'full').duration,
      };
    },
    { label, value, bits },
  );
}

await build({ logLevel: 'warn' });
const server = await preview({
  preview: { port: 4179, strictPort: false, host: '127.0.0.1' },
  logLevel: 'warn',
});
const url = server.resolvedUrls!.local[0]!;
const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage();
  await page.addInitScript(() => {
    (window as unknown as { __long: number[] }).__long = [];
    new PerformanceObserver((l) => {
      for (const e of l.getEntries())
        (window as unknown as { __long: number[] }).__long.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(`${url}?demo=none`);
  await page.getByTestId('backend-status').waitFor();
  const backend = await page.getByTestId('backend-status').innerText();
  await dropBigTensor(page);
  await page.getByTestId('histogram').waitFor({ timeout: 300_000 });
  await page.waitForFunction(
    () => window.__slimlab!.state().job === null && window.__slimlab!.state().quant,
    null,
    {
      timeout: 300_000,
    },
  );
  const baselineMs = await page.evaluate(() => {
    const x = new Float32Array(4096 * 4096).fill(0.5);
    let best = Infinity;
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      let s = 0;
      for (let i = 0; i < x.length; i++) s += x[i]!;
      best = Math.min(best, performance.now() - t0 + (s === -1 ? 1 : 0));
    }
    return best;
  });
  const rows: Array<{ change: string; first: number; arrived: number; full: number }> = [];
  for (const [label, value, bits] of [
    ['Quantization bits', '4', 4],
    ['Quantization bits', '8', 8],
    ['Clipping threshold', '0.999', null],
    ['Clipping threshold', '1', null],
  ] as const)
    rows.push({ change: `${label} → ${value}`, ...(await timeChange(page, label, value, bits)) });
  // A whole model analysed: the CNN demo, every layer ranked by quantization error.
  const mark = await page.evaluate(() => (window as unknown as { __long: number[] }).__long.length);
  // Plain CSS and text locators: a role query computes the accessible name of every element on the
  // page, in the page's main thread, and showed up as a long task of its own.
  await page.locator('button', { hasText: 'Demo: mnist-cnn.safetensors' }).click();
  await page.waitForFunction(
    () => window.__slimlab!.state().model?.file === 'mnist-cnn.safetensors',
  );
  await page.waitForFunction(() => window.__slimlab!.state().job === null);
  await page
    .getByTestId('sensitivity')
    .locator('button', { hasText: 'Rank layers by error' })
    .click();
  await page.waitForFunction(
    () => (window.__slimlab!.state().sensitivity?.rows.length ?? 0) > 0,
    null,
    {
      timeout: 120_000,
    },
  );
  const long = await page.evaluate(
    (from) => (window as unknown as { __long: number[] }).__long.slice(from),
    mark,
  );
  console.log(`interaction — ${backend.replace(/\s+/g, ' ')}`);
  console.log(
    `a ${ROWS}×${COLS} tensor (${((ROWS * COLS) / 1e6).toFixed(1)} M parameters); baseline: one pass over its values on the main thread, ${baselineMs.toFixed(1)} ms`,
  );
  console.table(
    rows.map((r) => ({
      change: r.change,
      'ms to the first result in the store': +r.arrived.toFixed(0),
      'ms to the first painted result': +r.first.toFixed(0),
      'within 100 ms': r.first <= 100 ? 'yes' : 'no',
      'ms to the full result': +r.full.toFixed(0),
      'first / baseline': +(r.first / baselineMs).toFixed(1),
    })),
  );
  console.log(
    `opening the CNN demo and ranking every layer: ${long.length} main-thread tasks over 50 ms${long.length ? `, the longest ${Math.max(...long).toFixed(0)} ms` : ''}`,
  );
} finally {
  await browser.close();
  await new Promise<void>((r) => server.httpServer.close(() => r()));
}

import { defineConfig } from '@playwright/test';
import { chromiumPath, CHROMIUM_ARGS } from './e2e/fixtures/chromium.ts';

// Not vite preview's default, so a preview someone left running does not collide with the tests.
const PORT = 4317;

export default defineConfig({
  testDir: 'e2e',
  timeout: 120_000,
  expect: { timeout: 60_000 },
  workers: 1,
  retries: 0,
  // CI reads the list; the html report is for a person at their own machine.
  reporter: process.env.CI ? 'list' : [['list'], ['html', { open: 'never' }]],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    browserName: 'chromium',
    launchOptions: { executablePath: chromiumPath(), args: CHROMIUM_ARGS },
    screenshot: 'only-on-failure',
    // Tracing records every action's DOM and frames: about a fifth of the suite's time on two cores.
    // SLIMLAB_TRACE=1 turns it on to debug a failure.
    trace: process.env.SLIMLAB_TRACE ? 'retain-on-failure' : 'off',
  },
  webServer: {
    command: `npx vite preview --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});

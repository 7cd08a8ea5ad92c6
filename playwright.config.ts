import { defineConfig } from '@playwright/test';
import { chromiumPath, CHROMIUM_ARGS } from './e2e/fixtures/chromium.ts';

// Not vite preview's default, so a preview someone left running does not collide with the tests.
const PORT = 4317;
const ORIGIN = `http://127.0.0.1:${PORT}`;

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
    baseURL: ORIGIN,
    // Tests start as a person who chose the CPU on this browser: SwiftShader compiles the statistics
    // kernels in about 5 s on each new page, which most tests (about the interface, not the GPU)
    // need not pay. The specs about WebGPU start as a new visitor (ON_WEBGPU in fixtures/slimlab.ts).
    storageState: {
      cookies: [],
      origins: [{ origin: ORIGIN, localStorage: [{ name: 'slimlab-compute', value: 'cpu' }] }],
    },
    browserName: 'chromium',
    launchOptions: { executablePath: chromiumPath(), args: CHROMIUM_ARGS },
    screenshot: 'only-on-failure',
    // Tracing records every action's DOM and frames: about a fifth of the suite's time on two cores.
    // SLIMLAB_TRACE=1 turns it on to debug a failure.
    trace: process.env.SLIMLAB_TRACE ? 'retain-on-failure' : 'off',
  },
  webServer: {
    command: `npx vite preview --port ${PORT} --strictPort`,
    url: ORIGIN,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});

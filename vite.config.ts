import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { encodeDigits } from './src/models/mnist.ts';
import { loadPackageDigits } from './scripts/mnist-package.ts';

/**
 * Serves the MNIST digits of the `mnist` package as /data/mnist.bin (dev and preview servers) and
 * emits them into the build, so the app has its dataset without a download from elsewhere.
 */
function mnistDigits(): Plugin {
  let bytes: Uint8Array | null = null;
  const get = () => (bytes ??= encodeDigits(loadPackageDigits()));
  return {
    name: 'slimlab-mnist-digits',
    configureServer(server) {
      server.middlewares.use('/data/mnist.bin', (_req, res) => {
        res.setHeader('Content-Type', 'application/octet-stream');
        res.end(Buffer.from(get()));
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'data/mnist.bin', source: get() });
    },
  };
}

/**
 * The Content Security Policy of the built page: scripts, workers, styles, images and fetches from
 * its own origin only (blob: for the files a person drops and the workers libraries spawn), no
 * inline script, no plugins, no forms. Only in builds: the dev server injects inline scripts.
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self' blob:",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self' blob: data:",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'slimlab-csp',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP },
        injectTo: 'head-prepend',
      },
    ],
  };
}

export default defineConfig({
  plugins: [react(), mnistDigits(), contentSecurityPolicy()],
  worker: { format: 'es' },
  // Pre-bundled up front: a dependency discovered late (inside the worker) makes the dev server
  // reload the page, which drops a file a test or benchmark has just chosen.
  optimizeDeps: {
    include: [
      'comlink',
      '@zip.js/zip.js',
      'react',
      'react-dom/client',
      'zustand',
      'recharts',
      'd3-scale',
    ],
  },
  build: { target: 'es2022', sourcemap: true },
  server: { host: '127.0.0.1' },
  // The worker takes its policy from its own response, not from the page's meta tag: the server
  // sends it as a header too (a static host needs the same header; see README).
  preview: { host: '127.0.0.1', headers: { 'Content-Security-Policy': CSP } },
});

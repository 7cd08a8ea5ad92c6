import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
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
  preview: { host: '127.0.0.1' },
});

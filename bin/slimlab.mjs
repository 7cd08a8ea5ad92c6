#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx's loader, so no build step stands between a
// checkout and `npx slimlab`; WGSL imported as text (`?raw`) comes from a hook of our own.
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
// Registered last, so it sees `.wgsl?raw` before tsx does.
register('./wgsl-loader.mjs', import.meta.url);
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));

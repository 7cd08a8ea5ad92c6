#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx's loader, so no build step stands between a
// checkout and `npx slimlab`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));

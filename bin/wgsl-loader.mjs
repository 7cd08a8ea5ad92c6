// A Node module hook for the CLI: `import code from './x.wgsl?raw'` gives the shader's text, as Vite
// does in the tab. The engine reaches the GPU kernels' modules even when it computes on the CPU.
import { readFile } from 'node:fs/promises';

export async function load(url, context, nextLoad) {
  const u = new URL(url);
  if (u.protocol === 'file:' && u.search === '?raw' && u.pathname.endsWith('.wgsl')) {
    const text = await readFile(new URL(u.pathname, u), 'utf8');
    return {
      format: 'module',
      source: `export default ${JSON.stringify(text)};`,
      shortCircuit: true,
    };
  }
  return nextLoad(url, context);
}

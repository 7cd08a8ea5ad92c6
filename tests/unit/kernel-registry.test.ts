// Every shader in shaders/** has its triple: a wrapper src/gpu/kernels/<stem>.ts, an entry in the
// registry (src/gpu/kernels/index.ts) naming the shader's path and a CPU twin that its module
// really exports, and a parity test under tests/gpu that names the stem.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { KERNELS } from '../../src/gpu/kernels/index.ts';

const ROOT = resolve(import.meta.dirname, '../..');

function files(dir: string, ext: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(ext))
    .map((f) => join(dir, f));
}

const shaders = files('shaders', '.wgsl');
const gpuTests = files('tests/gpu', '.test.ts').map((f) => readFileSync(join(ROOT, f), 'utf8'));
const stemOf = (path: string) =>
  path
    .split('/')
    .at(-1)!
    .replace(/\.wgsl$/, '');

describe('one wrapper, one registry entry, one CPU twin and one parity test per shader', () => {
  test('the shaders are found, with distinct stems', () => {
    expect(shaders.length).toBeGreaterThan(20);
    expect(new Set(shaders.map(stemOf)).size).toBe(shaders.length);
  });

  test('no registry entry without its shader', () => {
    expect(Object.keys(KERNELS).sort()).toEqual(shaders.map(stemOf).sort());
  });

  for (const path of shaders) {
    const stem = stemOf(path);
    describe(stem, () => {
      test('has its wrapper in src/gpu/kernels', () => {
        expect(existsSync(join(ROOT, 'src/gpu/kernels', `${stem}.ts`))).toBe(true);
      });

      test('is registered with its shader path and WGSL text', () => {
        const k = KERNELS[stem];
        expect(k, `no registry entry for ${stem}`).toBeDefined();
        expect(k!.stem).toBe(stem);
        expect(k!.shader).toBe(relative(ROOT, join(ROOT, path)));
        expect(k!.code).toBe(readFileSync(join(ROOT, path), 'utf8'));
        expect(typeof k!.encode).toBe('function');
      });

      test('names a CPU twin that its module exports', async () => {
        const { module, name } = KERNELS[stem]!.twin;
        expect(module).toMatch(/^src\/core\//);
        const mod = (await import(join(ROOT, module))) as Record<string, unknown>;
        expect(typeof mod[name], `${module} exports no function ${name}`).toBe('function');
      });

      test('has a parity test under tests/gpu that names it', () => {
        const named = new RegExp(`\\b${stem}\\b`);
        expect(gpuTests.some((t) => named.test(t))).toBe(true);
      });
    });
  }
});

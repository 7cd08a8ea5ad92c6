// The ONNX exports the language-model benchmarks run onnxruntime on (stories260K, and a seeded
// random 25.7M-parameter Llama with its Hugging Face folder), made once by
// scripts/oracles/export_llama_onnx.py into a cache folder outside the repository.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Every file the benchmarks read from the cache folder, relative to it. */
export const LM_EXPORT_FILES = [
  'stories260K/model.onnx',
  'llama25m/model.onnx',
  'llama25m/model.safetensors',
  'llama25m/config.json',
] as const;

/** The cache folder: `--cache=DIR`, else SLIMLAB_BENCH_CACHE, else one in the temporary folder. */
export const lmBenchCache = (flag: string | undefined): string =>
  flag ?? process.env.SLIMLAB_BENCH_CACHE ?? join(tmpdir(), 'slimlab-bench-lm');

/**
 * Runs the export script when a file is missing. Returns null when every file is there, else why
 * they could not be made (the script needs torch, transformers and onnx).
 */
export function ensureLmExports(cache: string, python: string): string | null {
  if (LM_EXPORT_FILES.every((f) => existsSync(join(cache, f)))) return null;
  console.log(`exporting the models to ONNX into ${cache} (once; about a minute)…`);
  const r = spawnSync(python, ['scripts/oracles/export_llama_onnx.py', cache], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (r.error || r.status !== 0)
    return `${python} scripts/oracles/export_llama_onnx.py failed (it needs torch, transformers, onnx; SLIMLAB_PYTHON names the interpreter): ${r.error?.message ?? r.stderr.trim().split('\n').pop()}`;
  const missing = LM_EXPORT_FILES.filter((f) => !existsSync(join(cache, f)));
  return missing.length ? `the export script did not write ${missing.join(', ')}` : null;
}

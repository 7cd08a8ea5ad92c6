// The engine as the CLI uses it: the tab's engine on the CPU backend, files opened through its
// session from disk, outputs streamed to files, and problems with the input told apart from
// failures of the work (exit 2 for the first).
import { open, rm } from 'node:fs/promises';
import type { TensorRef } from '../engine/arrays.ts';
import { createEngine } from '../engine/host.ts';
import { jobContext } from '../engine/jobs/context.ts';
import type { ExportTarget, ModelSummary, OpenOutcome } from '../engine/types.ts';
import { fileSource, type FileSource } from './file-source.ts';

export type Engine = ReturnType<typeof createEngine>;

/** The engine on the CPU (no WebGPU in Node): nothing here runs a demo model on digits. */
export function cliEngine(): Engine {
  return createEngine({
    digits: () => Promise.reject(new Error('the command line has no test digits')),
  });
}

/** Bad input (a file that does not open or is not what was asked for): exit code 2. */
export class BadInput extends Error {}

/** An error as one line of stderr. */
export const oneLine = (e: unknown) => `slimlab: ${(e as Error).message.replace(/\n/g, ' ')}`;

async function openSources(paths: readonly string[]): Promise<FileSource[]> {
  const sources: FileSource[] = [];
  try {
    for (const p of paths) {
      try {
        sources.push(await fileSource(p));
      } catch (e) {
        const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
        throw new BadInput(`${p}: cannot be opened (${why})`, { cause: e });
      }
    }
    return sources;
  } catch (e) {
    await Promise.all(sources.map((s) => s.close()));
    throw e;
  }
}

/** Opens the files (shards and external data grouped) as the tab does; closes them after. */
export async function withOpened<T>(
  engine: Engine,
  paths: readonly string[],
  work: (r: OpenOutcome) => Promise<T>,
): Promise<T> {
  const sources = await openSources(paths);
  let opened: OpenOutcome | undefined;
  try {
    opened = await engine.run('open', { files: sources }, jobContext());
    return await work(opened);
  } finally {
    for (const m of opened?.models ?? [])
      await engine.run('close', { modelId: m.id }, jobContext());
    await Promise.all(sources.map((s) => s.close()));
  }
}

/** Opens the files as one model, runs `work` on it, and closes it after. */
export function withModel<T>(
  engine: Engine,
  paths: readonly string[],
  work: (m: ModelSummary) => Promise<T>,
): Promise<T> {
  return withOpened(engine, paths, async (r) => {
    if (r.problems[0]) throw new BadInput(r.problems[0].message);
    if (r.models.length !== 1) throw new BadInput(`expected one model, got ${r.models.length}`);
    return work(r.models[0]!);
  });
}

/** Runs `work` on the one array of a file (a .npy, or any weights file holding one tensor). */
export function withArray<T>(
  engine: Engine,
  path: string,
  work: (ref: TensorRef) => Promise<T>,
): Promise<T> {
  return withModel(engine, [path], (m) => {
    const t = m.tensors[0];
    if (!t || m.tensors.length !== 1) throw new BadInput(`${path}: expected one array`);
    return work({ modelId: m.id, tensor: t.name });
  });
}

/** Opens each file as one array (null for a path not given), and closes them all after. */
export function withArrays<T>(
  engine: Engine,
  paths: ReadonlyArray<string | undefined>,
  work: (refs: Array<TensorRef | null>) => Promise<T>,
): Promise<T> {
  const from = (i: number, refs: Array<TensorRef | null>): Promise<T> => {
    const p = paths[i];
    if (i === paths.length) return work(refs);
    if (p === undefined) return from(i + 1, [...refs, null]);
    return withArray(engine, p, (r) => from(i + 1, [...refs, r]));
  };
  return from(0, []);
}

/** A file on disk as an export target: a failed or cancelled write leaves no partial file. */
export function fileTarget(path: string): ExportTarget {
  return {
    async createWritable() {
      const fh = await open(path, 'w');
      return {
        write: async (chunk) => {
          await fh.write(chunk);
        },
        close: () => fh.close(),
        abort: async () => {
          await fh.close();
          await rm(path, { force: true });
        },
      };
    },
  };
}

/** `--memory`: the process's peak resident memory (maxRSS is in kilobytes). */
export const peakMemory = () =>
  `peak resident memory: ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`;

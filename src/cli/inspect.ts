// `slimlab inspect FILE... [--json]`: the tensor table of each file.
import {
  tensorRow,
  totalBytes,
  totalParams,
  type ModelInfo,
  type TensorRow,
} from '../formats/model.ts';
import { openGroup, type GroupResult, type OpenedModel } from '../formats/group.ts';
import { fileSource, type FileSource } from './file-source.ts';

export interface InspectJson {
  format: string;
  tensors: TensorRow[];
  params: number;
  bytes: number;
}

export function inspectJson(m: ModelInfo): InspectJson {
  return {
    format: m.format,
    tensors: m.tensors.map(tensorRow),
    params: totalParams(m),
    bytes: totalBytes(m),
  };
}

export function inspectTable(m: ModelInfo): string {
  const rows = m.tensors
    .map(tensorRow)
    .map((t) => [t.name, t.dtype, `[${t.shape.join(', ')}]`, String(t.params), String(t.bytes)]);
  const head = ['name', 'dtype', 'shape', 'params', 'bytes'];
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i >= 3 ? c.padStart(width[i]!) : c.padEnd(width[i]!)))
      .join('  ')
      .trimEnd();
  return [
    `${m.file} (${m.format}): ${m.tensors.length} tensor${m.tensors.length === 1 ? '' : 's'}, ${totalParams(m)} parameters, ${totalBytes(m)} bytes`,
    line(head),
    ...rows.map(line),
  ].join('\n');
}

/** Opens the given files, runs `work` on the one model they make, and closes them after. */
export async function withOpenFiles<T>(
  paths: string[],
  work: (m: OpenedModel) => Promise<T>,
): Promise<T> {
  return withSources(paths, async (sources) => {
    const r = await openGroup(sources);
    if (r.problems[0]) throw new Error(r.problems[0].message);
    if (r.models.length !== 1) throw new Error(`expected one model, got ${r.models.length}`);
    return work(r.models[0]!);
  });
}

/** Opens the given files as models (shards and external data grouped); closes them after. */
export function inspectFiles(paths: string[]): Promise<GroupResult> {
  return withSources(paths, (sources) => openGroup(sources));
}

async function withSources<T>(paths: string[], work: (s: FileSource[]) => Promise<T>): Promise<T> {
  const sources: FileSource[] = [];
  try {
    for (const p of paths) {
      try {
        sources.push(await fileSource(p));
      } catch (e) {
        throw new Error(
          `${p}: cannot be opened (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
          {
            cause: e,
          },
        );
      }
    }
    return await work(sources);
  } finally {
    await Promise.all(sources.map((s) => s.close()));
  }
}

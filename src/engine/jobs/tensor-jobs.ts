// Jobs on any open model: open and close files, analyse and quantize one tensor, compare formats,
// LLM.int8(), the whole-model sensitivity and planner passes, and export.
import { isFormatError } from '../../formats/errors.ts';
import type { ByteSource } from '../../formats/source.ts';
import { blobSource, sourceOf } from '../blob-source.ts';
import type { ExportOptions } from '../export.ts';
import type { QuantSpec } from '../quantize.ts';
import { writeOut, type ExportResult, type ExportTarget } from '../write-out.ts';
import type { OpenOutcome } from '../session.ts';
import { job } from './context.ts';

/** A dropped file (a File in the tab: a Blob with a name). */
export type NamedBlob = Blob & { readonly name: string };

export const tensorJobs = {
  /** Opens dropped files: shards and external-data companions are grouped with their model. */
  open: job(
    async (env, r: { files: ReadonlyArray<NamedBlob | ByteSource> }): Promise<OpenOutcome> => {
      try {
        return await env.session.openFiles(r.files.map(sourceOf));
      } catch (e) {
        // Readers turn every file problem into a FormatError; anything else is a failure to read.
        const message = isFormatError(e)
          ? e.message
          : `could not read the files: ${(e as Error).message}`;
        return { models: [], problems: [{ file: r.files[0]?.name ?? '', message }] };
      }
    },
  ),

  /** Opens a built-in model served with the app (a static URL of the same origin). */
  openUrl: job(async (env, r: { url: string; name: string }, ctx): Promise<OpenOutcome> => {
    const res = await fetch(r.url, { signal: ctx.signal });
    if (!res.ok)
      return { models: [], problems: [{ file: r.name, message: `${r.name}: HTTP ${res.status}` }] };
    return env.session.openFiles([blobSource(await res.blob(), r.name)]);
  }),

  close: job(async (env, r: { modelId: string }) => env.session.close(r.modelId)),

  analyse: job(async (env, r: { modelId: string; tensor: string; bins: number }, ctx) => {
    const a = await env.session.analyse(r.modelId, r.tensor, r.bins, env.backend(), ctx);
    ctx.transfer([a.counts.buffer as ArrayBuffer]);
    return a;
  }),

  quantize: job(async (env, r: { modelId: string; tensor: string; spec: QuantSpec }, ctx) =>
    env.session.quantize(r.modelId, r.tensor, r.spec, env.backend(), ctx),
  ),

  /** A quick first answer for a large tensor, from a sample (see session.quantizePreview). */
  quantizePreview: job(async (env, r: { modelId: string; tensor: string; spec: QuantSpec }) =>
    env.session.quantizePreview(r.modelId, r.tensor, r.spec),
  ),

  compare: job(async (env, r: { modelId: string; tensor: string; spec: QuantSpec }, ctx) =>
    env.session.compare(r.modelId, r.tensor, r.spec, ctx),
  ),

  llmInt8: job(async (env, r: { modelId: string; tensor: string; threshold: number }, ctx) =>
    env.session.llmInt8(r.modelId, r.tensor, r.threshold, ctx),
  ),

  sensitivity: job(async (env, r: { modelId: string; spec: QuantSpec; filter: string }, ctx) =>
    env.session.sensitivity(r.modelId, r.spec, {
      ...ctx,
      filter: r.filter,
      backend: env.backend(),
    }),
  ),

  planOptions: job(async (env, r: { modelId: string; spec: QuantSpec }, ctx) =>
    env.session.planOptions(r.modelId, r.spec, ctx),
  ),

  /**
   * Writes the model in another format. With a target (a file handle) the chunks stream to disk;
   * without one they gather in a Blob, which the browser may keep on disk.
   */
  export: job(
    async (
      env,
      r: { modelId: string; options: ExportOptions; target: ExportTarget | null },
      ctx,
    ): Promise<ExportResult> => writeOut(env.session.export(r.modelId, r.options), r.target, ctx),
  ),
};

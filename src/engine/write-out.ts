// Streams a written file (an export, a .npy of codes) to a target: a file handle of the File System
// Access API in the tab, a file on disk in the CLI; without a target the chunks gather in a Blob.
// A cancel or a failed write aborts the target, so that no partial file is committed.
import type { OutFile } from '../formats/write/types.ts';
import { checkpoint } from './quantize.ts';
import type { JobContext } from './jobs/context.ts';

/** Where an export streams: a file handle of the File System Access API, or anything alike. */
export interface ExportTarget {
  createWritable(): Promise<{
    write(chunk: Uint8Array<ArrayBuffer>): Promise<void>;
    close(): Promise<void>;
    abort(): Promise<void>;
  }>;
}

export interface ExportResult {
  bytes: number;
  /** The file, when no target was given to stream into. */
  blob: Blob | null;
}

export async function writeOut(
  file: OutFile,
  target: ExportTarget | null,
  ctx: Pick<JobContext, 'signal' | 'onProgress'>,
): Promise<ExportResult> {
  const writable = target ? await target.createWritable() : null;
  // One Blob per chunk, so that a large download need not stay in this worker's memory.
  const parts: Blob[] = [];
  let written = 0;
  try {
    for await (const chunk of file.chunks) {
      // A macrotask between chunks: chunks made in memory would otherwise never let a cancel in.
      await checkpoint(ctx.signal);
      // Copy: a chunk may be a view into a buffer that the next tensor reuses.
      const own = new Uint8Array(chunk);
      if (writable) await writable.write(own);
      else parts.push(new Blob([own]));
      written += chunk.length;
      ctx.onProgress(file.size ? written / file.size : 1);
    }
  } catch (e) {
    await writable?.abort();
    throw e;
  }
  // A cancel during the last write must not commit the file.
  if (ctx.signal.aborted) {
    await writable?.abort();
    ctx.signal.throwIfAborted();
  }
  await writable?.close();
  return { bytes: written, blob: writable ? null : new Blob(parts) };
}

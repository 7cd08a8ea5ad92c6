// `slimlab convert IN... OUT`: the same export as the app's, streamed to a file.
import { open } from 'node:fs/promises';
import type { ExportOptions } from '../engine/export.ts';
import { exportModel } from '../engine/export.ts';
import type { OpenedModel } from '../formats/group.ts';

export function exportOptionsFor(
  out: string,
  flags: Map<string, string>,
  tensorNames: string[],
): ExportOptions {
  const lower = out.toLowerCase();
  if (lower.endsWith('.safetensors')) {
    const q = flags.get('quantize') ?? 'none';
    if (!['none', 'int8', 'int4'].includes(q))
      throw new Error(`--quantize must be none, int8 or int4, not '${q}'`);
    return {
      format: 'safetensors',
      quantize: q as 'none' | 'int8' | 'int4',
      symmetric: !flags.has('asymmetric'),
    };
  }
  if (lower.endsWith('.gguf')) {
    const type = flags.get('type') ?? 'F16';
    if (!['F32', 'F16', 'Q8_0', 'Q4_0'].includes(type))
      throw new Error(`--type must be F32, F16, Q8_0 or Q4_0, not '${type}'`);
    return { format: 'gguf', type: type as 'F32' | 'F16' | 'Q8_0' | 'Q4_0' };
  }
  if (lower.endsWith('.npy')) {
    const tensor = flags.get('tensor') ?? (tensorNames.length === 1 ? tensorNames[0] : undefined);
    if (!tensor) throw new Error('.npy holds one tensor: name it with --tensor NAME');
    return { format: 'npy', tensor };
  }
  throw new Error(`cannot tell the output format of '${out}' (use .safetensors, .gguf or .npy)`);
}

/** Writes the export to `path`, returning its size; a failed export leaves no partial file behind. */
export async function convertTo(
  model: OpenedModel,
  path: string,
  options: ExportOptions,
): Promise<number> {
  const file = exportModel(model, options);
  const fh = await open(path, 'w');
  let written = 0;
  try {
    for await (const chunk of file.chunks) {
      await fh.write(chunk);
      written += chunk.length;
    }
  } catch (e) {
    await fh.close();
    const { rm } = await import('node:fs/promises');
    await rm(path, { force: true });
    throw e;
  }
  await fh.close();
  return written;
}

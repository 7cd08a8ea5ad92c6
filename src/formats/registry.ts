// The sniffing registry: picks a reader by the file's first bytes, falling back to its extension.
import { FormatError } from './errors.ts';
import type { FormatReader, ModelInfo } from './model.ts';
import { ggufReader } from './gguf.ts';
import { llama2cReader } from './llama2c.ts';
import { npyReader } from './npy.ts';
import { npzReader } from './npz.ts';
import { onnxReader } from './onnx.ts';
import { pytorchReader } from './pytorch.ts';
import { safetensorsReader } from './safetensors.ts';
import type { ByteSource } from './source.ts';

const READERS: readonly FormatReader[] = [
  npyReader,
  npzReader,
  pytorchReader,
  ggufReader,
  safetensorsReader,
  onnxReader,
  llama2cReader,
];

const ACCEPTED_EXTENSIONS = [...new Set(READERS.flatMap((r) => r.extensions))];

/** Bytes shown to `match`: enough for a zip's first member name (torch: `<archive>/data.pkl`). */
const HEAD_BYTES = 1024;

export async function sniff(src: ByteSource): Promise<FormatReader | null> {
  const head = src.size ? await src.read(0, Math.min(HEAD_BYTES, src.size)) : new Uint8Array(0);
  const byBytes = READERS.find((r) => r.match(head));
  if (byBytes) return byBytes;
  // Formats without a magic number claim a file only when its header and its size agree exactly.
  const bySize = READERS.find((r) => r.fits?.(head, src.size) === null);
  if (bySize) return bySize;
  const lower = src.name.toLowerCase();
  return READERS.find((r) => !r.fits && r.extensions.some((e) => lower.endsWith(e))) ?? null;
}

/** Why the readers without a magic number whose extension the file has declined it ('' if none). */
async function declined(src: ByteSource): Promise<string> {
  const lower = src.name.toLowerCase();
  const head = src.size ? await src.read(0, Math.min(HEAD_BYTES, src.size)) : new Uint8Array(0);
  return READERS.filter((r) => r.fits && r.extensions.some((e) => lower.endsWith(e)))
    .map((r) => `; ${r.fits!(head, src.size) ?? ''}`)
    .join('');
}

/** Reads a file's tensor table. Throws FormatError for anything wrong with the file. */
export async function openModel(src: ByteSource): Promise<ModelInfo> {
  let reader: FormatReader | null;
  try {
    reader = await sniff(src);
  } catch (e) {
    throw new FormatError(
      src.name,
      'read-failed',
      '',
      `could not be read (${(e as Error).message})`,
    );
  }
  if (!reader) {
    const why = await declined(src).catch(() => '');
    throw new FormatError(
      src.name,
      'unknown-format',
      '',
      `is not a recognised weights file (supported: ${ACCEPTED_EXTENSIONS.join(', ')})${why}`,
    );
  }
  return reader.parse(src);
}

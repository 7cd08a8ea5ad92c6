// The zip.js side of the .npz reader, loaded on first use: the directory through range reads of the
// source, the first bytes of a deflated entry (to parse its .npy header), and a whole entry inflated.
import {
  configure,
  Reader,
  Uint8ArrayWriter,
  Writer,
  ZipReader,
  type Entry,
  type FileEntry,
} from '@zip.js/zip.js';
import { FormatError } from './errors.ts';
import type { ByteSource } from './source.ts';

configure({ useWebWorkers: false });

/** Enough inflated bytes for any .npy header we accept (npy.ts caps headers at 1 MiB). */
const HEADER_PEEK = (1 << 20) + 16;

class SourceReader extends Reader<ByteSource> {
  constructor(private readonly src: ByteSource) {
    super(src);
  }
  override init() {
    this.size = this.src.size;
    return Promise.resolve();
  }
  override readUint8Array(index: number, length: number): Promise<Uint8Array> {
    if (index < 0 || index > this.src.size)
      return Promise.reject(new RangeError(`offset ${index} is outside the archive`));
    return this.src.read(index, Math.min(length, this.src.size - index));
  }
}

/** Collects the first `limit` bytes of an entry, then stops the inflation. */
class PeekWriter extends Writer<Uint8Array> {
  private parts: Uint8Array[] = [];
  private got = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override writeUint8Array(chunk: Uint8Array) {
    this.parts.push(chunk);
    this.got += chunk.length;
    return this.full ? Promise.reject(new Error('peeked enough')) : Promise.resolve();
  }
  /** Whether enough bytes came; inflation is then stopped by the writer, an expected failure. */
  get full() {
    return this.got >= this.limit;
  }
  override getData() {
    const out = new Uint8Array(this.got);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return Promise.resolve(out);
  }
}

export async function entries(src: ByteSource): Promise<Entry[]> {
  try {
    return await new ZipReader(new SourceReader(src)).getEntries();
  } catch (e) {
    throw new FormatError(
      src.name,
      'bad-header',
      'zip directory',
      `cannot be read (${(e as Error).message})`,
    );
  }
}

export async function peek(src: ByteSource, entry: FileEntry): Promise<Uint8Array> {
  const w = new PeekWriter(Math.min(HEADER_PEEK, entry.uncompressedSize));
  try {
    await entry.getData(w);
  } catch (e) {
    // Browsers report the stop as a stream error of their own wording: what counts is whether it came.
    if (!w.full) {
      throw new FormatError(
        src.name,
        'bad-header',
        `entry '${entry.filename}'`,
        `cannot be inflated (${(e as Error).message})`,
      );
    }
  }
  return w.getData();
}

export async function inflate(entry: FileEntry): Promise<Uint8Array> {
  return (await entry.getData(new Uint8ArrayWriter())) as Uint8Array;
}

// .npz reader: a zip of .npy files (numpy.savez / savez_compressed). The zip directory is read with
// zip.js (src/formats/zip-entries.ts, loaded on first use) through range reads of the source. Stored entries are read in place, like any .npy; a
// deflated entry is inflated when its tensor is analysed (memory: that entry), and at open time only
// until its .npy header is complete.
import type { Entry, FileEntry } from '@zip.js/zip.js';
import { FormatError } from './errors.ts';
import type { FormatReader, ModelInfo, TensorInfo } from './model.ts';
import { npyReader } from './npy.ts';
import { bytesSource, type ByteSource } from './source.ts';

/** The largest ArrayBuffer browsers allow (Chrome: 2,145,386,496 bytes); a deflated entry is inflated whole. */
const MAX_INFLATED = 2_145_386_496;
/** zip local file header: signature, versions, flags, method, times, crc, sizes, name and extra lengths. */
const LOCAL_HEADER = 30;

/** numpy.savez names every member `<key>.npy`; other zips (a torch.save `data.pkl`) are not ours. */
function match(head: Uint8Array): boolean {
  if (head.byteLength < LOCAL_HEADER || head[0] !== 0x50 || head[1] !== 0x4b) return false;
  if (head[2] !== 0x03 || head[3] !== 0x04) return false;
  const n = head[26]! | (head[27]! << 8);
  if (head.byteLength < LOCAL_HEADER + n) return false; // a long name: the extension decides
  return new TextDecoder('latin1')
    .decode(head.subarray(LOCAL_HEADER, LOCAL_HEADER + n))
    .endsWith('.npy');
}

function window(src: ByteSource, start: number, size: number, name: string): ByteSource {
  return {
    name,
    size,
    read: (offset, length) => {
      if (offset < 0 || offset + length > size)
        return Promise.reject(new RangeError(`${name}: read past the end`));
      return src.read(start + offset, length);
    },
  };
}

/**
 * zip.js is loaded when an .npz is first opened: most sessions never read one, and the page's
 * first load stays smaller without it.
 */
const zip = () => import('./zip-entries.ts');

async function entries(src: ByteSource): Promise<Entry[]> {
  return (await zip()).entries(src);
}

async function peek(src: ByteSource, entry: FileEntry): Promise<Uint8Array> {
  return (await zip()).peek(src, entry);
}

async function parse(src: ByteSource): Promise<ModelInfo> {
  const file = src.name;
  const tensors: TensorInfo[] = [];
  const skipped: string[] = [];
  for (const entry of await entries(src)) {
    if (entry.directory) continue;
    if (!entry.filename.endsWith('.npy')) {
      skipped.push(entry.filename);
      continue;
    }
    const field = `entry '${entry.filename}'`;
    if (entry.encrypted) throw new FormatError(file, 'bad-header', field, 'is encrypted');
    const name = entry.filename.replace(/\.npy$/, '');
    const inner = `${file}/${entry.filename}`;
    if (entry.compressionMethod === 0) {
      if (!(entry.offset >= 0 && entry.offset + LOCAL_HEADER <= src.size)) {
        throw new FormatError(
          file,
          'bad-offsets',
          field,
          `local header offset ${entry.offset} is outside the archive`,
        );
      }
      const local = await src.read(entry.offset, LOCAL_HEADER);
      if (local[0] !== 0x50 || local[1] !== 0x4b) {
        throw new FormatError(file, 'bad-offsets', field, `has no local header at ${entry.offset}`);
      }
      const v = new DataView(local.buffer, local.byteOffset, LOCAL_HEADER);
      const start = entry.offset + LOCAL_HEADER + v.getUint16(26, true) + v.getUint16(28, true);
      if (start + entry.uncompressedSize > src.size) {
        throw new FormatError(file, 'truncated', field, 'data passes the end of the archive');
      }
      const m = await npyReader.parse(window(src, start, entry.uncompressedSize, inner));
      for (const t of m.tensors) tensors.push({ ...t, name, offset: start + t.offset });
    } else if (entry.compressionMethod === 8) {
      if (entry.uncompressedSize > MAX_INFLATED) {
        throw new FormatError(
          file,
          'header-too-large',
          field,
          `inflates to ${entry.uncompressedSize} bytes, more than one array buffer holds; save it with numpy.savez (uncompressed) instead`,
        );
      }
      const head = await peek(src, entry);
      // Parse the header from the peeked bytes; the declared size tells where the data must end.
      const probe: ByteSource = { ...bytesSource(inner, head), size: entry.uncompressedSize };
      const m = await npyReader.parse({
        ...probe,
        read: (o, n) => bytesSource(inner, head).read(o, Math.min(n, head.length - o)),
      });
      for (const t of m.tensors) {
        tensors.push({
          ...t,
          name,
          zipEntry: { path: entry.filename, at: entry.offset, offset: t.offset },
        });
      }
    } else {
      throw new FormatError(
        file,
        'bad-header',
        field,
        `uses zip compression method ${entry.compressionMethod} (only stored and deflated are supported)`,
      );
    }
  }
  if (tensors.length === 0) {
    const others = skipped.length
      ? ` (it holds ${skipped.slice(0, 5).join(', ')}${skipped.length > 5 ? ', ...' : ''})`
      : '';
    throw new FormatError(file, 'bad-header', 'zip directory', `holds no .npy arrays${others}`);
  }
  const metadata: Record<string, string> = {};
  if (skipped.length) metadata.skipped = skipped.join(', ');
  return { format: 'npz', file, fileBytes: src.size, metadata, tensors };
}

/** The bytes of a deflated entry's tensor: the entry is inflated whole, then the .npy data taken. */
export async function readZipEntryTensor(src: ByteSource, t: TensorInfo): Promise<Uint8Array> {
  const ref = t.zipEntry!;
  const entry = (await entries(src)).find(
    (e): e is FileEntry => !e.directory && e.offset === ref.at,
  );
  if (!entry) throw new FormatError(src.name, 'bad-header', `entry '${ref.path}'`, 'is gone');
  const all = await (await zip()).inflate(entry);
  if (all.length < ref.offset + t.bytes)
    throw new FormatError(
      src.name,
      'truncated',
      `entry '${ref.path}'`,
      'inflates to fewer bytes than its header declares',
    );
  return all.subarray(ref.offset, ref.offset + t.bytes);
}

export const npzReader: FormatReader = { format: 'npz', extensions: ['.npz'], match, parse };

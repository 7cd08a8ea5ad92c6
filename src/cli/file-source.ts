// A ByteSource over a file on disk, read with positioned file-handle reads (no size limit: Node's
// Blob from fs.openAsBlob misbehaves above 2 GB).
import { open, type FileHandle } from 'node:fs/promises';
import type { ByteSource } from '../engine/model-view.ts';

export interface FileSource extends ByteSource {
  close(): Promise<void>;
}

export async function fileSource(path: string): Promise<FileSource> {
  const fh: FileHandle = await open(path, 'r');
  const { size } = await fh.stat();
  // Checked before any allocation: a lying header must not make us allocate what it claims.
  const check = (offset: number, length: number) => {
    if (!(offset >= 0 && length >= 0 && offset + length <= size)) {
      throw new RangeError(
        `${path}: read of ${length} bytes at ${offset} passes the end (${size})`,
      );
    }
  };
  async function readInto(
    offset: number,
    length: number,
    scratch: ArrayBuffer,
  ): Promise<Uint8Array<ArrayBuffer>> {
    check(offset, length);
    if (length > scratch.byteLength)
      throw new RangeError(`${path}: ${length} bytes do not fit the buffer`);
    const buf = new Uint8Array(scratch, 0, length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await fh.read(buf, got, length - got, offset + got);
      if (bytesRead === 0) throw new RangeError(`${path}: file ended at ${offset + got}`);
      got += bytesRead;
    }
    return buf;
  }

  return {
    name: path,
    size,
    read: async (offset, length) => {
      check(offset, length);
      return readInto(offset, length, new ArrayBuffer(length));
    },
    readInto,
    close: () => fh.close(),
  };
}

// A ByteSource over a Blob or File: each read is a Blob.slice, so only the bytes asked for are
// ever loaded, whatever the file's size.
import type { ByteSource } from '../formats/source.ts';

export function blobSource(blob: Blob, name: string): ByteSource {
  return {
    name,
    size: blob.size,
    async read(offset, length) {
      if (offset < 0 || length < 0 || offset + length > blob.size) {
        throw new RangeError(
          `${name}: read of ${length} bytes at ${offset} passes the end (${blob.size})`,
        );
      }
      const buf = await blob.slice(offset, offset + length).arrayBuffer();
      if (buf.byteLength !== length) {
        throw new RangeError(
          `${name}: asked for ${length} bytes at ${offset}, got ${buf.byteLength}`,
        );
      }
      return new Uint8Array(buf);
    },
  };
}

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
    async readInto(offset, length, scratch) {
      if (offset < 0 || length < 0 || offset + length > blob.size || length > scratch.byteLength) {
        throw new RangeError(`${name}: read of ${length} bytes at ${offset} does not fit`);
      }
      // A BYOB reader fills our buffer in place; each read detaches it and hands it back.
      const reader = blob
        .slice(offset, offset + length)
        .stream()
        .getReader({ mode: 'byob' });
      let buffer = scratch;
      let filled = 0;
      try {
        while (filled < length) {
          const { value, done } = await reader.read(
            new Uint8Array(buffer, filled, length - filled),
          );
          if (done || !value) throw new RangeError(`${name}: file ended at ${offset + filled}`);
          buffer = value.buffer as ArrayBuffer;
          filled += value.byteLength;
        }
      } finally {
        reader.releaseLock();
      }
      return new Uint8Array(buffer, 0, length);
    },
  };
}

/** A dropped file (a Blob with a name) as a ByteSource; a ByteSource as it is. */
export function sourceOf(f: (Blob & { readonly name: string }) | ByteSource): ByteSource {
  return typeof Blob !== 'undefined' && f instanceof Blob
    ? blobSource(f, f.name)
    : (f as ByteSource);
}

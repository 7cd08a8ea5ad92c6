// Byte sources: how readers see a file. Readers ask for ranges, never for the whole file, so a
// multi-GB file costs only what is read (Blob.slice in the browser, file-handle reads in Node).

export interface ByteSource {
  /** File name as the user knows it, used in every error message. */
  readonly name: string;
  /** Size in bytes. */
  readonly size: number;
  /** Reads exactly `length` bytes at `offset`; rejects if the range passes the end. */
  read(offset: number, length: number): Promise<Uint8Array>;
  /**
   * Reads `length` bytes at `offset` into `scratch` (at least that long) instead of new memory, and
   * returns a view of them. The view's buffer may be `scratch` transferred to a new ArrayBuffer
   * object (streams detach what they fill): keep using `view.buffer`, not `scratch`.
   */
  readInto?(offset: number, length: number, scratch: ArrayBuffer): Promise<Uint8Array<ArrayBuffer>>;
}

/** A source over bytes already in memory (tests, small embedded files). */
export function bytesSource(name: string, bytes: Uint8Array): ByteSource {
  return {
    name,
    size: bytes.byteLength,
    read(offset, length) {
      if (offset < 0 || length < 0 || offset + length > bytes.byteLength) {
        return Promise.reject(
          new RangeError(
            `${name}: read of ${length} bytes at ${offset} passes the end (${bytes.byteLength})`,
          ),
        );
      }
      return Promise.resolve(bytes.subarray(offset, offset + length));
    },
  };
}

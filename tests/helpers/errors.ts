// The FormatError a reader throws for some bytes (fails the test when it throws anything else or parses).
import { FormatError } from '../../src/formats/errors.ts';
import type { FormatReader } from '../../src/formats/model.ts';
import { bytesSource } from '../../src/formats/source.ts';

export async function formatError(
  reader: FormatReader,
  file: string,
  bytes: Uint8Array,
): Promise<FormatError> {
  try {
    await reader.parse(bytesSource(file, bytes));
  } catch (e) {
    if (e instanceof FormatError) return e;
    throw e;
  }
  throw new Error(`${file} parsed, but should have failed`);
}

// safetensors writer: JSON header (with __metadata__) padded with spaces to a multiple of 8 bytes,
// then the tensors' bytes back to back in the order given.
import type { OutFile, OutTensor } from './types.ts';
import { checked } from './types.ts';

export function writeSafetensors(
  tensors: readonly OutTensor[],
  metadata: Record<string, string> = {},
): OutFile {
  // A Map, then own properties: names such as __proto__ or constructor are ordinary tensor names.
  const header = new Map<string, unknown>();
  if (Object.keys(metadata).length) header.set('__metadata__', metadata);
  let at = 0;
  for (const t of tensors) {
    if (header.has(t.name)) throw new Error(`tensor name '${t.name}' is used twice`);
    header.set(t.name, { dtype: t.dtype, shape: t.shape, data_offsets: [at, at + t.bytes] });
    at += t.bytes;
  }
  let json = new TextEncoder().encode(JSON.stringify(Object.fromEntries(header)));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const prefix = new Uint8Array(8);
  new DataView(prefix.buffer).setBigUint64(0, BigInt(json.length), true);
  return {
    size: 8 + json.length + at,
    chunks: (async function* () {
      yield prefix;
      yield json;
      for (const t of tensors) yield await checked(t);
    })(),
  };
}

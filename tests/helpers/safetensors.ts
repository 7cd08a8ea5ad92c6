// Small safetensors writers for tests, in Node and in the browser (TextEncoder and DataView only).

/** A file from a raw header object and data section (for error cases); `pad` spaces after the JSON. */
export function makeSafetensors(
  header: unknown,
  data: Uint8Array = new Uint8Array(0),
  pad = 0,
): Uint8Array<ArrayBuffer> {
  const json = new TextEncoder().encode(JSON.stringify(header) + ' '.repeat(pad));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

export type F32Tensor = Float32Array | { shape: number[]; data: Float32Array };

/** A valid file of F32 tensors laid out in order. */
export function f32Safetensors(
  tensors: Record<string, F32Tensor>,
  metadata?: Record<string, string>,
): Uint8Array<ArrayBuffer> {
  const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
  const parts: Float32Array[] = [];
  let at = 0;
  for (const [k, t] of Object.entries(tensors)) {
    const { shape, data } = t instanceof Float32Array ? { shape: [t.length], data: t } : t;
    header[k] = { dtype: 'F32', shape, data_offsets: [at, at + data.byteLength] };
    parts.push(data);
    at += data.byteLength;
  }
  const bytes = new Uint8Array(at);
  let o = 0;
  for (const p of parts) {
    bytes.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), o);
    o += p.byteLength;
  }
  return makeSafetensors(header, bytes);
}

// GGUF v3 writer: string and scalar metadata, tensor infos (dimensions ne0 first), data aligned to
// 32 bytes (the default general.alignment).
import type { OutFile, OutTensor } from './types.ts';
import { checked } from './types.ts';

const ALIGN = 32;
const GGML_TYPE_ID: Record<string, number> = {
  F32: 0,
  F16: 1,
  Q4_0: 2,
  Q8_0: 8,
  BF16: 30,
  I8: 24,
  I16: 25,
  I32: 26,
};

class Bytes {
  private chunks: number[] = [];
  u32(v: number) {
    this.chunks.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  }
  u64(v: number) {
    this.u32(v % 2 ** 32);
    this.u32(Math.floor(v / 2 ** 32));
  }
  str(s: string) {
    const b = new TextEncoder().encode(s);
    this.u64(b.length);
    for (const x of b) this.chunks.push(x);
  }
  pad(to: number) {
    while (this.chunks.length % to) this.chunks.push(0);
  }
  get length() {
    return this.chunks.length;
  }
  done() {
    return Uint8Array.from(this.chunks);
  }
}

type GgufValue = string | number;

export function writeGguf(
  tensors: readonly OutTensor[],
  metadata: Record<string, GgufValue>,
): OutFile {
  const h = new Bytes();
  h.u32(0x46554747);
  h.u32(3);
  h.u64(tensors.length);
  h.u64(Object.keys(metadata).length);
  for (const [k, v] of Object.entries(metadata)) {
    h.str(k);
    if (typeof v === 'string') {
      h.u32(8);
      h.str(v);
    } else {
      h.u32(4); // u32
      h.u32(v);
    }
  }
  let at = 0;
  const offsets: number[] = [];
  for (const t of tensors) {
    const id = GGML_TYPE_ID[t.dtype];
    if (id === undefined) throw new Error(`GGUF export cannot write ${t.dtype} ('${t.name}')`);
    // GGML tensors have at most 4 dimensions: outer ones beyond that are merged (row-major, so the
    // bytes stay as they are).
    const shape =
      t.shape.length > 4
        ? [t.shape.slice(0, -3).reduce((a, b) => a * b, 1), ...t.shape.slice(-3)]
        : t.shape;
    h.str(t.name);
    h.u32(shape.length);
    for (const d of [...shape].reverse()) h.u64(d);
    h.u32(id);
    h.u64(at);
    offsets.push(at);
    at = Math.ceil((at + t.bytes) / ALIGN) * ALIGN;
  }
  h.pad(ALIGN);
  const head = h.done();
  const last = tensors.length
    ? offsets[offsets.length - 1]! + tensors[tensors.length - 1]!.bytes
    : 0;
  return {
    size: head.length + last,
    chunks: (async function* () {
      yield head;
      for (let i = 0; i < tensors.length; i++) {
        const t = tensors[i]!;
        const d = await checked(t);
        yield d;
        const next = i + 1 < tensors.length ? offsets[i + 1]! : offsets[i]! + t.bytes;
        const gap = next - offsets[i]! - t.bytes;
        if (gap > 0) yield new Uint8Array(gap);
      }
    })(),
  };
}

// A tiny GGUF builder for error cases: every field can be set to a wrong value on purpose.

export interface GgufSpec {
  magic?: number;
  version?: number;
  kv?: Array<{ key: string; type: number; value: (w: Writer) => void }>;
  tensors?: Array<{ name: string; ne: number[]; type: number; offset: number }>;
  tensorCount?: number | bigint;
  kvCount?: number | bigint;
  alignment?: number;
  data?: Uint8Array;
}

export class Writer {
  private parts: number[] = [];
  u8(v: number) {
    this.parts.push(v & 0xff);
  }
  u32(v: number) {
    for (let i = 0; i < 4; i++) this.u8(v >>> (8 * i));
  }
  u64(v: number | bigint) {
    const b = BigInt(v);
    for (let i = 0n; i < 8n; i++) this.u8(Number((b >> (8n * i)) & 0xffn));
  }
  str(s: string) {
    const b = new TextEncoder().encode(s);
    this.u64(b.length);
    for (const x of b) this.u8(x);
  }
  get length() {
    return this.parts.length;
  }
  bytes() {
    return Uint8Array.from(this.parts);
  }
}

export function makeGguf(spec: GgufSpec): Uint8Array {
  const w = new Writer();
  const kv = spec.kv ?? [];
  const tensors = spec.tensors ?? [];
  w.u32(spec.magic ?? 0x46554747);
  w.u32(spec.version ?? 3);
  w.u64(spec.tensorCount ?? tensors.length);
  w.u64(spec.kvCount ?? kv.length);
  for (const e of kv) {
    w.str(e.key);
    w.u32(e.type);
    e.value(w);
  }
  for (const t of tensors) {
    w.str(t.name);
    w.u32(t.ne.length);
    for (const d of t.ne) w.u64(d);
    w.u32(t.type);
    w.u64(t.offset);
  }
  const align = spec.alignment ?? 32;
  while (w.length % align) w.u8(0);
  const head = w.bytes();
  const data = spec.data ?? new Uint8Array(0);
  const out = new Uint8Array(head.length + data.length);
  out.set(head);
  out.set(data, head.length);
  return out;
}

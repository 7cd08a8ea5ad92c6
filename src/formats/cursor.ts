// A forward cursor over a ByteSource for headers of unknown length (GGUF key-value tables can be
// megabytes of tokenizer strings): it reads the source in windows, never the whole file, and turns
// every read past the end into a FormatError naming the field being read.
import { FormatError } from './errors.ts';
import type { ByteSource } from './source.ts';

const WINDOW = 1 << 20;

export class Cursor {
  private buf: Uint8Array = new Uint8Array(0);
  private view = new DataView(this.buf.buffer);
  private start = 0; // file offset of buf[0]
  pos = 0; // file offset of the next byte

  constructor(
    readonly src: ByteSource,
    pos = 0,
  ) {
    this.pos = pos;
  }

  /** Makes `n` bytes at pos available; `field` names what is being read, for the error. */
  async need(n: number, field: string): Promise<void> {
    if (this.pos >= this.start && this.pos + n <= this.start + this.buf.length) return;
    if (this.pos + n > this.src.size) {
      throw new FormatError(
        this.src.name,
        'truncated',
        field,
        `needs ${n} bytes at offset ${this.pos}, past the end of the ${this.src.size}-byte file`,
      );
    }
    const len = Math.min(this.src.size - this.pos, Math.max(n, WINDOW));
    this.buf = await this.src.read(this.pos, len);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.start = this.pos;
  }

  private at(n: number): number {
    const o = this.pos - this.start;
    this.pos += n;
    return o;
  }

  async u8(field: string) {
    await this.need(1, field);
    return this.view.getUint8(this.at(1));
  }
  async i8(field: string) {
    await this.need(1, field);
    return this.view.getInt8(this.at(1));
  }
  async u16(field: string) {
    await this.need(2, field);
    return this.view.getUint16(this.at(2), true);
  }
  async i16(field: string) {
    await this.need(2, field);
    return this.view.getInt16(this.at(2), true);
  }
  async u32(field: string) {
    await this.need(4, field);
    return this.view.getUint32(this.at(4), true);
  }
  async i32(field: string) {
    await this.need(4, field);
    return this.view.getInt32(this.at(4), true);
  }
  async f32(field: string) {
    await this.need(4, field);
    return this.view.getFloat32(this.at(4), true);
  }
  async f64(field: string) {
    await this.need(8, field);
    return this.view.getFloat64(this.at(8), true);
  }
  /** A u64 as a number; values past 2^53 come back as Infinity (callers compare against caps). */
  async u64(field: string) {
    const v = await this.u64Exact(field);
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(v);
  }
  /** A u64 exactly, for messages that quote what the file holds. */
  async u64Exact(field: string): Promise<bigint> {
    await this.need(8, field);
    return this.view.getBigUint64(this.at(8), true);
  }
  async i64(field: string) {
    await this.need(8, field);
    const v = this.view.getBigInt64(this.at(8), true);
    return Number(v);
  }
  async bytes(n: number, field: string): Promise<Uint8Array> {
    await this.need(n, field);
    const o = this.at(n);
    return this.buf.subarray(o, o + n);
  }
  skip(n: number) {
    this.pos += n;
  }
}

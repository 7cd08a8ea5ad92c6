// Integer helpers shared by the quantizers and the file layouts: round half to even (ONNX
// QuantizeLinear's rounding), clamping to a code range, and the ONNX int4/uint4 packing, two a byte.

export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function clampInt(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** Packs 4-bit codes two per byte, the first element in the low nibble (ONNX int4/uint4 layout). */
export function packInt4(codes: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(Math.ceil(codes.length / 2));
  for (let i = 0; i < codes.length; i++) out[i >> 1]! |= (codes[i]! & 0x0f) << ((i & 1) * 4);
  return out;
}

export function unpackInt4(bytes: Uint8Array, count: number, signed: boolean): Int32Array {
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const n = (bytes[i >> 1]! >> ((i & 1) * 4)) & 0x0f;
    out[i] = signed && n >= 8 ? n - 16 : n;
  }
  return out;
}

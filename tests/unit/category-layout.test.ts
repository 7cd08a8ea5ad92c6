import { describe, expect, test } from 'vitest';
import {
  categoryLayout,
  labelEvery,
  ANGLE,
  angledLabelSpace,
  legendLayout,
  textWidth,
  type CategoryInput,
} from '../../src/ui/charts/category-layout.ts';

const margin = { top: 10, right: 10, bottom: 10, left: 50 };
const base: Omit<CategoryInput, 'series' | 'kind'> = {
  categories: ['a', 'b', 'c', 'd'],
  log: false,
  width: 450,
  height: 210,
  margin,
  gap: 0,
  refs: [],
};
// Plot: x from 50 to 440 (a band of 97.5 px each), y from 200 (bottom) to 10 (top).

describe('bars and lines over categories land where their values say', () => {
  test('grouped bars share their band; heights are linear from zero on a nice axis', () => {
    const l = categoryLayout({
      ...base,
      kind: 'bars',
      series: [
        { name: 'p', color: '#000', values: [10, 5, null, 0] },
        { name: 'q', color: '#111', values: [2, 4, 6, 8] },
      ],
    });
    expect(l.band).toBeCloseTo(97.5, 9);
    expect(l.yTicks[0]!.value).toBe(0);
    expect(l.yTicks.at(-1)!.value).toBe(10);
    const bar = (s: number, c: number) => l.bars.find((b) => b.series === s && b.category === c);
    expect(bar(0, 2)).toBeUndefined();
    expect(bar(0, 0)).toMatchObject({ x: 50, width: 48.75, y: 10, height: 190 });
    expect(bar(1, 0)!.x).toBeCloseTo(50 + 48.75, 9);
    expect(bar(1, 1)!.height).toBeCloseTo(190 * 0.4, 9);
    expect(bar(0, 3)!.height).toBe(0);
  });

  test('stacked bars pile up in series order', () => {
    const l = categoryLayout({
      ...base,
      kind: 'stacked',
      series: [
        { name: 'clip', color: '#000', values: [3, 0, 0, 0] },
        { name: 'round', color: '#111', values: [7, 10, 0, 0] },
      ],
    });
    const [clip, round] = l.bars.filter((b) => b.category === 0);
    expect(clip!.y + clip!.height).toBeCloseTo(200, 9);
    expect(clip!.height).toBeCloseTo(190 * 0.3, 9);
    expect(round!.y + round!.height).toBeCloseTo(clip!.y, 9);
    expect(round!.y).toBeCloseTo(10, 9);
  });

  test('a log axis spans whole decades and drops values it cannot show', () => {
    const l = categoryLayout({
      ...base,
      kind: 'bars',
      log: true,
      series: [{ name: 't', color: '#000', values: [3, 450, 0, -1] }],
    });
    expect(l.yTicks.map((t) => t.value)).toEqual([1, 10, 100, 1000]);
    expect(l.bars.map((b) => b.category)).toEqual([0, 1]);
    // 450 sits log10(450)/3 of the way up from 1 to 1000.
    expect(l.bars[1]!.y).toBeCloseTo(200 - (Math.log10(450) / 3) * 190, 6);
  });

  test('a line keeps its own range and skips missing points; the pointer finds the category', () => {
    const l = categoryLayout({
      ...base,
      kind: 'line',
      series: [{ name: 'sqnr', color: '#000', values: [10, null, 30, 50] }],
    });
    expect(l.lines[0]!.points.map(([x]) => x)).toEqual([l.centres[0], l.centres[2], l.centres[3]]);
    expect(l.lines[0]!.points[0]![1]).toBeCloseTo(200, 9);
    expect(l.lines[0]!.points[2]![1]).toBeCloseTo(10, 9);
    expect(l.categoryAt(49)).toBeNull();
    expect(l.categoryAt(50 + 97.5 * 2.5)).toBe(2);
    expect(l.categoryAt(440)).toBe(3);
  });

  test('a reference line widens the axis to show it; nothing to draw still gives an axis', () => {
    const l = categoryLayout({
      ...base,
      kind: 'bars',
      refs: [20],
      series: [{ name: 'm', color: '#000', values: [1, 2, 3, 4] }],
    });
    expect(l.refs[0]!.y).toBeCloseTo(10, 9);
    const empty = categoryLayout({ ...base, categories: [], kind: 'bars', series: [] });
    expect(empty.bars).toEqual([]);
    expect(empty.yTicks.length).toBeGreaterThan(1);
    expect(empty.categoryAt(100)).toBeNull();
  });

  test('edge cases: the smallest log bar still shows, negative bars reach zero, refs keep their index', () => {
    const decade = categoryLayout({
      ...base,
      kind: 'bars',
      log: true,
      series: [{ name: 't', color: '#000', values: [10, 100, 1000, 10] }],
    });
    expect(decade.yTicks[0]!.value).toBe(1);
    expect(decade.bars[0]!.height).toBeGreaterThan(0);
    const stackedLog = categoryLayout({
      ...base,
      kind: 'stacked',
      log: true,
      series: [
        { name: 'a', color: '#000', values: [5, 5, 5, 5] },
        { name: 'b', color: '#111', values: [50, 50, 50, 50] },
      ],
    });
    expect(stackedLog.bars.every((b) => Number.isFinite(b.y) && Number.isFinite(b.height))).toBe(
      true,
    );
    expect(stackedLog.bars[0]!.y + stackedLog.bars[0]!.height).toBeCloseTo(200, 9);
    const negative = categoryLayout({
      ...base,
      kind: 'bars',
      series: [{ name: 'n', color: '#000', values: [-1, -2, -3, -4] }],
    });
    expect(negative.yTicks.at(-1)!.value).toBe(0);
    expect(negative.bars[0]!.y).toBeCloseTo(10, 9);
    const refs = categoryLayout({
      ...base,
      kind: 'bars',
      log: true,
      refs: [-1, 100],
      series: [{ name: 't', color: '#000', values: [1, 2, 3, 4] }],
    });
    expect(refs.refs.map((r) => r.index)).toEqual([1]);
  });
});

describe('names around the plot keep out of each other’s way', () => {
  test('legend entries sit side by side and wrap onto a new row at the right edge', () => {
    const names = ['ours (chosen kernel)', 'ours, 16×16 tiles', 'onnxruntime-web 1.30.0 (webgpu)'];
    const wide = legendLayout(names, 64, 2000);
    expect(wide.rows).toBe(1);
    expect(wide.at[0]).toEqual([64, 0]);
    expect(wide.at[1]![0]).toBeCloseTo(64 + 32 + textWidth(names[0]!), 9);
    const narrow = legendLayout(names, 64, 400);
    expect(narrow.rows).toBeGreaterThan(1);
    for (const [k, [x, row]] of narrow.at.entries()) {
      if (x > 64) expect(x + 32 + textWidth(names[k]!)).toBeLessThanOrEqual(400);
      expect(row).toBeLessThan(narrow.rows);
    }
    expect(legendLayout([], 0, 100).rows).toBe(0);
  });

  test('category names are thinned out only when they would overlap', () => {
    const names = ['none', '99.999%', '99.99%', '99.9%', '99.5%', '99%', '98%', '95%', '90%'];
    expect(labelEvery(names, 80)).toBe(1);
    const every = labelEvery(names, 30);
    expect(every).toBeGreaterThan(1);
    expect(every * 30).toBeGreaterThanOrEqual(textWidth('99.999%'));
  });

  test('angled names get the room they reach into, below and left of the plot', () => {
    const names = ['NVIDIA A10', 'Server CPU, 16 cores, AVX-512 VNNI', 'Apple M2 (10-core GPU)'];
    const band = 60;
    const room = angledLabelSpace(names, band, 64);
    const rad = (ANGLE * Math.PI) / 180;
    // The longest name, slanted from 12 px under the axis, ends above the chart's bottom edge.
    expect(12 + textWidth(names[1]!, 11) * Math.sin(rad)).toBeLessThanOrEqual(room.bottom - 11);
    // The first name, ending at its band's centre, starts inside the chart.
    expect(room.left + band / 2 - textWidth(names[0]!, 11) * Math.cos(rad)).toBeGreaterThanOrEqual(
      0,
    );
    expect(room.left).toBeGreaterThanOrEqual(64);
    const long = angledLabelSpace(['Desktop CPU, 8 cores, AVX2', 'x'], 20, 64);
    expect(
      long.left + 10 - textWidth('Desktop CPU, 8 cores, AVX2', 11) * Math.cos(rad),
    ).toBeGreaterThanOrEqual(0);
    expect(long.left).toBeGreaterThan(64);
  });
});

// Where everything in a chart over categories goes, in pixels: one band per category holding
// grouped bars, stacked bars or a line's point, the value axis (linear or log) and reference lines.
// Pure, so that the geometry is tested without a page.
import { scaleLinear, scaleLog } from 'd3-scale';

export interface Series {
  name: string;
  color: string;
  /** One value per category; null (or, on a log axis, ≤ 0) draws nothing. */
  values: ReadonlyArray<number | null>;
}

export type ChartKind = 'bars' | 'stacked' | 'line';

export interface CategoryInput {
  categories: readonly string[];
  series: readonly Series[];
  kind: ChartKind;
  log: boolean;
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
  /** Fraction of each band left empty between bars (0 for bars that touch). */
  gap: number;
  refs: readonly number[];
}

export interface Mark {
  series: number;
  category: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface CategoryLayout {
  plot: { left: number; top: number; right: number; bottom: number };
  band: number;
  /** Centre of each category's band. */
  centres: number[];
  bars: Mark[];
  /** A polyline per series (line charts), through its drawable points. */
  lines: Array<{ series: number; points: Array<[number, number]> }>;
  yTicks: Array<{ value: number; y: number }>;
  /** The references that can be drawn, each with its index in the input. */
  refs: Array<{ index: number; value: number; y: number }>;
  categoryAt: (px: number) => number | null;
}

const usable = (v: number | null | undefined, log: boolean): v is number =>
  v !== null && v !== undefined && Number.isFinite(v) && (!log || v > 0);

/** The value range the axis must show: every drawable value (stacks summed) and every reference. */
function extent(o: CategoryInput): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  const see = (v: number) => {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  };
  for (let c = 0; c < o.categories.length; c++) {
    let stack = 0;
    for (const s of o.series) {
      const v = s.values[c];
      if (!usable(v, o.log)) continue;
      if (o.kind === 'stacked') see((stack += Math.max(0, v)));
      else see(v);
    }
  }
  for (const r of o.refs) if (usable(r, o.log)) see(r);
  if (lo > hi) return o.log ? [1, 10] : [0, 1];
  if (o.log) {
    // Bars start a decade below the smallest value, so that the smallest still shows.
    const e = Math.log10(lo);
    const a = 10 ** (o.kind === 'line' ? Math.floor(e) : Math.ceil(e) - 1);
    const b = 10 ** Math.ceil(Math.log10(hi));
    return [a, b > a ? b : a * 10];
  }
  // Bars grow from zero; a line keeps its own range (an SQNR curve from 10 to 50 dB).
  if (o.kind !== 'line') return [Math.min(0, lo), hi > 0 || lo < 0 ? Math.max(0, hi) : 1];
  return lo === hi ? [lo - 1, hi + 1] : [lo, hi];
}

/** Powers of ten across a log domain, at most seven of them. */
function logTicks([a, b]: [number, number]): number[] {
  const e0 = Math.round(Math.log10(a));
  const e1 = Math.round(Math.log10(b));
  const step = Math.max(1, Math.ceil((e1 - e0 + 1) / 7));
  const out: number[] = [];
  for (let e = e0; e <= e1; e += step) out.push(10 ** e);
  return out;
}

export function categoryLayout(o: CategoryInput): CategoryLayout {
  const n = o.categories.length;
  const plot = {
    left: o.margin.left,
    top: o.margin.top,
    right: Math.max(o.margin.left + 1, o.width - o.margin.right),
    bottom: Math.max(o.margin.top + 1, o.height - o.margin.bottom),
  };
  const band = (plot.right - plot.left) / Math.max(1, n);
  const centres = Array.from({ length: n }, (_, c) => plot.left + (c + 0.5) * band);
  const domain = extent(o);
  const y = o.log
    ? scaleLog().domain(domain).range([plot.bottom, plot.top])
    : scaleLinear().domain(domain).nice(5).range([plot.bottom, plot.top]);
  const [d0, d1] = y.domain() as [number, number];
  const base = o.log ? d0 : Math.max(d0, Math.min(0, d1));
  const inner = band * (1 - o.gap);
  const bars: Mark[] = [];
  const lines: CategoryLayout['lines'] = [];
  if (o.kind === 'line') {
    o.series.forEach((s, k) => {
      const points: Array<[number, number]> = [];
      for (let c = 0; c < n; c++) {
        const v = s.values[c];
        if (usable(v, o.log)) points.push([centres[c]!, y(v)]);
      }
      lines.push({ series: k, points });
    });
  } else {
    for (let c = 0; c < n; c++) {
      const left = plot.left + c * band + (band - inner) / 2;
      let stack = 0;
      o.series.forEach((s, k) => {
        const v = s.values[c];
        if (!usable(v, o.log)) return;
        if (o.kind === 'stacked') {
          // The first segment grows from the axis's base (zero, or the log axis's bottom).
          const from = y(stack === 0 ? base : stack);
          stack += Math.max(0, v);
          const to = y(stack);
          bars.push({ series: k, category: c, x: left, y: to, width: inner, height: from - to });
        } else {
          const w = inner / o.series.length;
          const top = Math.min(y(v), y(base));
          const h = Math.abs(y(base) - y(v));
          bars.push({ series: k, category: c, x: left + k * w, y: top, width: w, height: h });
        }
      });
    }
  }
  const tickValues = o.log ? logTicks([d0, d1]) : y.ticks(5);
  return {
    plot,
    band,
    centres,
    bars,
    lines,
    yTicks: tickValues.map((value) => ({ value, y: y(value) })),
    refs: o.refs.flatMap((value, index) =>
      usable(value, o.log) ? [{ index, value, y: y(value) }] : [],
    ),
    categoryAt: (px) =>
      px < plot.left || px > plot.right || n === 0
        ? null
        : Math.min(n - 1, Math.floor((px - plot.left) / band)),
  };
}

/** Rough width of a line of text at 12 px (the charts' axis and legend size). */
export const textWidth = (text: string, px = 12) => text.length * px * 0.6;

/**
 * Where each legend entry goes (a swatch, then its name), left to right, wrapping onto a new row
 * when the next one would pass `right`; and how many rows that takes.
 */
export function legendLayout(
  names: readonly string[],
  left: number,
  right: number,
): { at: Array<[number, number]>; rows: number } {
  const at: Array<[number, number]> = [];
  let x = left;
  let row = 0;
  for (const name of names) {
    const w = 14 + textWidth(name) + 18;
    if (x > left && x + w > right) {
      x = left;
      row++;
    }
    at.push([x, row]);
    x += w;
  }
  return { at, rows: names.length ? row + 1 : 0 };
}

/** Draw every n-th category name so that level names do not run into each other. */
export function labelEvery(categories: readonly string[], band: number): number {
  const widest = Math.max(0, ...categories.map((c) => textWidth(c)));
  return Math.max(1, Math.ceil((widest + 6) / Math.max(1, band)));
}

/** The slant of angled category names, in degrees below the horizontal. */
export const ANGLE = 30;

/**
 * Room angled names need around the plot: each name ends at its band's centre, 12 px below the
 * axis, and runs up-left at ANGLE, so it reaches down by width · sin and left by width · cos.
 * `bottom` is the margin below the plot; `left` the margin left of it (at least `minLeft`) so the
 * first name, centred in a band of `band` px, does not start off the chart.
 */
export function angledLabelSpace(
  categories: readonly string[],
  band: number,
  minLeft: number,
  px = 11,
): { bottom: number; left: number } {
  const rad = (ANGLE * Math.PI) / 180;
  const widest = Math.max(0, ...categories.map((c) => textWidth(c, px)));
  const first = categories.length ? textWidth(categories[0]!, px) : 0;
  return {
    bottom: Math.ceil(12 + widest * Math.sin(rad) + px),
    left: Math.max(minLeft, Math.ceil(first * Math.cos(rad) - band / 2 + 4)),
  };
}

// Markdown for the session report: numbers, sizes and text from files written so that they show
// literally, and tables of them.
import type { Evaluation } from '../engine/types.ts';

export const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
export const num = (x: number | null | undefined, d = 4) =>
  x === null || x === undefined || !Number.isFinite(x) ? '—' : +x.toPrecision(d);
export const bytes = (b: number) =>
  b >= 2 ** 20
    ? `${(b / 2 ** 20).toFixed(2)} MiB`
    : b >= 1024
      ? `${(b / 1024).toFixed(1)} KiB`
      : `${b} B`;

/**
 * Text from a file (tensor and file names) as Markdown that shows it literally: no markup, links,
 * HTML or line breaks of its own.
 */
export const md = (v: unknown) =>
  String(v)
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\`*_{}[\]()<>#+!|~]/g, (c) => `\\${c}`);

/** Markdown table cells: escaped like any text (pipes would break the row). */
const cell = (v: unknown) => md(v);

export function table(head: string[], rows: unknown[][]): string {
  return [
    `| ${head.map(cell).join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

export const evalRow = (label: string, e: Evaluation) => [
  label,
  pct(e.accuracy),
  e.agreement === null ? '—' : pct(e.agreement),
  num(e.kl),
];

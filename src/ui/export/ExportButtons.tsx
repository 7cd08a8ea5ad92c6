// Export from the page: a chart (the SVG of the figure the buttons sit in) as SVG or PNG, a table
// (the one beside the button) as CSV. Everything is made in the tab and saved by the browser; no
// request goes out.
import { toCsv } from './csv.ts';
import { download } from '../../state/export/actions.ts';

/** An element's text without the glossary popovers of the terms inside it. */
function shownText(el: Element): string {
  const copy = el.cloneNode(true) as Element;
  copy.querySelectorAll('.term-tip').forEach((t) => t.remove());
  return (copy.textContent ?? '').trim();
}

/** A file name from what the element shows: its test id, caption or section. */
function nameOf(el: Element, fallback: string): string {
  const raw =
    el.getAttribute('data-testid') ??
    (el.querySelector('figcaption') ? shownText(el.querySelector('figcaption')!) : null) ??
    el.closest('section')?.getAttribute('aria-label') ??
    fallback;
  const slug = raw
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 48);
  return slug || fallback;
}

/** The colour behind an element: its own background or the nearest ancestor's that is not clear. */
function backgroundOf(el: Element): string {
  for (let e: Element | null = el; e; e = e.parentElement) {
    const c = getComputedStyle(e).backgroundColor;
    if (c && c !== 'transparent' && !/^rgba\(.*,\s*0\)$/.test(c)) return c;
  }
  return '#fff';
}

/** The chart's SVG as a standalone document, with its size and a background. */
export function standaloneSvg(svg: SVGSVGElement): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const box = svg.getBoundingClientRect();
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  copy.setAttribute('width', String(Math.round(box.width)));
  copy.setAttribute('height', String(Math.round(box.height)));
  const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  // The panel's colour, so that a chart saved in the dark theme looks as it does on the page.
  bg.setAttribute('fill', backgroundOf(svg));
  copy.insertBefore(bg, copy.firstChild);
  // Text takes the page's font and colour, which live in CSS rather than in the SVG.
  const style = getComputedStyle(svg);
  copy.setAttribute('font-family', style.fontFamily);
  copy.setAttribute('font-size', style.fontSize);
  // So do the theme's colours of labels, grid and axis lines: written out as attributes.
  const shown = svg.querySelectorAll('text, line');
  const saved = copy.querySelectorAll('text, line');
  shown.forEach((el, k) => {
    const cs = getComputedStyle(el);
    if (el.tagName === 'text') saved[k]?.setAttribute('fill', cs.fill);
    else saved[k]?.setAttribute('stroke', cs.stroke);
  });
  return new XMLSerializer().serializeToString(copy);
}

async function svgToPng(text: string, width: number, height: number): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const scale = 2;
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    const g = canvas.getContext('2d')!;
    g.scale(scale, scale);
    g.drawImage(img, 0, 0, width, height);
    return await new Promise((res, rej) =>
      canvas.toBlob((b) => (b ? res(b) : rej(new Error('PNG encoding failed'))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

function chartSvg(button: HTMLElement): { svg: SVGSVGElement; name: string } | null {
  const figure = button.closest('figure');
  // The chart's own surface: the largest SVG in the figure (legends draw small ones).
  const svgs = figure ? [...figure.querySelectorAll('svg')] : [];
  const svg = svgs.sort(
    (a, b) =>
      b.getBoundingClientRect().width * b.getBoundingClientRect().height -
      a.getBoundingClientRect().width * a.getBoundingClientRect().height,
  )[0];
  return figure && svg ? { svg, name: nameOf(figure, 'chart') } : null;
}

export function ChartExport() {
  const save = async (e: React.MouseEvent<HTMLButtonElement>, as: 'svg' | 'png') => {
    const c = chartSvg(e.currentTarget);
    if (!c) return;
    const text = standaloneSvg(c.svg);
    if (as === 'svg') download(new Blob([text], { type: 'image/svg+xml' }), `${c.name}.svg`);
    else {
      const box = c.svg.getBoundingClientRect();
      download(await svgToPng(text, box.width, box.height), `${c.name}.png`);
    }
  };
  return (
    <span className="export-buttons">
      <button type="button" aria-label="Save chart as SVG" onClick={(e) => void save(e, 'svg')}>
        SVG
      </button>
      <button type="button" aria-label="Save chart as PNG" onClick={(e) => void save(e, 'png')}>
        PNG
      </button>
    </span>
  );
}

/** The rows of a table as text, header included (cells' data-value where they carry one). */
export function tableRows(table: HTMLTableElement): string[][] {
  return [...table.rows].map((r) =>
    [...r.cells].map((c) => c.getAttribute('data-value') ?? shownText(c)),
  );
}

/** The first table after the button among its following siblings (or inside one of them). */
function tableAfter(button: HTMLElement): HTMLTableElement | null {
  for (let el = button.nextElementSibling; el; el = el.nextElementSibling) {
    if (el instanceof HTMLTableElement) return el;
    const inner = el.querySelector('table');
    if (inner) return inner;
  }
  return null;
}

/** A CSV button for the table that follows it. */
export function CsvExport({ name }: { name: string }) {
  return (
    <button
      type="button"
      className="export-csv"
      aria-label={`Save the ${name} table as CSV`}
      onClick={(e) => {
        const table = tableAfter(e.currentTarget);
        if (!table) return;
        download(new Blob([toCsv(tableRows(table))], { type: 'text/csv' }), `${name}.csv`);
      }}
    >
      CSV
    </button>
  );
}

// What the plain-SVG charts share: the box that measures the width they draw at, the keyboard and
// pointer reading of one bin or category at a time (arrow keys, Home, End, Escape; the value is
// read out below the plot), and the value axis with its grid.
import { useCallback, useRef, useState, type ReactNode } from 'react';
import { useWidth } from './useWidth.ts';

const STEPS: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, PageUp: 8, PageDown: -8 };

export interface PlotState {
  width: number;
  /** The item under the pointer or the keyboard, or null. */
  active: number | null;
  setActive: (i: number | null) => void;
}

export function PlotBox({
  count,
  height,
  label,
  readout,
  children,
}: {
  /** How many items (bins, categories) the keys step through. */
  count: number;
  /** The plot's height, held while the width is not yet measured. */
  height: number;
  label: string;
  readout: (i: number) => string;
  children: (s: PlotState) => ReactNode;
}) {
  const box = useRef<HTMLDivElement>(null);
  const width = useWidth(box);
  const [active, setActive] = useState<number | null>(null);
  // The readout is announced only when the keys moved it, not on every bin the pointer crosses.
  const [fromKeys, setFromKeys] = useState(false);
  const shown = active !== null && active < count ? active : null;
  const move = (to: number) => {
    setFromKeys(true);
    setActive(Math.max(0, Math.min(count - 1, to)));
  };
  const point = useCallback((i: number | null) => {
    setFromKeys(false);
    setActive(i);
  }, []);
  return (
    <div
      ref={box}
      className="plot"
      tabIndex={0}
      role="group"
      aria-label={label}
      onKeyDown={(e) => {
        const step = STEPS[e.key];
        if (step !== undefined) move((shown ?? (step > 0 ? -1 : count)) + step);
        else if (e.key === 'Home') move(0);
        else if (e.key === 'End') move(count - 1);
        else if (e.key === 'Escape' && shown !== null) setActive(null);
        else return;
        e.preventDefault();
      }}
      onBlur={() => setActive(null)}
    >
      {width > 0 ? (
        children({ width, active: shown, setActive: point })
      ) : (
        <div style={{ height }} />
      )}
      <p className="plot-readout" aria-live={fromKeys ? 'polite' : 'off'}>
        {shown !== null ? readout(shown) : ''}
      </p>
    </div>
  );
}

/** Horizontal grid lines and labels at the value ticks, and the two axis lines. */
export function ValueAxis({
  plot,
  ticks,
  format,
}: {
  plot: { left: number; top: number; right: number; bottom: number };
  ticks: ReadonlyArray<{ value: number; y: number }>;
  format: (v: number) => string;
}) {
  return (
    <>
      <g className="grid" stroke="#d9dce6" strokeDasharray="3 3">
        {ticks.map((t) => (
          <line key={t.value} x1={plot.left} x2={plot.right} y1={t.y} y2={t.y} />
        ))}
      </g>
      <g className="axis" fontSize={12} fill="#596070">
        <line x1={plot.left} x2={plot.right} y1={plot.bottom} y2={plot.bottom} stroke="#596070" />
        <line x1={plot.left} x2={plot.left} y1={plot.top} y2={plot.bottom} stroke="#596070" />
        {ticks.map((t) => (
          <text key={t.value} x={plot.left - 6} y={t.y + 4} textAnchor="end">
            {format(t.value)}
          </text>
        ))}
      </g>
    </>
  );
}

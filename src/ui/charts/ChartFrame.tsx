// The box every recharts chart is drawn in, at the box's width. Drawing a chart (recharts lays out
// every bar, axis and line through its own store, in several passes) takes tens of milliseconds on
// a slow machine; a panel that drew four at once, or a resize that redrew every chart on the page,
// froze the page for over 100 ms. Here each chart draws in a task of its own, one after another,
// so the page answers between them: a new chart, new data or a new width shows a few milliseconds
// later rather than holding up everything else.
import { cloneElement, useEffect, useRef, useState, type ReactElement } from 'react';
import { flushSync } from 'react-dom';
import { queueTask } from '../common/one-per-task.ts';
import { useWidth } from './useWidth.ts';

type Sized = ReactElement<{ width?: number; height?: number }>;

export function ChartFrame({ height, children }: { height: number; children: Sized }) {
  const box = useRef<HTMLDivElement>(null);
  const width = useWidth(box);
  const [shown, setShown] = useState<Sized | null>(null);
  // The newest chart and width, and whether a draw is already queued (a burst of updates draws once).
  const latest = useRef({ children, width, height });
  const queued = useRef(false);
  const live = useRef(true);
  useEffect(() => {
    live.current = true;
    return () => {
      live.current = false;
    };
  }, []);
  useEffect(() => {
    latest.current = { children, width, height };
    if (queued.current || width <= 0) return;
    queued.current = true;
    queueTask(() => {
      queued.current = false;
      const { children: chart, width: w, height: h } = latest.current;
      // Drawn now, inside this task, rather than batched with the other charts' draws by React.
      if (live.current) flushSync(() => setShown(cloneElement(chart, { width: w, height: h })));
    });
  }, [children, width, height]);
  return (
    <div ref={box} className="chart-frame" style={{ height }}>
      {shown}
    </div>
  );
}

// The width of an element in CSS pixels, following it as the page resizes; 0 until the first
// measurement. The width is read only in the ResizeObserver's callback, which the browser runs
// right after its own layout: measuring at mount instead forced a layout of the whole page inside
// the commit that mounted a chart, a third of the longest task when a model opened.
import { useLayoutEffect, useState, type RefObject } from 'react';

export function useWidth(ref: RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(([entry]) => {
      // Rounded down: a drawing a pixel wider than its box would overflow it.
      const w = Math.floor(entry?.borderBoxSize?.[0]?.inlineSize ?? entry?.contentRect.width ?? 0);
      if (w > 0) setWidth(w);
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return width;
}

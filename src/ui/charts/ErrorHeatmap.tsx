// Mean squared error on a grid over the tensor (rows: its first dimension, downsampled; columns: the
// rest, downsampled): where the error sits. Colour is linear in the error, white at zero.
import { ChartExport } from '../export/ExportButtons.tsx';
import { scaleLinear } from 'd3-scale';
import { memo, useMemo, useState } from 'react';
import { formatValue } from '../common/format.ts';

export interface ErrorHeatmapProps {
  map: { rows: number; cols: number; mse: number[] };
  caption: string;
}

const CELL = 6;
/**
 * Colour steps. The cells of one step are one SVG path, so a grid of thousands of cells is a few
 * dozen elements (a rect per cell made every update cost a long style pass); 32 steps of one hue
 * are closer together than the eye separates.
 */
const STEPS = 32;
const NON_FINITE = '#d4d4d4';

/** One path per colour step: the cells in it as `M x y h w v h h -w z` squares. */
function cellPaths(map: ErrorHeatmapProps['map'], max: number) {
  const color = scaleLinear<string>()
    .domain([0, STEPS - 1])
    .range(['#ffffff', '#b91c1c']);
  const parts = new Map<string, string[]>();
  map.mse.forEach((v, k) => {
    const fill = Number.isFinite(v)
      ? color(Math.round((Math.max(0, v) / (max || 1)) * (STEPS - 1)))
      : NON_FINITE;
    const d = `M${(k % map.cols) * CELL} ${Math.floor(k / map.cols) * CELL}h${CELL}v${CELL}h-${CELL}z`;
    const list = parts.get(fill);
    if (list) list.push(d);
    else parts.set(fill, [d]);
  });
  return [...parts].map(([fill, d]) => ({ fill, d: d.join('') }));
}

export const ErrorHeatmap = memo(function ErrorHeatmap({ map, caption }: ErrorHeatmapProps) {
  const { max, worst, paths } = useMemo(() => {
    let max = 0;
    let worst = -1;
    map.mse.forEach((v, k) => {
      if (!Number.isFinite(v)) return;
      max = Math.max(max, v);
      if (worst < 0 || v > map.mse[worst]!) worst = k;
    });
    return { max, worst, paths: cellPaths(map, max) };
  }, [map]);
  const [hover, setHover] = useState<number | null>(null);
  const w = map.cols * CELL;
  const h = map.rows * CELL;
  const shownW = Math.min(w, 384);
  const label =
    worst >= 0
      ? `error heatmap, ${map.rows} by ${map.cols} cells; largest mean squared error ${formatValue(map.mse[worst]!)} in row band ${Math.floor(worst / map.cols) + 1}, column band ${(worst % map.cols) + 1}`
      : 'error heatmap: no finite values';
  const at = hover !== null && hover < map.mse.length ? hover : null;
  return (
    <figure
      className="heatmap"
      data-testid="error-heatmap"
      data-rows={map.rows}
      data-cols={map.cols}
    >
      <svg
        role="img"
        aria-label={label}
        viewBox={`0 0 ${w} ${h}`}
        width={shownW}
        height={(shownW / w) * h}
        preserveAspectRatio="none"
        onPointerMove={(e) => {
          const box = e.currentTarget.getBoundingClientRect();
          const c = Math.floor(((e.clientX - box.left) / box.width) * map.cols);
          const r = Math.floor(((e.clientY - box.top) / box.height) * map.rows);
          const inside = c >= 0 && c < map.cols && r >= 0 && r < map.rows;
          setHover(inside ? r * map.cols + c : null);
        }}
        onPointerLeave={() => setHover(null)}
      >
        {paths.map((p) => (
          <path key={p.fill} d={p.d} fill={p.fill} shapeRendering="crispEdges" />
        ))}
      </svg>
      <figcaption>
        {caption}: white = 0, dark red = {formatValue(max)}
        <span className="heatmap-readout" aria-live="off">
          {at !== null
            ? ` · row band ${Math.floor(at / map.cols) + 1}, column band ${(at % map.cols) + 1}: ${formatValue(map.mse[at]!)}`
            : ''}
        </span>
      </figcaption>
      <ChartExport />
    </figure>
  );
});

// Mean squared error on a grid over the tensor (rows: its first dimension, downsampled; columns: the
// rest, downsampled): where the error sits. Colour is linear in the error, white at zero.
import { ChartExport } from '../ExportButtons.tsx';
import { scaleLinear } from 'd3-scale';
import { formatValue } from '../format.ts';

export interface ErrorHeatmapProps {
  map: { rows: number; cols: number; mse: number[] };
  caption: string;
}

const CELL = 6;

export function ErrorHeatmap({ map, caption }: ErrorHeatmapProps) {
  const finite = map.mse.filter((v) => Number.isFinite(v));
  const max = finite.reduce((m, v) => Math.max(m, v), 0);
  let worst = -1;
  map.mse.forEach((v, k) => {
    if (Number.isFinite(v) && (worst < 0 || v > map.mse[worst]!)) worst = k;
  });
  const color = scaleLinear<string>()
    .domain([0, max || 1])
    .range(['#ffffff', '#b91c1c']);
  const w = map.cols * CELL;
  const h = map.rows * CELL;
  const label =
    worst >= 0
      ? `error heatmap, ${map.rows} by ${map.cols} cells; largest mean squared error ${formatValue(map.mse[worst]!)} in row band ${Math.floor(worst / map.cols) + 1}, column band ${(worst % map.cols) + 1}`
      : 'error heatmap: no finite values';
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
        width={Math.min(w, 384)}
        height={(Math.min(w, 384) / w) * h}
        preserveAspectRatio="none"
      >
        {map.mse.map((v, k) => (
          <rect
            key={k}
            x={(k % map.cols) * CELL}
            y={Math.floor(k / map.cols) * CELL}
            width={CELL}
            height={CELL}
            fill={Number.isFinite(v) ? color(v) : '#d4d4d4'}
          >
            <title>{formatValue(v)}</title>
          </rect>
        ))}
      </svg>
      <figcaption>
        {caption}: white = 0, dark red = {formatValue(max)}
      </figcaption>
      <ChartExport />
    </figure>
  );
}

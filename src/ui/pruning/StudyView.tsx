// One pruning of the open model, layer by layer: what was removed, where (the masks), how far each
// weight moved (relative error), the chosen weight's histogram before and after, what it takes to
// store and whether it runs any faster. Accuracy where the model runs in the tab.
import { useEffect, useRef, useState } from 'react';
import { WeightHistogram } from '../charts/PruningCharts.tsx';
import { useStore } from '../../state/store.ts';
import type { LayerReport } from '../../engine/types.ts';
import { formatCount, formatPercent, formatShape } from '../common/format.ts';
import { SpeedTable } from './SpeedTable.tsx';
import { StorageTable } from './StorageTable.tsx';

export function StudyView() {
  const s = useStore((st) => st.pruneLab!.study!);
  const [layer, setLayer] = useState(0);
  const l = s.layers[Math.min(layer, s.layers.length - 1)]!;
  const runs = 'pruned' in s ? s : null;
  return (
    <div
      data-testid="prune-study"
      data-sparsity={s.sparsity}
      data-relative-error={s.relativeError}
      data-accuracy={runs?.pruned.accuracy}
    >
      {runs ? (
        <p>
          {s.label}: {formatPercent(s.sparsity)} of the weights removed; accuracy{' '}
          {formatPercent(runs.fp32.accuracy)} →{' '}
          <strong>{formatPercent(runs.pruned.accuracy)}</strong> without fine-tuning (agreement{' '}
          {formatPercent(runs.pruned.agreement)}); relative weight error{' '}
          {formatPercent(s.relativeError)}.
          {runs.shrunkParams !== null && (
            <>
              {' '}
              The layers really shrink: {formatCount(s.params)} →{' '}
              <strong data-testid="shrunk-params">{formatCount(runs.shrunkParams)}</strong>{' '}
              parameters, dense.
            </>
          )}
        </p>
      ) : (
        <p>
          {s.label}: {formatPercent(s.sparsity)} of {formatCount(s.params)} weights in{' '}
          {s.layers.length} Linear and convolution weights removed; relative weight error ‖W − Ŵ‖ /
          ‖W‖ <strong>{formatPercent(s.relativeError)}</strong> (accuracy needs a model that runs in
          this tab).
          {'skipped' in s && s.skipped.length > 0 && (
            <span title={s.skipped.map((k) => `${k.name}: ${k.why}`).join('\n')}>
              {' '}
              Left out: {s.skipped.length} other weight{s.skipped.length > 1 ? 's' : ''} (
              {[...new Set(s.skipped.map((k) => k.why))].join('; ')}).
            </span>
          )}
        </p>
      )}
      <table data-testid="prune-layers">
        <thead>
          <tr>
            <th scope="col">weight</th>
            <th scope="col" className="num">
              parameters
            </th>
            <th scope="col">shape</th>
            <th scope="col" className="num">
              sparsity
            </th>
            <th scope="col" className="num">
              relative error
            </th>
            <th scope="col">mask (kept in blue)</th>
          </tr>
        </thead>
        <tbody>
          {s.layers.map((x, i) => (
            <tr
              key={x.name}
              className={i === layer ? 'selected' : undefined}
              onClick={() => setLayer(i)}
            >
              <th scope="row">
                <button type="button" className="link" onClick={() => setLayer(i)}>
                  {x.name}
                </button>
              </th>
              <td className="num">{formatCount(x.params)}</td>
              <td>{formatShape(x.shape)}</td>
              <td className="num">{formatPercent(x.sparsity)}</td>
              <td className="num" data-relative-error={x.relativeError}>
                {formatPercent(x.relativeError)}
              </td>
              <td>
                <MaskHeatmap layer={x} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <WeightHistogram
        name={l.name}
        edges={l.histogram.edges}
        before={l.histogram.before}
        after={l.histogram.after}
      />
      <StorageTable />
      <SpeedTable
        label={s.label}
        work={s.work}
        dense={s.denseWork}
        sparsity={runs?.shrunkParams != null ? 0 : s.sparsity}
        sparse24={s.work.some((w) => w.sparse24)}
      />
    </div>
  );
}

function MaskHeatmap({ layer }: { layer: LayerReport }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const { rows, cols, kept } = layer.heatmap;
  useEffect(() => {
    const c = ref.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    const img = ctx.createImageData(cols, rows);
    kept.forEach((k, i) => {
      img.data[i * 4] = Math.round(255 - 218 * k);
      img.data[i * 4 + 1] = Math.round(255 - 156 * k);
      img.data[i * 4 + 2] = Math.round(255 - 20 * k);
      img.data[i * 4 + 3] = 255;
    });
    ctx.putImageData(img, 0, 0);
  }, [rows, cols, kept]);
  return (
    <canvas
      ref={ref}
      width={cols}
      height={rows}
      className="mask-heatmap"
      role="img"
      aria-label={`${layer.name}: share of weights kept, in a ${rows} × ${cols} grid over the weight`}
    />
  );
}

// One pruning of the open model, layer by layer: what was removed, where (the masks), the chosen
// weight's histogram before and after, what it takes to store and whether it runs any faster.
import { useEffect, useRef, useState } from 'react';
import { WeightHistogram } from '../charts/PruningCharts.tsx';
import { useStore } from '../../state/store.ts';
import type { LayerReport } from '../../engine/types.ts';
import { formatCount, formatPercent } from '../common/format.ts';
import { SpeedTable } from './SpeedTable.tsx';
import { StorageTable } from './StorageTable.tsx';

export function StudyView() {
  const s = useStore((st) => st.pruneLab!.study!);
  const [layer, setLayer] = useState(0);
  const l = s.layers[Math.min(layer, s.layers.length - 1)]!;
  return (
    <div data-testid="prune-study" data-sparsity={s.sparsity} data-accuracy={s.pruned.accuracy}>
      <p>
        {s.label}: {formatPercent(s.sparsity)} of the weights removed; accuracy{' '}
        {formatPercent(s.fp32.accuracy)} → <strong>{formatPercent(s.pruned.accuracy)}</strong>{' '}
        without fine-tuning (agreement {formatPercent(s.pruned.agreement)}).
        {s.shrunkParams !== null && (
          <>
            {' '}
            The layers really shrink: {formatCount(s.params)} →{' '}
            <strong data-testid="shrunk-params">{formatCount(s.shrunkParams)}</strong> parameters,
            dense.
          </>
        )}
      </p>
      <table data-testid="prune-layers">
        <thead>
          <tr>
            <th scope="col">weight</th>
            <th scope="col" className="num">
              parameters
            </th>
            <th scope="col" className="num">
              sparsity
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
              <td className="num">{formatPercent(x.sparsity)}</td>
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
        sparsity={s.shrunkParams === null ? s.sparsity : 0}
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

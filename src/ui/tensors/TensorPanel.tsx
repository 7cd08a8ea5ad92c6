// The selected tensor: histogram controls, the chart and the statistics.
import { setBins, setLogScale } from '../../state/tensors/actions.ts';
import { BIN_CHOICES } from '../../state/tensors/slice.ts';
import { useStore } from '../../state/store.ts';
import { HistogramChart } from '../charts/HistogramChart.tsx';
import { noFiniteWhy } from '../../core/stats/stats.ts';
import { formatShape } from '../common/format.ts';
import { ComparisonPanel } from '../quant/ComparisonPanel.tsx';
import { Int8Panel } from '../quant/Int8Panel.tsx';
import { QuantPanel } from '../quant/QuantPanel.tsx';
import { StatsTable } from './StatsTable.tsx';
import { memo, useMemo } from 'react';

export function TensorPanel() {
  const selected = useStore((s) => s.selected);
  const analysis = useStore((s) => s.analysis);
  const bins = useStore((s) => s.settings.bins);
  const logScale = useStore((s) => s.settings.logScale);
  const quant = useStore((s) => s.quant);
  const model = useStore((s) => s.model);
  const q = quant && quant.tensor === selected ? quant : null;
  // Stable props, so that a new quantization result redraws the histogram only when what it marks
  // changed, and leaves the memoized panels below alone.
  const clipAt = q?.clipAt ?? null;
  const markers = useMemo(() => (clipAt !== null ? [-clipAt, clipAt] : []), [clipAt]);
  if (!selected) return null;
  const bytes = model?.tensors.find((t) => t.name === selected)?.bytes ?? 0;
  const current = analysis && analysis.tensor === selected ? analysis : null;
  return (
    <section className="tensor-panel" aria-label="Selected tensor">
      <header>
        <h2 data-testid="selected-tensor">{selected}</h2>
        {current && (
          <p>
            {current.dtype} {formatShape(current.shape)} · computed on{' '}
            <span data-testid="computed-on">{current.backend === 'webgpu' ? 'WebGPU' : 'CPU'}</span>{' '}
            in {current.ms.toFixed(0)} ms
          </p>
        )}
        <div className="controls">
          <label>
            bins{' '}
            <select
              value={bins}
              onChange={(e) => void setBins(Number(e.target.value))}
              aria-label="Histogram bins"
            >
              {BIN_CHOICES.map((b) => (
                <option key={b} value={b}>
                  {b}
                </option>
              ))}
            </select>
          </label>
          <label>
            <input
              type="checkbox"
              checked={logScale}
              onChange={(e) => setLogScale(e.target.checked)}
            />{' '}
            log count axis
          </label>
        </div>
      </header>
      {current && (
        <div className="tensor-body">
          {current.stats.finite > 0 ? (
            <HistogramChart
              counts={current.counts}
              lo={current.lo}
              hi={current.hi}
              logScale={logScale}
              markers={markers}
              levels={q?.levels ?? null}
              range={q ? q.range : null}
            />
          ) : (
            // With no finite value the bins lie on an invented [0, 1] axis: not worth drawing.
            <p className="hint" data-testid="histogram-empty">
              No histogram: {noFiniteWhy(current.stats)}, so there is no value to place on an axis.
            </p>
          )}
          {q && q.blocks > 1 && (
            <p className="hint">
              Levels and range drawn for block {q.shownBlock} of {q.blocks}: {q.shownWhy}.
            </p>
          )}
          <MemoStats stats={current.stats} />
          <MemoQuant rank={current.shape.length} bytes={bytes} />
          <MemoComparison />
          {current.shape.length >= 2 && <MemoInt8 />}
        </div>
      )}
    </section>
  );
}

// The panels under the histogram keep their own subscriptions: a new result for one of them does
// not redraw the others, nor their charts.
const MemoStats = memo(StatsTable);
const MemoQuant = memo(QuantPanel);
const MemoComparison = memo(ComparisonPanel);
const MemoInt8 = memo(Int8Panel);

// The selected tensor: histogram controls, the chart and the statistics.
import { setBins, setLogScale } from '../state/actions.ts';
import { BIN_CHOICES, useStore } from '../state/store.ts';
import { HistogramChart } from './charts/HistogramChart.tsx';
import { formatShape } from './format.ts';
import { ComparisonPanel } from './FormatTable.tsx';
import { Int8Panel } from './Int8Panel.tsx';
import { QuantPanel } from './QuantPanel.tsx';
import { StatsTable } from './StatsTable.tsx';

export function TensorPanel() {
  const selected = useStore((s) => s.selected);
  const analysis = useStore((s) => s.analysis);
  const bins = useStore((s) => s.bins);
  const logScale = useStore((s) => s.logScale);
  const quant = useStore((s) => s.quant);
  const model = useStore((s) => s.model);
  if (!selected) return null;
  const q = quant && quant.tensor === selected ? quant : null;
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
          <HistogramChart
            counts={current.counts}
            lo={current.lo}
            hi={current.hi}
            logScale={logScale}
            markers={q && q.clipAt !== null ? [-q.clipAt, q.clipAt] : []}
            levels={q?.levels ?? null}
            range={q ? q.range : null}
          />
          {q && q.blocks > 1 && (
            <p className="hint">
              Levels and range drawn for block {q.shownBlock} of {q.blocks} (the widest).
            </p>
          )}
          <StatsTable stats={current.stats} />
          <QuantPanel rank={current.shape.length} bytes={bytes} />
          <ComparisonPanel />
          {current.shape.length >= 2 && <Int8Panel />}
        </div>
      )}
    </section>
  );
}

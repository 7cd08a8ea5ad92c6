// The calibration lab: each layer's input activations on a seeded calibration set, the threshold
// every method picks drawn on their histogram, the curves behind the KL and MSE picks, the clipping /
// rounding trade-off; and PTQ variants compared on the test digits.
import { JobButton } from '../common/JobButton.tsx';
import { runPtqVariants, studyCalibration } from '../../state/calibration/actions.ts';
import { useSetting } from '../../state/settings/hooks.ts';
import { useStore } from '../../state/store.ts';
import type { LayerStudy, StudyOptions } from '../../engine/types.ts';
import {
  ActivationHistogram,
  ConvergenceChart,
  ThresholdCurve,
  TradeoffChart,
} from '../charts/CalibrationCharts.tsx';
import { pickColor } from '../charts/pick-colors.ts';
import { formatPercent, formatValue } from '../common/format.ts';
import { VariantTable } from '../accuracy/VariantTable.tsx';
import { LabelTerm } from '../common/LabelTerm.tsx';
import { Term } from '../common/Term.tsx';
import { NeedsDemo } from '../pruning/NeedsDemo.tsx';

const SIZES = [32, 128, 512, 2048];

export function CalibrationPanel() {
  const model = useStore((s) => s.model);
  const cal = useStore((s) => s.calibration);
  const ptq = useStore((s) => s.ptq);
  const [size, setSize] = useSetting('calSize');
  const [seed, setSeed] = useSetting('calSeed');
  const [momentum, setMomentum] = useSetting('calMomentum');
  const [bits] = useSetting('calBits');
  const [layer, setLayer] = useSetting('calLayer');
  const o: StudyOptions = { size, seed, momentum, bits };
  if (!model?.architecture)
    return (
      <section className="calibration" aria-label="Calibration" data-testid="calibration">
        <header>
          <h2>
            <Term k="calibration">Calibration</Term>: where to clip activations
          </h2>
        </header>
        <NeedsDemo
          testId="calibration-needs"
          what={`Calibration needs activations, so a model that runs in this tab${model ? ` (${model.file} does not)` : ''}`}
        />
      </section>
    );
  const layers = cal && cal.modelId === model.id ? cal.layers : null;
  const study = layers?.[Math.min(layer, layers.length - 1)];
  const p = ptq && ptq.modelId === model.id ? ptq.result : null;
  return (
    <section className="calibration" aria-label="Calibration" data-testid="calibration">
      <header>
        <h2>
          <Term k="calibration">Calibration</Term>: where to clip activations
        </h2>
        <p>
          Activation quantization needs a range. Each method below picks a threshold from the
          activations of a calibration set; the charts show what it trades.
        </p>
        <div className="controls">
          <label>
            calibration digits{' '}
            <select
              aria-label="Calibration set size"
              value={o.size}
              onChange={(e) => setSize(Number(e.target.value))}
            >
              {SIZES.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <label>
            seed{' '}
            <input
              type="number"
              aria-label="Calibration seed"
              min={0}
              value={o.seed}
              onChange={(e) => {
                const v = Math.trunc(Number(e.target.value));
                if (Number.isFinite(v) && v >= 0) setSeed(v);
              }}
            />
          </label>
          <label>
            EMA momentum {o.momentum.toFixed(2)}{' '}
            <input
              type="range"
              aria-label="EMA momentum"
              min={0.5}
              max={0.99}
              step={0.01}
              value={o.momentum}
              onChange={(e) => setMomentum(Number(e.target.value))}
            />
          </label>
          <JobButton onClick={() => void studyCalibration(o)}>Calibrate</JobButton>
          <JobButton onClick={() => void runPtqVariants(o)}>Compare PTQ variants</JobButton>
        </div>
      </header>
      {layers && (
        <>
          <label>
            layer{' '}
            <select
              aria-label="Calibrated layer"
              value={layer}
              onChange={(e) => setLayer(Number(e.target.value))}
            >
              {layers.map((l, i) => (
                <option key={l.layer} value={i}>
                  {l.layer}
                </option>
              ))}
            </select>
          </label>
          {study && <LayerView s={study} />}
        </>
      )}
      {p && (
        <>
          <VariantTable rows={p.rows} heading="variant" testId="ptq-table" />
          <p data-testid="ptq-worst">
            Static <Term k="w8a8">W8A8</Term> (<Term k="kl-tensorrt">KL</Term>) with one layer's
            activations quantized at a time:{' '}
            {p.perLayer.map((l) => `${l.layer} ${formatPercent(l.accuracy)}`).join(' · ')}; the
            layer that hurts most is{' '}
            <strong>{[...p.perLayer].sort((a, b) => a.accuracy - b.accuracy)[0]!.layer}</strong>.
          </p>
        </>
      )}
    </section>
  );
}

function LayerView({ s }: { s: LayerStudy }) {
  const warnings = s.picks.filter((p) => p.warning);
  return (
    <div className="layer-view" data-testid="layer-view">
      {warnings.length > 0 && (
        <p className="warning" role="status">
          {warnings[0]!.label}: {warnings[0]!.warning}
        </p>
      )}
      <table data-testid="picks">
        <tbody>
          {s.picks.map((p) => (
            <tr key={p.id} data-method={p.id} data-threshold={p.threshold}>
              <th scope="row">
                <span className="swatch" style={{ background: pickColor(p.id) }} />{' '}
                <LabelTerm label={p.label} />
              </th>
              <td className="num">{formatValue(p.threshold)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ActivationHistogram
        counts={s.histogram.counts}
        max={s.histogram.max}
        values={s.values}
        picks={s.picks}
      />
      <div className="curves">
        <ThresholdCurve
          data={s.kl}
          name="KL divergence"
          picks={s.picks.filter((p) => p.id === 'kl')}
        />
        <ThresholdCurve
          data={s.mse}
          name="MSE (histogram)"
          picks={s.picks.filter((p) => p.id === 'mse')}
        />
      </div>
      <TradeoffChart tradeoff={s.tradeoff} picks={s.picks} />
      {s.convergence.length > 1 && <ConvergenceChart convergence={s.convergence} picks={s.picks} />}
    </div>
  );
}

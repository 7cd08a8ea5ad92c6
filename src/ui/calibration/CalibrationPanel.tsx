// The calibration lab: each layer's input activations on a seeded calibration set, the threshold
// every method picks drawn on their histogram, the curves behind the KL and MSE picks, the clipping /
// rounding trade-off; and PTQ variants compared on the test digits.
import { ChartExport } from '../export/ExportButtons.tsx';
import { JobButton } from '../common/JobButton.tsx';
import { useSetting } from '../../state/settings.ts';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { ChartFrame } from '../charts/ChartFrame.tsx';
import { runPtqVariants, studyCalibration } from '../../state/actions.ts';
import { useStore, type LayerStudy, type StudyOptions } from '../../state/store.ts';
import { formatCount, formatPercent, formatTick, formatValue } from '../common/format.ts';
import { VariantTable } from '../accuracy/VariantTable.tsx';

const SIZES = [32, 128, 512, 2048];
const PICK_COLORS: Record<string, string> = {
  minmax: '#111827',
  ema: '#6b7280',
  'p99.9': '#7c3aed',
  'p99.99': '#a855f7',
  'p99.999': '#c084fc',
  mse: '#0f766e',
  kl: '#c2410c',
  'kl-ort': '#ea580c',
  'kl-mxnet': '#f59e0b',
};

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
  if (!model?.architecture) return null;
  const layers = cal && cal.modelId === model.id ? cal.layers : null;
  const study = layers?.[Math.min(layer, layers.length - 1)];
  const p = ptq && ptq.modelId === model.id ? ptq.result : null;
  return (
    <section className="calibration" aria-label="Calibration" data-testid="calibration">
      <header>
        <h2>Calibration: where to clip activations</h2>
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
            Static W8A8 (KL) with one layer's activations quantized at a time:{' '}
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
  const bars = s.histogram.counts.map((c, i) => ({ x: ((i + 0.5) * s.histogram.max) / 256, c }));
  const binOf = (t: number) => Math.min(255, Math.floor((t / (s.histogram.max || 1)) * 256));
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
                <span className="swatch" style={{ background: PICK_COLORS[p.id] ?? '#000' }} />{' '}
                {p.label}
              </th>
              <td className="num">{formatValue(p.threshold)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <figure className="chart">
        <ChartFrame height={220}>
          <BarChart
            data={bars}
            barCategoryGap={0}
            margin={{ top: 8, right: 16, bottom: 8, left: 8 }}
          >
            <XAxis dataKey="x" tickFormatter={formatTick} interval={63} />
            <YAxis scale="symlog" width={56} />
            <Tooltip isAnimationActive={false} formatter={(v) => formatValue(Number(v))} />
            <Bar dataKey="c" fill="#3b6fd8" isAnimationActive={false} />
            {s.picks.map((p) => (
              <ReferenceLine
                key={p.id}
                x={bars[binOf(p.threshold)]!.x}
                stroke={PICK_COLORS[p.id] ?? '#000'}
                strokeDasharray="4 3"
              />
            ))}
          </BarChart>
        </ChartFrame>
        <figcaption>
          |x| of {formatCount(s.values)} activations (2,048 bins drawn as 256, symmetric-log
          counts), each method&apos;s threshold marked
        </figcaption>
        <ChartExport />
      </figure>
      <div className="curves">
        <Curve data={s.kl} name="KL divergence" picks={s.picks.filter((p) => p.id === 'kl')} />
        <Curve data={s.mse} name="MSE (histogram)" picks={s.picks.filter((p) => p.id === 'mse')} />
      </div>
      <figure className="chart" data-testid="tradeoff">
        <ChartFrame height={200}>
          <LineChart
            data={s.tradeoff.map((t) => ({
              threshold: t.threshold,
              // A log axis has no zero: zero errors are left out (the line stops there).
              clip: t.clip > 0 ? t.clip : null,
              round: t.round > 0 ? t.round : null,
            }))}
            margin={{ top: 8, right: 16, bottom: 8, left: 8 }}
          >
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis
              dataKey="threshold"
              type="number"
              domain={[0, 'dataMax']}
              tickFormatter={formatTick}
            />
            <YAxis
              scale="log"
              domain={['auto', 'auto']}
              allowDataOverflow
              width={64}
              tickFormatter={formatTick}
            />
            <Tooltip isAnimationActive={false} formatter={(v) => formatValue(Number(v))} />
            <Legend />
            <Line
              dataKey="clip"
              name="clipping MSE"
              stroke="#c2410c"
              dot={false}
              isAnimationActive={false}
            />
            <Line
              dataKey="round"
              name="rounding MSE"
              stroke="#3b6fd8"
              dot={false}
              isAnimationActive={false}
            />
            {s.picks.map((p) => (
              <ReferenceLine
                key={p.id}
                x={p.threshold}
                stroke={PICK_COLORS[p.id] ?? '#000'}
                strokeDasharray="4 3"
              />
            ))}
          </LineChart>
        </ChartFrame>
        <figcaption>
          Clipping and rounding error as the threshold moves (zeros fall off the log axis)
        </figcaption>
        <ChartExport />
      </figure>
      {s.convergence.length > 1 && (
        <figure className="chart" data-testid="convergence" data-points={s.convergence.length}>
          <ChartFrame height={200}>
            <LineChart
              data={s.convergence.map((c) => ({ size: c.size, ...c.thresholds }))}
              margin={{ top: 8, right: 16, bottom: 8, left: 8 }}
            >
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis
                dataKey="size"
                scale="log"
                type="number"
                domain={['dataMin', 'dataMax']}
                ticks={s.convergence.map((c) => c.size)}
              />
              <YAxis width={56} tickFormatter={formatTick} domain={['auto', 'auto']} />
              <Tooltip isAnimationActive={false} formatter={(v) => formatValue(Number(v))} />
              {s.picks.map((p) => (
                <Line
                  key={p.id}
                  dataKey={p.id}
                  name={p.label}
                  stroke={PICK_COLORS[p.id] ?? '#000'}
                  isAnimationActive={false}
                />
              ))}
            </LineChart>
          </ChartFrame>
          <figcaption>
            Each method&apos;s threshold on the first 32, 64, … digits of the calibration sample:
            does it settle?
          </figcaption>
          <ChartExport />
        </figure>
      )}
    </div>
  );
}

function Curve({
  data,
  name,
  picks,
}: {
  data: Array<[number, number]>;
  name: string;
  picks: Array<{ id: string; threshold: number }>;
}) {
  const rows = data.map(([t, v]) => ({ t, v }));
  return (
    <figure className="chart">
      <ChartFrame height={180}>
        <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            dataKey="t"
            type="number"
            domain={['dataMin', 'dataMax']}
            tickFormatter={formatTick}
          />
          <YAxis width={64} tickFormatter={formatTick} domain={['auto', 'auto']} />
          <Tooltip isAnimationActive={false} formatter={(v) => formatValue(Number(v))} />
          <Line dataKey="v" name={name} stroke="#0f766e" dot={false} isAnimationActive={false} />
          {picks.map((p) => (
            <ReferenceLine
              key={p.id}
              x={p.threshold}
              stroke={PICK_COLORS[p.id] ?? '#000'}
              strokeDasharray="4 3"
            />
          ))}
        </LineChart>
      </ChartFrame>
      <figcaption>{name} against the threshold, the pick marked</figcaption>
      <ChartExport />
    </figure>
  );
}

// A demo model that Slimlab can run: its accuracy on the test digits, as it is and with its
// weights quantized (the tensor panel's scheme, then int8 / int4 / int2), and where it errs.
import { CsvExport } from '../export/ExportButtons.tsx';
import { JobButton } from '../common/JobButton.tsx';
import {
  compareQat,
  evaluateModel,
  factorize,
  factorizeWeights,
} from '../../state/accuracy/actions.ts';
import { useQuantSpec, useSetting } from '../../state/settings/hooks.ts';
import { useStore } from '../../state/store.ts';
import type { Evaluation, WeightRanks } from '../../engine/types.ts';
import { scaleLinear } from 'd3-scale';
import { useState } from 'react';
import { SpectrumChart } from '../charts/SpectrumChart.tsx';
import { formatCount, formatPercent } from '../common/format.ts';
import { labSplit } from '../../state/settings/slice.ts';
import { LabDigitsSelect } from './LabDigitsSelect.tsx';
import { VariantTable } from './VariantTable.tsx';
import { Term } from '../common/Term.tsx';
import { NeedsDemo } from '../pruning/NeedsDemo.tsx';

export function AccuracyPanel() {
  const model = useStore((s) => s.model);
  const result = useStore((s) => s.evaluation);
  const spec = useQuantSpec();
  const backend = useStore((s) => s.backend);
  const [digits] = useSetting('labDigits');
  if (!model?.architecture)
    return (
      <section className="accuracy" aria-label="Accuracy" data-testid="accuracy">
        <header>
          <h2>Accuracy on the test digits</h2>
        </header>
        <NeedsDemo
          testId="accuracy-needs"
          what={`Accuracy needs a model that runs in this tab on data with labels${model ? ` (${model.file} does not)` : ''}`}
        />
        {model && <WeightLowRank key={model.id} />}
      </section>
    );
  const rows = result && result.modelId === model.id ? result.results : null;
  const stale = rows && JSON.stringify(result!.spec) !== JSON.stringify(spec);
  const chosen = rows?.find((r) => r.label === 'this scheme');
  return (
    <section className="accuracy" aria-label="Accuracy" data-testid="accuracy">
      <header>
        <h2>Accuracy on the test digits</h2>
        <p>
          {model.file} is a {model.architecture} Slimlab can run: it classifies the{' '}
          {formatCount(labSplit(digits).test)} held-out MNIST digits, as it is and with its weights
          quantized (biases stay fp32).
        </p>
        <LabDigitsSelect />
        <JobButton onClick={() => void evaluateModel()}>
          {rows ? 'Evaluate again' : 'Evaluate'}
        </JobButton>
        {stale && <span className="hint"> (evaluated with another scheme)</span>}
      </header>
      {rows && (
        <>
          <VariantTable rows={rows} heading="weights" testId="accuracy-table" kl />
          <p className="hint">
            Forward passes on{' '}
            <span data-testid="accuracy-on">{rows[0]!.on === 'webgpu' ? 'WebGPU' : 'CPU'}</span>.
            {rows[0]!.on === 'cpu' && backend?.kind === 'webgpu' && (
              <>
                {' '}
                The adapter is a software one, which runs this network&apos;s convolution and
                attention kernels far slower than the CPU (npm run bench), so these layers ran on
                the CPU.
              </>
            )}
          </p>
          {chosen && <Confusion e={chosen.evaluation} />}
        </>
      )}
      <QatSection />
      <LowRankSection />
    </section>
  );
}

function Confusion({ e }: { e: Evaluation }) {
  const max = Math.max(1, ...e.confusion.flatMap((r, i) => r.filter((_, j) => j !== i)));
  const color = scaleLinear<string>().domain([0, max]).range(['#ffffff', '#b91c1c']);
  return (
    <figure className="confusion">
      <table
        data-testid="confusion"
        aria-label="Confusion matrix: rows true digit, columns predicted"
      >
        <thead>
          <tr>
            <th scope="col">{'true \\ predicted'}</th>
            {e.confusion.map((_, j) => (
              <th key={j} scope="col">
                {j}
              </th>
            ))}
            <th scope="col">accuracy</th>
          </tr>
        </thead>
        <tbody>
          {e.confusion.map((row, i) => (
            <tr key={i}>
              <th scope="row">{i}</th>
              {row.map((n, j) => (
                <td key={j} className="num" style={{ background: i === j ? '#e6f4ea' : color(n) }}>
                  {n}
                </td>
              ))}
              <td className="num">{formatPercent(e.perClass[i]!)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <figcaption>
        With this scheme: errors shaded by count (the diagonal, correct answers, in green)
      </figcaption>
    </figure>
  );
}

/** Post-training quantization against quantization-aware fine-tuning, weights and activations. */
function QatSection() {
  const model = useStore((s) => s.model);
  const qat = useStore((s) => s.qat);
  const r = qat && model && qat.modelId === model.id ? qat.result : null;
  return (
    <div className="qat" data-testid="qat">
      <h3>
        <Term k="ptq">PTQ</Term> or <Term k="qat">QAT</Term>: weights and activations at 8, 4 and 2
        bits
      </h3>
      <p className="hint">
        Weights <Term k="per-channel">per output channel</Term> (
        <Term k="symmetric">symmetric</Term>), each layer&apos;s input per tensor (
        <Term k="zero-point">zero point</Term>), ranges <Term k="calibration">calibrated</Term> by{' '}
        <Term k="minmax">MinMax</Term> on 512 training digits. QAT then fine-tunes one epoch through
        the fake quantization (straight-through gradients), here in the worker.
      </p>
      <JobButton onClick={() => void compareQat(1)}>
        {r ? 'Train again' : 'Compare PTQ with QAT'}
      </JobButton>
      {r && (
        <>
          <CsvExport name="ptq-vs-qat" />
          <table data-testid="qat-table">
            <thead>
              <tr>
                <th scope="col">bits (W and A)</th>
                <th scope="col" className="num">
                  <Term k="ptq">PTQ</Term> accuracy
                </th>
                <th scope="col" className="num">
                  <Term k="qat">QAT</Term> accuracy
                </th>
                <th scope="col" className="num">
                  PTQ / QAT <Term k="agreement">agree</Term> with fp32
                </th>
              </tr>
            </thead>
            <tbody>
              <tr data-bits="32">
                <th scope="row">fp32</th>
                {/* fp32 is the starting point of both: nothing is quantized or retrained. */}
                <td className="num">{formatPercent(r.fp32.accuracy)}</td>
                <td className="num">{formatPercent(r.fp32.accuracy)}</td>
                <td className="num">—</td>
              </tr>
              {r.rows.map((row) => (
                <tr
                  key={row.bits}
                  data-bits={row.bits}
                  data-ptq={row.ptq.accuracy}
                  data-qat={row.qat.accuracy}
                >
                  <th scope="row">
                    <Term k="w8a8">
                      W{row.bits}A{row.bits}
                    </Term>
                  </th>
                  <td className="num">{formatPercent(row.ptq.accuracy)}</td>
                  <td className="num">{formatPercent(row.qat.accuracy)}</td>
                  <td className="num">
                    {formatPercent(row.ptq.agreement)} / {formatPercent(row.qat.agreement)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}

const ENERGIES = [0.5, 0.8, 0.9, 0.95, 0.99, 0.999];

/** Low-rank factorization by SVD: the spectrum of each layer, the rank an energy keeps, the cost. */
function LowRankSection() {
  const model = useStore((s) => s.model);
  const lr = useStore((s) => s.lowRank);
  const [energy, setEnergy] = useSetting('rankEnergy');
  const [epochs, setEpochs] = useSetting('rankEpochs');
  const r = lr && model && lr.modelId === model.id ? lr.result : null;
  const before = r?.layers.reduce((a, l) => a + l.params, 0) ?? 0;
  const after = r?.layers.reduce((a, l) => a + l.factoredParams, 0) ?? 0;
  return (
    <div className="low-rank" data-testid="low-rank">
      <h3>
        Low rank: factorize each weight by <Term k="svd">SVD</Term>
      </h3>
      <p className="hint">
        Each weight W [out, in] becomes two factors [out, k] · [k, in], k the smallest rank that
        keeps the chosen share of <Term k="energy">Σσ²</Term>; its error is √(Σ of the discarded
        σ²). Parameters and multiply-adds fall in the same proportion.
      </p>
      <div className="controls">
        <label>
          keep{' '}
          <select
            aria-label="Energy kept"
            value={energy}
            onChange={(e) => setEnergy(Number(e.target.value))}
          >
            {ENERGIES.map((v) => (
              <option key={v} value={v}>
                {(v * 100).toFixed(1)}% of Σσ²
              </option>
            ))}
          </select>
        </label>
        <label>
          then fine-tune{' '}
          <select
            aria-label="Low-rank fine-tuning epochs"
            value={epochs}
            onChange={(e) => setEpochs(Number(e.target.value))}
          >
            {[0, 1, 2, 3].map((v) => (
              <option key={v} value={v}>
                {v === 0 ? 'no epochs' : `${v} epoch${v === 1 ? '' : 's'}`}
              </option>
            ))}
          </select>
        </label>
        <JobButton onClick={() => void factorize(energy, epochs)}>Factorize and evaluate</JobButton>
      </div>
      {r && (
        <>
          <CsvExport name="low-rank" />
          <LowRankTable layers={r.layers} />
          <p
            data-testid="low-rank-summary"
            data-accuracy={r.evaluation.accuracy}
            data-tuned={r.tuned?.accuracy}
          >
            Weights {formatCount(before)} → {formatCount(after)} parameters (
            {((after / before) * 100).toFixed(1)}%); accuracy {formatPercent(r.fp32.accuracy)} →{' '}
            <strong>{formatPercent(r.evaluation.accuracy)}</strong>, agreeing with fp32 on{' '}
            {formatPercent(r.evaluation.agreement)} of the digits.
            {r.tuned && (
              <>
                {' '}
                After {r.tuneEpochs} epoch{r.tuneEpochs === 1 ? '' : 's'} of fine-tuning the two
                factors of each layer: <strong>{formatPercent(r.tuned.accuracy)}</strong>.
              </>
            )}
          </p>
          <SpectrumChart layers={r.layers} />
        </>
      )}
    </div>
  );
}

/**
 * Low rank on a model that does not run: the SVD of each Linear and convolution weight, the rank
 * an energy keeps, the parameters and relative error (no accuracy: nothing to run it on).
 */
function WeightLowRank() {
  const [energy, setEnergy] = useSetting('rankEnergy');
  const [r, setR] = useState<WeightRanks | null>(null);
  const before = r?.layers.reduce((a, l) => a + l.params, 0) ?? 0;
  const after = r?.layers.reduce((a, l) => a + l.factoredParams, 0) ?? 0;
  return (
    <div className="low-rank" data-testid="weight-low-rank">
      <h3>
        Low rank of the weights by <Term k="svd">SVD</Term>
      </h3>
      <p className="hint">
        Each Linear weight W [out, in] (a convolution as [out, in·kh·kw]) becomes two factors [out,
        k] · [k, in], k the smallest rank that keeps the chosen share of <Term k="energy">Σσ²</Term>
        ; its relative error is √(Σ of the discarded σ²) / ‖W‖.
      </p>
      <div className="controls">
        <label>
          keep{' '}
          <select
            aria-label="Energy kept"
            value={energy}
            onChange={(e) => setEnergy(Number(e.target.value))}
          >
            {ENERGIES.map((v) => (
              <option key={v} value={v}>
                {(v * 100).toFixed(1)}% of Σσ²
              </option>
            ))}
          </select>
        </label>
        <JobButton onClick={() => void factorizeWeights(energy).then((x) => x && setR(x))}>
          Factorize the weights
        </JobButton>
      </div>
      {r && (
        <>
          <LowRankTable layers={r.layers} />
          <p data-testid="low-rank-summary">
            At {(r.energy * 100).toFixed(1)}% of Σσ²: weights {formatCount(before)} →{' '}
            {formatCount(after)} parameters ({((after / before) * 100).toFixed(1)}%).
            {r.skipped.length > 0 &&
              ` Left out: ${r.skipped
                .slice(0, 3)
                .map((k) => `${k.name} (${k.why})`)
                .join('; ')}${r.skipped.length > 3 ? ` and ${r.skipped.length - 3} more` : ''}.`}
          </p>
          <SpectrumChart layers={r.layers} />
        </>
      )}
    </div>
  );
}

interface LowRankLayer {
  name: string;
  rank: number;
  fullRank: number;
  params: number;
  factoredParams: number;
  relativeError: number;
}

/** Each weight's rank at the chosen energy, its parameters before and after, and its error. */
function LowRankTable({ layers }: { layers: readonly LowRankLayer[] }) {
  return (
    <table data-testid="low-rank-table">
      <thead>
        <tr>
          <th scope="col">weight</th>
          <th scope="col" className="num">
            rank
          </th>
          <th scope="col" className="num">
            parameters
          </th>
          <th scope="col" className="num">
            ‖W − W_k‖ / ‖W‖
          </th>
        </tr>
      </thead>
      <tbody>
        {layers.map((l) => (
          <tr key={l.name} data-layer={l.name} data-rank={l.rank}>
            <th scope="row">{l.name}</th>
            <td className="num">
              {l.rank} of {l.fullRank}
            </td>
            <td className="num">
              {formatCount(l.params)} → {formatCount(l.factoredParams)}
            </td>
            <td className="num">{(l.relativeError * 100).toFixed(2)}%</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

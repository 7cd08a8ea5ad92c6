// Retraining a demo model in the worker: pruning with fine-tuning (masks held fixed) and
// distillation into a small student; then every variant of this session in one table.
import { ChartExport, CsvExport } from '../export/ExportButtons.tsx';
import { JobButton } from '../common/JobButton.tsx';
import { useSetting } from '../../state/settings.ts';
import { useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartFrame } from '../charts/ChartFrame.tsx';
import { clearVariants, distillModel, pruneFineTune, pruneLabel } from '../../state/actions.ts';
import { useStore, type DistillPoint, type PruneMethod } from '../../state/store.ts';
import { formatCount, formatBytes, formatPercent, formatSeconds } from '../common/format.ts';
import { PROFILES, profileById } from '../../core/perf/hardware.ts';
import { atBatch, estimateLatency, type Mode } from '../../core/perf/latency.ts';

export function TrainingPanel() {
  const model = useStore((s) => s.model);
  if (!model?.architecture) return null;
  return (
    <section className="training" aria-label="Retraining" data-testid="training">
      <header>
        <h2>Retrain: pruning with fine-tuning, distillation</h2>
        <p className="hint">
          Training runs in the worker on the 8,000 training digits (Adam, cosine decay); pause or
          cancel it from the progress bar.
        </p>
      </header>
      <PruneSection />
      <DistillSection />
      <VariantsSection />
    </section>
  );
}

const PRUNE_CHOICES: Array<{ id: string; method: PruneMethod }> = [
  { id: 'm50', method: { kind: 'magnitude', sparsity: 0.5 } },
  { id: 'm80', method: { kind: 'magnitude', sparsity: 0.8 } },
  { id: 'm90', method: { kind: 'magnitude', sparsity: 0.9 } },
  { id: 'm95', method: { kind: 'magnitude', sparsity: 0.95 } },
  { id: 'm98', method: { kind: 'magnitude', sparsity: 0.98 } },
  { id: 'nm24', method: { kind: 'nm', n: 2, m: 4 } },
  { id: 'nm14', method: { kind: 'nm', n: 1, m: 4 } },
];

function PruneSection() {
  const model = useStore((s) => s.model)!;
  const prune = useStore((s) => s.prune);
  const [choice, setChoice] = useSetting('ftChoice');
  const [epochs, setEpochs] = useSetting('ftEpochs');
  const r = prune && prune.modelId === model.id ? prune.result : null;
  const method = PRUNE_CHOICES.find((c) => c.id === choice)!.method;
  return (
    <div className="prune" data-testid="prune">
      <h3>Prune, then fine-tune with the masks fixed</h3>
      <div className="controls">
        <label>
          method{' '}
          <select
            aria-label="Pruning method"
            value={choice}
            onChange={(e) => setChoice(e.target.value)}
          >
            {PRUNE_CHOICES.map((c) => (
              <option key={c.id} value={c.id}>
                {pruneLabel(c.method)}
              </option>
            ))}
          </select>
        </label>
        <label>
          fine-tune epochs{' '}
          <input
            type="number"
            aria-label="Fine-tuning epochs"
            min={1}
            max={10}
            value={epochs}
            onChange={(e) => setEpochs(Math.max(1, Math.min(10, Number(e.target.value) || 1)))}
          />
        </label>
        <JobButton onClick={() => void pruneFineTune(method, epochs)}>
          Prune and fine-tune
        </JobButton>
      </div>
      {r && prune && (
        <>
          <p
            data-testid="prune-summary"
            data-pruned={r.pruned.accuracy}
            data-tuned={r.tuned.accuracy}
            data-sparsity={r.sparsity}
          >
            {pruneLabel(prune.method)}: {formatPercent(r.sparsity)} of the weights removed. Accuracy{' '}
            {formatPercent(r.fp32.accuracy)} → <strong>{formatPercent(r.pruned.accuracy)}</strong>{' '}
            pruned → <strong>{formatPercent(r.tuned.accuracy)}</strong> after {r.curve.length} epoch
            {r.curve.length === 1 ? '' : 's'} of fine-tuning (trained on{' '}
            <span data-testid="prune-trained-on">
              {r.trainedOn === 'webgpu' ? 'WebGPU' : 'CPU'}
            </span>
            , evaluated on {r.on === 'webgpu' ? 'WebGPU' : 'CPU'}). Stored as non-zeros plus a
            bitmask: {formatBytes(r.bytes)}.
          </p>
          <CsvExport name="prune-fine-tune" />
          <table data-testid="prune-table">
            <thead>
              <tr>
                <th scope="col">weight</th>
                <th scope="col" className="num">
                  parameters
                </th>
                <th scope="col" className="num">
                  sparsity
                </th>
              </tr>
            </thead>
            <tbody>
              {r.layers.map((l) => (
                <tr key={l.name}>
                  <th scope="row">{l.name}</th>
                  <td className="num">{formatCount(l.params)}</td>
                  <td className="num">{formatPercent(l.sparsity)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}

const STUDENTS = ['mlp-784-32-10', 'mlp-784-64-10', 'mlp-784-128-64-10'];

function DistillSection() {
  const model = useStore((s) => s.model)!;
  const run = useStore((s) => s.distillation);
  const [student, setStudent] = useSetting('student');
  const [temperature, setTemperature] = useSetting('temperature');
  const [alpha, setAlpha] = useSetting('alpha');
  const [epochs, setEpochs] = useSetting('distillEpochs');
  const d = run && run.modelId === model.id ? run : null;
  return (
    <div className="distill" data-testid="distill">
      <h3>Distil {model.file} into a small student</h3>
      <p className="hint">
        loss = α·T²·KL(softmax(teacher/T) ‖ softmax(student/T)) + (1 − α)·CE(labels). The same
        student, from the same initialisation, also trains on the labels alone with the same budget.
        The student is an MLP: fewer multiply-adds per digit than the CNN or the ViT. On 8,000
        digits the difference is small: with a tiny student or few epochs the labels alone often do
        as well; distillation pays once the student can overfit the labels (from the CNN, the
        784-128-64-10 student after 15 epochs: 95.9% distilled against 95.05% from labels).
      </p>
      <div className="controls">
        <label>
          student{' '}
          <select aria-label="Student" value={student} onChange={(e) => setStudent(e.target.value)}>
            {STUDENTS.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          T = {temperature}{' '}
          <input
            type="range"
            aria-label="Temperature"
            min={1}
            max={20}
            step={1}
            value={temperature}
            onChange={(e) => setTemperature(Number(e.target.value))}
          />
        </label>
        <label>
          α = {alpha.toFixed(2)}{' '}
          <input
            type="range"
            aria-label="Alpha"
            min={0}
            max={1}
            step={0.05}
            value={alpha}
            onChange={(e) => setAlpha(Number(e.target.value))}
          />
        </label>
        <label>
          epochs{' '}
          <input
            type="number"
            aria-label="Distillation epochs"
            min={1}
            max={20}
            value={epochs}
            onChange={(e) => setEpochs(Math.max(1, Math.min(20, Number(e.target.value) || 1)))}
          />
        </label>
        <JobButton onClick={() => void distillModel({ student, temperature, alpha, epochs })}>
          Distil
        </JobButton>
      </div>
      {d && <DistillCharts points={d.points} epochs={d.request.epochs} />}
      {d?.result && (
        <p
          data-testid="distill-summary"
          data-distilled={d.result.distilled.accuracy}
          data-labels={d.result.labelsOnly.accuracy}
        >
          Teacher {formatPercent(d.result.teacher.accuracy)} ({formatCount(d.result.teacherParams)}{' '}
          parameters, {formatCount(d.result.teacherMacs)} multiply-adds per digit); student (
          {formatCount(d.result.studentParams)} parameters, {formatCount(d.result.studentMacs)}{' '}
          multiply-adds, {formatBytes(d.result.studentBytes)}) distilled{' '}
          <strong>{formatPercent(d.result.distilled.accuracy)}</strong>, from labels alone{' '}
          <strong>{formatPercent(d.result.labelsOnly.accuracy)}</strong>; agreement with the teacher{' '}
          {formatPercent(d.result.distilled.agreement)} vs{' '}
          {formatPercent(d.result.labelsOnly.agreement)}.
        </p>
      )}
    </div>
  );
}

function DistillCharts({ points, epochs }: { points: DistillPoint[]; epochs: number }) {
  const rows = Array.from({ length: epochs }, (_, e) => {
    const dp = points.find((p) => p.run === 'distilled' && p.epoch === e);
    const lp = points.find((p) => p.run === 'labels' && p.epoch === e);
    return {
      epoch: e + 1,
      soft: dp?.soft,
      hard: dp?.hard,
      labelsHard: lp?.hard,
      distilled: dp && dp.accuracy * 100,
      labels: lp && lp.accuracy * 100,
    };
  });
  return (
    <div className="chart-pair" data-testid="distill-charts" data-points={points.length}>
      <figure className="chart">
        <ChartFrame height={200}>
          <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis
              dataKey="epoch"
              label={{ value: 'epoch', position: 'insideBottom', offset: -4 }}
            />
            <YAxis width={56} />
            <Tooltip />
            <Legend />
            <Line
              dataKey="soft"
              name="soft term KL (distilled)"
              stroke="#7c3aed"
              isAnimationActive={false}
            />
            <Line
              dataKey="hard"
              name="hard term CE (distilled)"
              stroke="#2563eb"
              isAnimationActive={false}
            />
            <Line
              dataKey="labelsHard"
              name="CE (labels only)"
              stroke="#9ca3af"
              strokeDasharray="4 3"
              isAnimationActive={false}
            />
          </LineChart>
        </ChartFrame>
        <figcaption>Training loss terms, mean per epoch</figcaption>
        <ChartExport />
      </figure>
      <figure className="chart">
        <ChartFrame height={200}>
          <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis
              dataKey="epoch"
              label={{ value: 'epoch', position: 'insideBottom', offset: -4 }}
            />
            <YAxis
              width={64}
              domain={['auto', 'auto']}
              tickFormatter={(v: number) => `${v.toFixed(1)}%`}
            />
            <Tooltip formatter={(v) => `${Number(v).toFixed(2)}%`} />
            <Legend />
            <Line dataKey="distilled" name="distilled" stroke="#7c3aed" isAnimationActive={false} />
            <Line
              dataKey="labels"
              name="labels only"
              stroke="#9ca3af"
              strokeDasharray="4 3"
              isAnimationActive={false}
            />
          </LineChart>
        </ChartFrame>
        <figcaption>Test accuracy of the student after each epoch</figcaption>
        <ChartExport />
      </figure>
    </div>
  );
}

function VariantsSection() {
  const rows = useStore((s) => s.variants);
  const [profileId, setProfileId] = useSetting('varProfile');
  const [modeSetting, setMode] = useSetting('varMode');
  const [batch, setBatch] = useSetting('varBatch');
  const mode = modeSetting as Mode;
  const profile = profileById(profileId)!;
  const estimates = useMemo(
    () => rows.map((r) => estimateLatency(atBatch(r.work, batch), profile, mode)),
    [rows, profile, mode, batch],
  );
  if (!rows.length) return null;
  const notes = [...new Set(estimates.flatMap((e) => e.notes))];
  return (
    <div className="variants" data-testid="variants">
      <h3>Every variant so far</h3>
      <p className="hint">
        Each result of this session: the quantized weights of the accuracy panel, PTQ and QAT, low
        rank, pruning and distillation. Size is what the weights would take to store; agreement and
        KL are against the uncompressed model (the teacher, for distillation). Latency is the
        roofline estimate for the chosen hardware: per layer the longer of arithmetic and memory
        traffic, plus a fixed cost per kernel.
      </p>
      <div className="controls">
        <label>
          hardware{' '}
          <select
            aria-label="Hardware profile"
            value={profileId}
            onChange={(e) => setProfileId(e.target.value)}
          >
            {PROFILES.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          run{' '}
          <select aria-label="Execution" value={mode} onChange={(e) => setMode(e.target.value)}>
            <option value="native">natively (TensorRT-class)</option>
            <option value="webgpu">in the browser (WebGPU)</option>
          </select>
        </label>
        <label>
          batch{' '}
          <select
            aria-label="Batch size"
            value={batch}
            onChange={(e) => setBatch(Number(e.target.value))}
          >
            {[1, 8, 64, 1024].map((b) => (
              <option key={b} value={b}>
                {b}
              </option>
            ))}
          </select>
        </label>
      </div>
      <CsvExport name="variants" />
      <table data-testid="variants-table">
        <thead>
          <tr>
            <th scope="col">model</th>
            <th scope="col">technique</th>
            <th scope="col">variant</th>
            <th scope="col" className="num">
              size
            </th>
            <th scope="col" className="num">
              accuracy
            </th>
            <th scope="col" className="num">
              agreement
            </th>
            <th scope="col" className="num">
              KL
            </th>
            <th scope="col" className="num">
              est. latency
            </th>
            <th scope="col">bound by</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => {
            const e = estimates[i]!;
            const counts = { compute: 0, memory: 0, overhead: 0 };
            for (const l of e.layers) counts[l.bound]++;
            return (
              <tr key={r.key} data-technique={r.technique} data-latency={e.seconds}>
                <td>{r.model}</td>
                <td>{r.technique}</td>
                <td>{r.label}</td>
                <td className="num">{formatBytes(r.bytes)}</td>
                <td className="num">{formatPercent(r.accuracy)}</td>
                <td className="num">{r.agreement === null ? '—' : formatPercent(r.agreement)}</td>
                <td className="num">{r.kl === null ? '—' : r.kl.toPrecision(2)}</td>
                <td className="num">{formatSeconds(e.seconds)}</td>
                <td>
                  {Object.entries(counts)
                    .filter(([, n]) => n > 0)
                    .map(([k, n]) => `${k} ${n}`)
                    .join(', ')}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {notes.length > 0 && (
        <ul className="latency-notes" data-testid="latency-notes">
          {notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      <button type="button" onClick={clearVariants}>
        Clear the table
      </button>
    </div>
  );
}

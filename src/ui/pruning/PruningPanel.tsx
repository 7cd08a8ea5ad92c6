// The pruning lab: prune the open model by a method, see the masks, the weights before and after,
// what the sparse tensors take to store, whether it will be any faster on real hardware (the
// latency model); on a demo that runs, accuracy against sparsity for every method and gradual
// pruning; on any other model, the relative weight error in place of accuracy.
import { JobButton } from '../common/JobButton.tsx';
import { studyPruning, sweepPruning } from '../../state/pruning/actions.ts';
import { FIELDS } from '../../presets/fields.ts';
import { useSetting } from '../../state/settings/hooks.ts';
import { useStore } from '../../state/store.ts';
import { SweepChart } from '../charts/PruningCharts.tsx';
import { formatPercent } from '../common/format.ts';
import { GradualSection } from './GradualSection.tsx';
import { METHODS } from './methods.ts';
import { StudyView } from './StudyView.tsx';
import { Term } from '../common/Term.tsx';
import { glossTitle } from '../common/glossary.ts';
import { NeedsDemo } from './NeedsDemo.tsx';

export function PruningPanel() {
  const model = useStore((s) => s.model);
  const lab = useStore((s) => s.pruneLab);
  const [methodId, setMethodId] = useSetting('pruneMethod');
  const [sparsity, setSparsity] = useSetting('pruneSparsity');
  const [fineTune, setFineTune] = useSetting('pruneFineTune');
  const [points, setPoints] = useSetting('pruneSweepPoints');
  const mine = model && lab && lab.modelId === model.id ? lab : null;
  const method = METHODS.find((m) => m.id === methodId)!;
  const fixed = methodId.startsWith('nm');
  return (
    <section className="pruning" aria-label="Pruning lab" data-testid="pruning-lab">
      <header>
        <h2>Pruning lab</h2>
        <p className="hint">
          Remove weights by <Term k="magnitude">magnitude</Term> (per layer or with one threshold
          for the whole model), in <Term k="n-m">N:M</Term> groups along each row, or whole channels
          by <Term k="l1-channels">L1 norm</Term>; then see what is left, what it takes to store,
          and whether any hardware would run it faster.
        </p>
      </header>
      {!model && (
        <p className="hint" data-testid="pruning-needs">
          Open a model (drop a file, or pick a demo) to prune its Linear and convolution weights.
        </p>
      )}
      {model && !model.architecture && (
        <p className="hint">
          {model.file} does not run in this tab: the lab prunes its Linear (2-D) and convolution
          (4-D) weights, N:M along the input axis, and measures each weight&apos;s relative error ‖W
          − Ŵ‖ / ‖W‖ in place of accuracy.
        </p>
      )}
      {model && (
        <div className="controls">
          <label>
            method{' '}
            <select
              aria-label="Pruning lab method"
              value={methodId}
              onChange={(e) => setMethodId(e.target.value)}
            >
              {METHODS.map((m) => (
                <option key={m.id} value={m.id} title={glossTitle(m.gloss)}>
                  {m.label}
                </option>
              ))}
            </select>
          </label>
          {!fixed && (
            <label>
              <Term k="sparsity">sparsity</Term> {formatPercent(sparsity)}{' '}
              <input
                type="range"
                aria-label="Sparsity"
                min={0.1}
                max={0.99}
                step={0.01}
                value={sparsity}
                onChange={(e) => setSparsity(Number(e.target.value))}
              />
            </label>
          )}
          <JobButton onClick={() => void studyPruning(method.make(sparsity))}>Prune</JobButton>
        </div>
      )}
      {mine?.study && <StudyView />}
      {model && !model.architecture && (
        <NeedsDemo
          testId="pruning-sweep-needs"
          what="Accuracy against sparsity, fine-tuning and gradual pruning need a model that runs in this tab"
        />
      )}
      {model?.architecture && (
        <>
          <h3>Accuracy against sparsity</h3>
          <div className="controls">
            <label>
              <input
                type="checkbox"
                checked={fineTune}
                onChange={(e) => setFineTune(e.target.checked)}
              />{' '}
              fine-tune one epoch at each point (masks fixed)
            </label>
            <label>
              at{' '}
              <select
                aria-label="Sweep sparsities"
                value={points}
                onChange={(e) => setPoints(Number(e.target.value))}
              >
                {(FIELDS.pruneSweepPoints.choices ?? []).map((v) => (
                  <option key={v} value={v}>
                    {v} sparsities
                  </option>
                ))}
              </select>
            </label>
            <JobButton onClick={() => void sweepPruning(fineTune, points)}>
              Sweep every method
            </JobButton>
          </div>
          {mine?.sweep && <SweepChart sweep={mine.sweep} />}
          <GradualSection gradual={mine?.gradual} />
        </>
      )}
    </section>
  );
}

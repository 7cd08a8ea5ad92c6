// The pruning lab: prune the open demo model by a method, see the masks, the weights before and
// after, what the sparse tensors take to store, whether it will be any faster on real hardware
// (the latency model), accuracy against sparsity for every method, and gradual pruning.
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

export function PruningPanel() {
  const model = useStore((s) => s.model);
  const lab = useStore((s) => s.pruneLab);
  const [methodId, setMethodId] = useSetting('pruneMethod');
  const [sparsity, setSparsity] = useSetting('pruneSparsity');
  const [fineTune, setFineTune] = useSetting('pruneFineTune');
  const [points, setPoints] = useSetting('pruneSweepPoints');
  if (!model?.architecture) return null;
  const mine = lab && lab.modelId === model.id ? lab : null;
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
      {mine?.study && <StudyView />}
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
    </section>
  );
}

// Retraining a demo model in the worker: pruning with fine-tuning (masks held fixed) and
// distillation into a small student; then every variant of this session in one table.
import { useSetting } from '../../state/settings/hooks.ts';
import { labSplit } from '../../state/settings/slice.ts';
import { useStore } from '../../state/store.ts';
import { formatCount } from '../common/format.ts';
import { DistillSection } from './DistillSection.tsx';
import { PruneFineTuneSection } from './PruneFineTuneSection.tsx';
import { VariantsSection } from './VariantsSection.tsx';
import { NeedsDemo } from '../pruning/NeedsDemo.tsx';

export function TrainingPanel() {
  const model = useStore((s) => s.model);
  const [digits] = useSetting('labDigits');
  if (!model?.architecture)
    return (
      <section className="training" aria-label="Retraining" data-testid="training">
        <header>
          <h2>Retrain: pruning with fine-tuning, distillation</h2>
        </header>
        <NeedsDemo
          testId="training-needs"
          what={`Training needs a model that runs in this tab with its training data${model ? ` (${model.file} does not)` : ''}`}
        />
      </section>
    );
  return (
    <section className="training" aria-label="Retraining" data-testid="training">
      <header>
        <h2>Retrain: pruning with fine-tuning, distillation</h2>
        <p className="hint">
          Training runs in the worker on the {formatCount(labSplit(digits).train)} training digits
          (Adam, cosine decay); pause or cancel it from the progress bar.
        </p>
      </header>
      <PruneFineTuneSection />
      <DistillSection />
      <VariantsSection />
    </section>
  );
}

// Retraining a demo model in the worker: pruning with fine-tuning (masks held fixed) and
// distillation into a small student; then every variant of this session in one table.
import { useStore } from '../../state/store.ts';
import { DistillSection } from './DistillSection.tsx';
import { PruneFineTuneSection } from './PruneFineTuneSection.tsx';
import { VariantsSection } from './VariantsSection.tsx';

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
      <PruneFineTuneSection />
      <DistillSection />
      <VariantsSection />
    </section>
  );
}

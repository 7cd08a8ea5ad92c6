// The open models, one tab each: switch between them, or close one.
import { closeModel, showModel } from '../../state/tensors/actions.ts';
import { useStore } from '../../state/store.ts';

export function ModelTabs() {
  const models = useStore((s) => s.models);
  const active = useStore((s) => s.model?.id);
  if (models.length < 2) return null;
  return (
    <nav className="model-tabs" aria-label="Open models" data-testid="model-tabs">
      {models.map((m) => (
        <span key={m.id} className={m.id === active ? 'tab active' : 'tab'}>
          <button type="button" aria-pressed={m.id === active} onClick={() => void showModel(m.id)}>
            {m.file.replace(/^.*[\\/]/, '')}
          </button>
          <button
            type="button"
            className="close"
            aria-label={`Close ${m.file}`}
            onClick={() => void closeModel(m.id)}
          >
            ×
          </button>
        </span>
      ))}
    </nav>
  );
}

// The open file's metadata (safetensors __metadata__, GGUF key-values, .npy header), folded away.
import { useStore } from '../../state/store.ts';

export function ModelMetadata() {
  const metadata = useStore((s) => s.model?.metadata);
  const entries = Object.entries(metadata ?? {});
  if (entries.length === 0) return null;
  return (
    <details className="metadata" data-testid="metadata">
      <summary>metadata ({entries.length})</summary>
      <dl>
        {entries.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd title={v}>{v.length > 200 ? `${v.slice(0, 200)}…` : v}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

// Opening weights: a file picker (keyboard accessible) and the built-in demo models.
import { useRef } from 'react';
import { openDemo, openFiles } from '../../state/tensors/actions.ts';
import { useStore } from '../../state/store.ts';

export interface DemoChoice {
  id: string;
  name: string;
  url: string;
  about: string;
}

export function OpenControls({ demos, accept }: { demos: readonly DemoChoice[]; accept: string }) {
  const input = useRef<HTMLInputElement>(null);
  const opening = useStore((s) => s.opening);
  return (
    <div className="open-controls">
      <button type="button" onClick={() => input.current?.click()} disabled={opening}>
        Open weights…
      </button>
      <input
        ref={input}
        type="file"
        multiple
        accept={accept}
        hidden
        data-testid="file-input"
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = '';
          void openFiles(files);
        }}
      />
      {demos.map((d) => (
        <button
          key={d.id}
          type="button"
          title={d.about}
          onClick={() => void openDemo(d.url, d.name)}
          disabled={opening}
        >
          Demo: {d.name}
        </button>
      ))}
      <span className="hint">
        or drop .safetensors (with shards), .npy, .npz, .gguf or .onnx files anywhere — they never
        leave this tab
      </span>
    </div>
  );
}

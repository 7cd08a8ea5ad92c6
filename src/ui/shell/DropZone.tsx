// The whole page accepts dropped files; an overlay shows while something is dragged over it.
import { useState, type ReactNode } from 'react';
import { openFiles } from '../../state/tensors/actions.ts';

export function DropZone({ children }: { children: ReactNode }) {
  const [over, setOver] = useState(0);
  return (
    <div
      className="dropzone"
      data-testid="dropzone"
      onDragEnter={(e) => {
        e.preventDefault();
        setOver((n) => n + 1);
      }}
      onDragLeave={() => setOver((n) => Math.max(0, n - 1))}
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => {
        e.preventDefault();
        setOver(0);
        void openFiles([...e.dataTransfer.files]);
      }}
    >
      {children}
      {over > 0 && <div className="drop-overlay">Drop weights to open them</div>}
    </div>
  );
}

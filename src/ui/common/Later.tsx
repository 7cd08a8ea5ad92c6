// A panel whose code loads on demand and which mounts in a task of its own rather than with
// everything else. Opening a model mounts a dozen panels at once; rendered, styled and laid out
// together they held the main thread for 50–100 ms on a two-core machine. Each panel here appears
// a few milliseconds after the one before it, and the page answers in between.
import { useEffect, useState, type ReactNode } from 'react';
import { flushSync } from 'react-dom';
import { queueTask } from './one-per-task.ts';

type Loaded<T> = { module: T } | { error: unknown };

export function Later<T>({
  load,
  render,
}: {
  load: () => Promise<T>;
  render: (m: T) => ReactNode;
}) {
  const [loaded, setLoaded] = useState<Loaded<T> | null>(null);
  useEffect(() => {
    let live = true;
    const show = (l: Loaded<T>) =>
      queueTask(() => {
        if (live) flushSync(() => setLoaded(l));
      });
    // Even asking for the code (a dynamic import, with its preload links) waits for a task of its own.
    queueTask(() => {
      if (!live) return;
      load().then(
        (module) => show({ module }),
        (error: unknown) => show({ error }),
      );
    });
    return () => {
      live = false;
    };
    // `load` is a module-level function: it does not change between renders.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  if (loaded === null) return null;
  // A chunk that failed to load (offline after an update, say) goes to the error boundary.
  if ('error' in loaded) throw loaded.error;
  return render(loaded.module);
}

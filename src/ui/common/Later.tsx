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
  const [attempt, setAttempt] = useState(0);
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
  }, [attempt]);
  if (loaded === null) return null;
  // A chunk that failed to load: the network is off, or a newer build replaced the one this page
  // came from (its chunks have new names). Say so, and offer to try again; nothing open is lost.
  if ('error' in loaded) {
    return (
      <p className="hint" role="alert" data-testid="chunk-failed">
        This part of the app could not be loaded (
        {String((loaded.error as Error)?.message ?? loaded.error)}
        ). The network may be off, or a newer version of Slimlab was published since this page
        opened: reloading the page gets it (files you opened would need opening again).{' '}
        <button
          type="button"
          onClick={() => {
            setLoaded(null);
            setAttempt((a) => a + 1);
          }}
        >
          Try again
        </button>
      </p>
    );
  }
  return render(loaded.module);
}

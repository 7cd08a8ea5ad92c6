// Work that would make one long task on the main thread, split into pieces with a frame between
// them: each piece runs in a task of its own, after every piece queued before it and after the
// page has drawn what the previous piece changed. Several pieces run between two frames would
// still pile their style and layout work into one long frame. Used to mount panels one at a time
// and to draw recharts charts.
import { afterNextFrame } from '../../state/frames.ts';

const queue: Array<() => void> = [];
let draining = false;

function drainOne(): void {
  try {
    queue.shift()?.();
  } finally {
    // A piece that throws does not stop the ones after it.
    if (queue.length > 0) afterNextFrame(drainOne);
    else draining = false;
  }
}

/** Runs `piece` in a task of its own, after every piece queued before it. */
export function queueTask(piece: () => void): void {
  queue.push(piece);
  if (!draining) {
    draining = true;
    setTimeout(drainOne, 0);
  }
}

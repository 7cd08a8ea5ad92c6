// Work that would make one long task on the main thread, split into pieces with a frame between
// them: each piece runs in a task of its own, after every piece queued before it and after the
// page has drawn what the previous piece changed. Several pieces run between two frames would
// still pile their style and layout work into one long frame. Used to mount panels one at a time
// and to draw recharts charts.
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

/** Calls `f` in a task after the next frame, or after 100 ms where no frames come (hidden page). */
function afterNextFrame(f: () => void): void {
  let done = false;
  const go = () => {
    if (done) return;
    done = true;
    // A timer set in an animation-frame callback fires after that frame is drawn.
    setTimeout(f, 0);
  };
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(go);
  setTimeout(go, 100);
}

/** Runs `piece` in a task of its own, after every piece queued before it. */
export function queueTask(piece: () => void): void {
  queue.push(piece);
  if (!draining) {
    draining = true;
    setTimeout(drainOne, 0);
  }
}

// Waiting for the page to draw: for work that should start only once the last change is on screen.

/**
 * Calls `f` in a task after the next frame is drawn; after 100 ms at most, since a hidden page
 * draws none; and in the next task where there are no frames at all (Node).
 */
export function afterNextFrame(f: () => void): void {
  if (typeof requestAnimationFrame !== 'function') {
    setTimeout(f, 0);
    return;
  }
  let done = false;
  const go = () => {
    if (done) return;
    done = true;
    // A timer set in an animation-frame callback fires after that frame is drawn.
    setTimeout(f, 0);
  };
  requestAnimationFrame(go);
  setTimeout(go, 100);
}

/** A promise of afterNextFrame. */
export function afterPaint(): Promise<void> {
  return new Promise((resolve) => afterNextFrame(resolve));
}

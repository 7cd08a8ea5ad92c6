// The job bar's estimate of the time left, from the progress rate since the job started or resumed.

/** Where the rate is measured from: when the job started or was last resumed. */
export interface Mark {
  t: number;
  p: number;
}

/** The estimate is shown only after this long and this much progress: before, it is noise. */
const MIN_MS = 1500;
const MIN_PROGRESS = 0.02;

/** Seconds left as a person reads them: "about 40 s left", "about 3 min left". */
export function timeLeftText(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '';
  if (seconds < 1) return 'less than a second left';
  if (seconds < 90) return `about ${Math.round(seconds)} s left`;
  if (seconds < 5400) return `about ${Math.round(seconds / 60)} min left`;
  return `about ${(seconds / 3600).toFixed(1)} h left`;
}

/**
 * Seconds left at the rate seen since `mark`, or null while too little time or progress has passed
 * for the rate to mean anything.
 */
export function secondsLeft(mark: Mark, now: number, progress: number): number | null {
  const dt = now - mark.t;
  const dp = progress - mark.p;
  if (dt < MIN_MS || dp < MIN_PROGRESS) return null;
  return ((1 - progress) * dt) / dp / 1000;
}

// Progress of the running job, with a cancel button (Escape cancels too) and, for training, pause.
import { useEffect } from 'react';
import { cancelJob, togglePause } from '../../state/jobs/actions.ts';
import { useStore } from '../../state/store.ts';

export function ProgressBar() {
  const job = useStore((s) => s.job);
  useEffect(() => {
    if (!job) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') cancelJob();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [job]);
  if (!job) return null;
  return (
    <div className="progress" data-testid="progress">
      <label>
        {job.label}
        <progress max={1} value={job.progress} />
        {job.paused && <span className="paused"> paused</span>}
      </label>
      {job.pausable && (
        <button type="button" onClick={togglePause} aria-pressed={job.paused}>
          {job.paused ? 'Resume' : 'Pause'}
        </button>
      )}
      <button type="button" onClick={cancelJob}>
        Cancel
      </button>
    </div>
  );
}

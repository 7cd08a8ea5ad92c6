// The running job, kept in view at any scroll position: its name, progress, the time left (once
// the progress rate says something), Cancel (Escape too, while focus is in the bar: a dialog keeps
// its own Escape), Pause for training, and "show", which brings back the lab and scrolls to the
// panel that started it.
import { useEffect, useState, type KeyboardEvent } from 'react';
import { LABS, type LabId } from '../../presets/fields.ts';
import { cancelJob, togglePause } from '../../state/jobs/actions.ts';
import { setSetting } from '../../state/settings/actions.ts';
import { useStore } from '../../state/store.ts';
import { secondsLeft, timeLeftText } from './time-left.ts';

/** The panel a control belongs to: the labelled section around it, in the page's main part. */
function panelOf(el: Element | null): HTMLElement | null {
  if (!el || !el.closest('main')) return null;
  return el.closest<HTMLElement>('section[aria-label]') ?? el.closest<HTMLElement>('section');
}

/** Where a job was started: its panel, and the lab and panel name to find it again once unmounted. */
interface Origin {
  panel: HTMLElement;
  lab: LabId | null;
  label: string | null;
}

function originOf(el: Element | null): Origin | null {
  const panel = panelOf(el);
  if (!panel) return null;
  const lab = panel.closest<HTMLElement>('[data-lab]')?.dataset.lab ?? null;
  return {
    panel,
    lab: LABS.find((l) => l === lab) ?? null,
    label: panel.getAttribute('aria-label'),
  };
}

/** The panel again: the same element if it is still shown, else the one of that name in its lab. */
function findPanel(o: Origin): HTMLElement | null {
  if (o.panel.isConnected) return o.panel;
  if (!o.label) return null;
  return document.querySelector<HTMLElement>(`main section[aria-label="${CSS.escape(o.label)}"]`);
}

function reveal(panel: HTMLElement): void {
  panel.scrollIntoView({ block: 'start', behavior: 'smooth' });
  // Focus follows, so the keyboard goes on from the panel shown.
  if (!panel.hasAttribute('tabindex')) panel.setAttribute('tabindex', '-1');
  panel.focus({ preventScroll: true });
}

/** Shows the lab a job came from (the person may have moved to another), then its panel. */
function show(o: Origin): void {
  if (o.lab && useStore.getState().settings.lab !== o.lab) setSetting('lab', o.lab);
  // A lab's panels load after it is chosen: look for the panel for a few frames.
  let tries = 120;
  const look = () => {
    const panel = findPanel(o);
    if (panel) reveal(panel);
    else if (--tries > 0) requestAnimationFrame(look);
  };
  look();
}

/** The control last clicked, pressed or focused: the job that starts next was started from its panel. */
let lastControl: Element | null = null;
const remember = (e: Event) => {
  if (e.target instanceof Element) lastControl = e.target;
};

export function ProgressBar() {
  const job = useStore((s) => s.job);
  const [origin, setOrigin] = useState<Origin | null>(null);
  const [left, setLeft] = useState<number | null>(null);
  const id = job?.id;
  const paused = job?.paused ?? false;

  useEffect(() => {
    document.addEventListener('pointerdown', remember, true);
    document.addEventListener('focusin', remember, true);
    return () => {
      document.removeEventListener('pointerdown', remember, true);
      document.removeEventListener('focusin', remember, true);
    };
  }, []);

  useEffect(() => {
    if (id === undefined) return;
    // Read once the job is on screen: the control that started it was the last one used.
    const t = setTimeout(() => setOrigin(originOf(lastControl)), 0);
    return () => clearTimeout(t);
  }, [id]);

  useEffect(() => {
    if (id === undefined) return;
    // The rate is measured from when the job started or was last resumed.
    const mark = { t: performance.now(), p: useStore.getState().job?.progress ?? 0 };
    const timer = setInterval(() => {
      const now = useStore.getState().job;
      setLeft(now && !now.paused ? secondsLeft(mark, performance.now(), now.progress) : null);
    }, 500);
    return () => {
      clearInterval(timer);
      setLeft(null);
    };
  }, [id, paused]);

  if (!job) return null;
  const panelName = origin?.label ?? 'panel';

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      cancelJob();
    }
  };
  return (
    <div
      className="progress job-bar"
      data-testid="progress"
      role="region"
      aria-label="Job in progress"
      onKeyDown={onKeyDown}
    >
      <label>
        <span className="job-name">{job.label}</span>
        <progress max={1} value={job.progress} />
        <span className="job-percent">{Math.round(job.progress * 100)}%</span>
      </label>
      {paused && <span className="paused"> paused</span>}
      {left !== null && !paused && (
        <span className="job-left" data-testid="time-left">
          {timeLeftText(left)}
        </span>
      )}
      {origin && (origin.panel.isConnected || origin.lab) && (
        <button
          type="button"
          className="link"
          title={`Show the ${panelName} panel`}
          onClick={() => show(origin)}
        >
          show
        </button>
      )}
      {job.pausable && (
        <button type="button" onClick={togglePause} aria-pressed={paused}>
          {paused ? 'Resume' : 'Pause'}
        </button>
      )}
      <button type="button" onClick={cancelJob} aria-keyshortcuts="Escape" title="Cancel (Escape)">
        Cancel
      </button>
    </div>
  );
}

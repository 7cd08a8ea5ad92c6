// Teaching mode: the open lesson's card (its steps, one at a time, each applying the settings it
// names, and Leave lesson), and the lesson picker. A lesson opens beside the session: the open
// models stay, and leaving it gives back the model and settings that were there before.
import { useState, type ReactNode } from 'react';
import { Confirm } from '../shell/Confirm.tsx';
import { JobButton } from '../common/JobButton.tsx';
import { LESSONS, lessonById } from '../../presets/lessons.ts';
import {
  jobWorthAsking,
  leaveLesson,
  startLesson,
  type DemoRef,
} from '../../state/settings/session.ts';
import { applySettings } from '../../state/settings/url.ts';
import { useStore } from '../../state/store.ts';

/**
 * Starting or leaving a lesson redoes the analysis shown, which stops the job running: `ask` runs
 * `go` at once unless a job has been running a while, and then asks first (the dialog: `confirm`).
 */
function useAskIfBusy(): { ask: (go: () => void, what: string) => void; confirm: ReactNode } {
  const [pending, setPending] = useState<{ go: () => void; what: string; job: string } | null>(
    null,
  );
  const ask = (go: () => void, what: string) => {
    const job = jobWorthAsking();
    if (job) setPending({ go, what, job });
    else go();
  };
  const confirm = (
    <Confirm
      open={pending !== null}
      title="Stop the job running?"
      yes="Stop it and go on"
      no="Keep it running"
      onNo={() => setPending(null)}
      onYes={() => {
        pending?.go();
        setPending(null);
      }}
    >
      <p>
        {pending?.job} is still running. {pending?.what} starts its own analysis, which stops that
        job and loses what it has done so far. Your open models, settings and results stay.
      </p>
    </Confirm>
  );
  return { ask, confirm };
}

export function LessonPicker({ demos }: { demos: readonly DemoRef[] }) {
  const lesson = useStore((s) => s.teaching.lesson);
  const { ask, confirm } = useAskIfBusy();
  return (
    <>
      <label className="lesson-picker">
        lesson{' '}
        <select
          aria-label="Lesson"
          value={lesson ?? ''}
          onChange={(e) => {
            const id = e.target.value;
            // Nothing is wiped: a lesson opens beside the session, and free play gives it back.
            if (id) ask(() => void startLesson(id, demos), 'The lesson');
            else ask(() => void leaveLesson(), 'Leaving the lesson');
          }}
        >
          <option value="">none (free play)</option>
          {LESSONS.map((l) => (
            <option key={l.id} value={l.id}>
              {l.title}
            </option>
          ))}
        </select>
      </label>
      {confirm}
    </>
  );
}

export function LessonCard() {
  const id = useStore((s) => s.teaching.lesson);
  // A card per lesson: another lesson starts at its first step.
  return id ? <LessonSteps key={id} id={id} /> : null;
}

function LessonSteps({ id }: { id: string }) {
  const lesson = lessonById(id);
  const back = useStore((s) => s.lessonReturn !== null);
  const [step, setStep] = useState(0);
  const { ask, confirm } = useAskIfBusy();
  if (!lesson) return null;
  const at = Math.min(step, lesson.steps.length - 1);
  const go = async (to: number) => {
    // Settings accumulate: replay the steps up to the one shown, from the lesson's own preset.
    setStep(to);
    await applySettings(lesson.preset);
    for (const s of lesson.steps.slice(0, to + 1)) if (s.set) await applySettings(s.set);
  };
  return (
    <aside
      className="lesson-card"
      aria-label={`Lesson: ${lesson.title}`}
      data-testid="lesson-card"
      data-step={at}
    >
      <h2>{lesson.title}</h2>
      <p aria-live="polite">{lesson.steps[at]!.text}</p>
      <div className="controls">
        <JobButton disabled={at === 0} onClick={() => void go(at - 1)}>
          ← Back
        </JobButton>
        <span>
          step {at + 1} of {lesson.steps.length}
        </span>
        <JobButton disabled={at === lesson.steps.length - 1} onClick={() => void go(at + 1)}>
          Next →
        </JobButton>
        <button
          type="button"
          className="leave-lesson"
          onClick={() => ask(() => void leaveLesson(), 'Leaving the lesson')}
          title={
            back
              ? 'End the lesson: the model and settings you had before it come back'
              : 'End the lesson: its settings stay, unlocked, for free play'
          }
        >
          Leave lesson
        </button>
      </div>
      {back && (
        <p className="hint">
          Your open models, settings and results are kept: Leave lesson (or “none (free play)”)
          brings back the model and settings you had.
        </p>
      )}
      {confirm}
    </aside>
  );
}

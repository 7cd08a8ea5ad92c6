// Teaching mode: the open lesson's card (its steps, one at a time, each applying the settings it
// names), and the lesson picker. A lesson opens as a link, so a teacher can share it as it is.
import { useState } from 'react';
import { JobButton } from '../common/JobButton.tsx';
import { LESSONS, lessonById, lessonQuery } from '../../presets/lessons.ts';
import { applySettings } from '../../state/settings/url.ts';
import { useStore } from '../../state/store.ts';

export function LessonPicker() {
  const lesson = useStore((s) => s.teaching.lesson);
  return (
    <label className="lesson-picker">
      lesson{' '}
      <select
        aria-label="Lesson"
        value={lesson ?? ''}
        onChange={(e) => {
          const l = lessonById(e.target.value);
          // A lesson is a link: opening it loads its model and settings afresh.
          location.assign(l ? `?${lessonQuery(l)}` : '?');
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
  );
}

export function LessonCard() {
  const lesson = lessonById(useStore((s) => s.teaching.lesson));
  const [step, setStep] = useState(0);
  if (!lesson) return null;
  const at = Math.min(step, lesson.steps.length - 1);
  const go = async (to: number) => {
    // Settings accumulate: replay the steps up to the one shown, from the lesson's own preset.
    setStep(to);
    await applySettings(lesson.preset);
    for (const s of lesson.steps.slice(0, to + 1)) if (s.set) await applySettings(s.set);
  };
  return (
    <aside className="lesson-card" aria-label="Lesson" data-testid="lesson-card" data-step={at}>
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
      </div>
    </aside>
  );
}

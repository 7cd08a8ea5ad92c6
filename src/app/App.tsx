// The app shell: header with the open controls and backend status, then the running job (kept in
// view), and one screen of two columns: the model and its tensors on the left, kept in view, and
// the lab being used on the right, chosen from tabs (stacked on a narrow window).
import { ACCEPT } from './accept.ts';
import { DEMOS } from './demos.ts';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { DropZone } from '../ui/shell/DropZone.tsx';
import { Notices } from '../ui/shell/Notices.tsx';
import { ModelTabs } from '../ui/shell/ModelTabs.tsx';
import { OpenControls } from '../ui/shell/OpenControls.tsx';
import { ProgressBar } from '../ui/shell/ProgressBar.tsx';
import { StatusBar } from '../ui/shell/StatusBar.tsx';
import { TensorPanel } from '../ui/tensors/TensorPanel.tsx';
import { ZeroPointCard } from '../ui/quant/ZeroPointCard.tsx';
import { TensorTable } from '../ui/tensors/TensorTable.tsx';
import { Later } from '../ui/common/Later.tsx';
import { useStore } from '../state/store.ts';
import { LessonCard, LessonPicker } from '../ui/lessons/LessonCard.tsx';
import { ReportButton } from '../ui/export/ReportButton.tsx';
import { ThemeSwitch } from '../ui/shell/ThemeSwitch.tsx';
import { OpenLink } from '../ui/shell/OpenLink.tsx';
import { useEffect, useLayoutEffect, type ReactNode } from 'react';
import type { LabId } from '../presets/fields.ts';
import { useSetting } from '../state/settings/hooks.ts';
import { LabTabs, labPanelId, labTabId, PanelOrHint, type LabTab } from '../ui/shell/LabTabs.tsx';

// Lab panels, loaded when their lab is first chosen: their code would otherwise count against the
// page's first load. Each mounts in a task of its own (Later).
const accuracy = () => import('../ui/accuracy/AccuracyPanel.tsx');
const calibration = () => import('../ui/calibration/CalibrationPanel.tsx');
const training = () => import('../ui/training/TrainingPanel.tsx');
const pruning = () => import('../ui/pruning/PruningPanel.tsx');
const latency = () => import('../ui/latency/LatencyPanel.tsx');
const bench = () => import('../ui/bench/BenchPanel.tsx');
const planner = () => import('../ui/quant/PlannerPanel.tsx');
const sensitivity = () => import('../ui/quant/SensitivityTable.tsx');
const languageModel = () => import('../ui/lm/LanguageModelPanel.tsx');

/** Every lab, in tab order: its name, and the hideable panels (HIDEABLE) that make it up. */
const LAB_LIST: ReadonlyArray<LabTab & { panels: readonly string[] }> = [
  // The worked zero-point example is not hideable: the quantization lab is always listed.
  { id: 'quantization', label: 'Quantization', panels: [] },
  { id: 'lm', label: 'Language model', panels: [] },
  { id: 'plan', label: 'Plan', panels: ['planner'] },
  { id: 'accuracy', label: 'Accuracy', panels: ['accuracy'] },
  { id: 'calibration', label: 'Calibration', panels: ['calibration'] },
  { id: 'pruning', label: 'Pruning', panels: ['pruning'] },
  { id: 'training', label: 'Training', panels: ['training'] },
  { id: 'latency', label: 'Latency', panels: ['latency'] },
  { id: 'benchmarks', label: 'Benchmarks', panels: ['benchmarks'] },
];

/** What a panel needs when it has nothing to show for the open model. */
const NEEDS_RUNNABLE =
  'This lab runs on the models Slimlab can run: the mnist-mlp, mnist-cnn and mnist-vit demos (their Demo buttons are above).';
const NEEDS_MODEL = 'Open a weights file or a demo model to use this lab.';
const NEEDS_LM = 'This lab runs on a language model, such as the stories260K demo.';

/**
 * The running job's bar is sticky at the top; the model column, sticky too, starts below it. Its
 * height goes into --job-bar-h (0 without a job).
 */
function useJobBarHeight(running: boolean): void {
  useLayoutEffect(() => {
    const root = document.documentElement;
    const bar = running ? document.querySelector<HTMLElement>('.job-bar') : null;
    if (!bar) {
      root.style.setProperty('--job-bar-h', '0px');
      return;
    }
    const size = new ResizeObserver(() =>
      root.style.setProperty('--job-bar-h', `${bar.offsetHeight}px`),
    );
    size.observe(bar);
    root.style.setProperty('--job-bar-h', `${bar.offsetHeight}px`);
    return () => {
      size.disconnect();
      root.style.setProperty('--job-bar-h', '0px');
    };
  }, [running]);
}

export function App() {
  const model = useStore((s) => s.model);
  const opening = useStore((s) => s.opening);
  const hidden = useStore((s) => s.teaching.hidden);
  const show = (panel: string) => !hidden.includes(panel);
  const running = useStore((s) => s.job !== null);
  useJobBarHeight(running);
  const [lab, setLab, labLocked] = useSetting('lab');
  // The demo open, if it is one: its licence line, and a language model's tokenizer.
  const demo = model ? DEMOS.find((d) => d.name === model.file) : undefined;
  // A link made on a file of the person's own: which file to drop to see it.
  const linkModel = useStore((s) => s.linkModel);
  // A file of the person's own cannot come back from any link: leaving the page asks first.
  const ownFile = useStore((s) => s.models.some((m) => !DEMOS.some((d) => d.name === m.file)));
  useEffect(() => {
    if (!ownFile) return;
    const ask = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', ask);
    return () => window.removeEventListener('beforeunload', ask);
  }, [ownFile]);
  // Every lab is listed whatever model is open (a lab says what it needs), except the language
  // model's, which only a language model has, and what a lesson hides.
  const labs = LAB_LIST.filter(
    (l) =>
      (l.id !== 'lm' || Boolean(model?.languageModel)) &&
      (l.panels.length === 0 || l.panels.some(show)),
  );
  // A link's lab that is not listed here (a language-model lab with another model open) shows the
  // first; the setting stays, for when such a model is shown again.
  const chosen: LabId = labs.some((l) => l.id === lab) ? (lab as LabId) : labs[0]!.id;
  const needs = model ? NEEDS_RUNNABLE : NEEDS_MODEL;
  const later = <T,>(load: () => Promise<T>, hint: string, render: (m: T) => ReactNode) => (
    <Later load={load} render={(m: T) => <PanelOrHint hint={hint}>{render(m)}</PanelOrHint>} />
  );
  return (
    <DropZone>
      <header className="app-header">
        <h1>Slimlab</h1>
        {show('open') && <OpenControls demos={DEMOS} accept={ACCEPT} />}
        <OpenLink demos={DEMOS} />
        <LessonPicker demos={DEMOS} />
        <ReportButton />
        <ThemeSwitch />
        <StatusBar />
      </header>
      <Notices />
      <ProgressBar />
      <LessonCard />
      <main className="workspace">
        <div className="model-column" data-testid="model-column">
          <ModelTabs />
          {demo?.credit && (
            <p className="hint model-credit" data-testid="model-credit">
              {demo.credit}
            </p>
          )}
          {!model && (
            <p className="welcome" data-testid="welcome">
              {opening
                ? 'Opening…'
                : linkModel
                  ? `This link was made on model ${linkModel.file}${linkModel.tensor ? `, tensor ${linkModel.tensor}` : ''}: drop that file to see it. The link’s settings are applied.`
                  : 'Open a weights file or a demo model to begin.'}
            </p>
          )}
          {show('tensors') && (
            <ErrorBoundary>
              <TensorTable />
            </ErrorBoundary>
          )}
        </div>
        <div className="lab-column" data-testid="lab-column">
          <LabTabs labs={labs} chosen={chosen} onChoose={setLab} locked={labLocked} />
          <div
            className="lab"
            role="tabpanel"
            id={labPanelId(chosen)}
            aria-labelledby={labTabId(chosen)}
            data-testid="lab"
            data-lab={chosen}
          >
            {/* Keyed by the lab: another lab's panels unmount, and their errors go with them. */}
            <ErrorBoundary key={chosen}>
              {chosen === 'quantization' && (
                <>
                  {show('quantization') &&
                    (model ? (
                      <TensorPanel />
                    ) : (
                      <p className="hint lab-needs" data-testid="lab-needs">
                        {NEEDS_MODEL}
                      </p>
                    ))}
                  <ZeroPointCard />
                </>
              )}
              {chosen === 'lm' &&
                later(languageModel, NEEDS_LM, (m) => (
                  <m.LanguageModelPanel tokenizer={demo?.tokenizer} />
                ))}
              {chosen === 'plan' && (
                <>
                  {/* One line for the two panels: the planner's says what they need. */}
                  {later(sensitivity, '', (m) => (
                    <m.SensitivityTable />
                  ))}
                  {later(planner, NEEDS_MODEL, (m) => (
                    <m.PlannerPanel />
                  ))}
                </>
              )}
              {chosen === 'accuracy' && later(accuracy, needs, (m) => <m.AccuracyPanel />)}
              {chosen === 'calibration' && later(calibration, needs, (m) => <m.CalibrationPanel />)}
              {chosen === 'pruning' && later(pruning, needs, (m) => <m.PruningPanel />)}
              {chosen === 'training' && later(training, needs, (m) => <m.TrainingPanel />)}
              {chosen === 'latency' && later(latency, needs, (m) => <m.LatencyPanel />)}
              {chosen === 'benchmarks' && later(bench, needs, (m) => <m.BenchPanel />)}
            </ErrorBoundary>
          </div>
        </div>
      </main>
    </DropZone>
  );
}

// The app shell: header with the open controls and backend status, then the running job (kept in
// view), the model and the tensor.
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
import { useEffect } from 'react';

// Panels loaded after the first paint: they need a runnable model or a report, and their code
// would otherwise count against the page's first load. Each mounts in a task of its own (Later).
const accuracy = () => import('../ui/accuracy/AccuracyPanel.tsx');
const calibration = () => import('../ui/calibration/CalibrationPanel.tsx');
const training = () => import('../ui/training/TrainingPanel.tsx');
const pruning = () => import('../ui/pruning/PruningPanel.tsx');
const latency = () => import('../ui/latency/LatencyPanel.tsx');
const bench = () => import('../ui/bench/BenchPanel.tsx');
const planner = () => import('../ui/quant/PlannerPanel.tsx');
const sensitivity = () => import('../ui/quant/SensitivityTable.tsx');
const languageModel = () => import('../ui/lm/LanguageModelPanel.tsx');

export function App() {
  const model = useStore((s) => s.model);
  const opening = useStore((s) => s.opening);
  const hidden = useStore((s) => s.teaching.hidden);
  const show = (panel: string) => !hidden.includes(panel);
  // Panels that only a runnable demo model fills are not even loaded until one is open.
  const runnable = Boolean(model?.architecture);
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
      <ModelTabs />
      {demo?.credit && (
        <p className="hint model-credit" data-testid="model-credit" style={{ margin: '0 1rem' }}>
          {demo.credit}
        </p>
      )}
      <LessonCard />
      <main>
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
        {show('quantization') && (
          <ErrorBoundary>
            <TensorPanel />
          </ErrorBoundary>
        )}
        <ErrorBoundary>
          {model?.languageModel && (
            <Later
              load={languageModel}
              render={(m) => <m.LanguageModelPanel tokenizer={demo?.tokenizer} />}
            />
          )}
          {runnable && show('accuracy') && (
            <Later load={accuracy} render={(m) => <m.AccuracyPanel />} />
          )}
          {runnable && show('calibration') && (
            <Later load={calibration} render={(m) => <m.CalibrationPanel />} />
          )}
          {runnable && show('pruning') && (
            <Later load={pruning} render={(m) => <m.PruningPanel />} />
          )}
          {runnable && show('training') && (
            <Later load={training} render={(m) => <m.TrainingPanel />} />
          )}
          {show('latency') && <Later load={latency} render={(m) => <m.LatencyPanel />} />}
          {model && show('planner') && (
            <Later load={sensitivity} render={(m) => <m.SensitivityTable />} />
          )}
          {model && show('planner') && <Later load={planner} render={(m) => <m.PlannerPanel />} />}
          <ZeroPointCard />
        </ErrorBoundary>
        {show('benchmarks') && (
          <ErrorBoundary>
            <Later load={bench} render={(m) => <m.BenchPanel />} />
          </ErrorBoundary>
        )}
      </main>
    </DropZone>
  );
}

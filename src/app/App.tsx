// The app shell: header with the open controls and backend status, then the model and the tensor.
import { ACCEPT } from './accept.ts';
import { DEMOS } from './demos.ts';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { DropZone } from '../ui/DropZone.tsx';
import { Notices } from '../ui/Notices.tsx';
import { ModelTabs } from '../ui/ModelTabs.tsx';
import { OpenControls } from '../ui/OpenControls.tsx';
import { ProgressBar } from '../ui/ProgressBar.tsx';
import { StatusBar } from '../ui/StatusBar.tsx';
import { TensorPanel } from '../ui/TensorPanel.tsx';
import { ZeroPointCard } from '../ui/ZeroPointCard.tsx';
import { TensorTable } from '../ui/TensorTable.tsx';
import { lazy, Suspense } from 'react';
import { useStore } from '../state/store.ts';
import { LessonCard, LessonPicker } from '../ui/LessonCard.tsx';
import { ReportButton } from '../ui/ReportButton.tsx';
import { ThemeSwitch } from '../ui/ThemeSwitch.tsx';

// Panels loaded after the first paint: they need a runnable model or a report, and their code
// would otherwise count against the page's first load.
const AccuracyPanel = lazy(() =>
  import('../ui/AccuracyPanel.tsx').then((m) => ({ default: m.AccuracyPanel })),
);
const CalibrationPanel = lazy(() =>
  import('../ui/CalibrationPanel.tsx').then((m) => ({ default: m.CalibrationPanel })),
);
const TrainingPanel = lazy(() =>
  import('../ui/TrainingPanel.tsx').then((m) => ({ default: m.TrainingPanel })),
);
const PruningPanel = lazy(() =>
  import('../ui/PruningPanel.tsx').then((m) => ({ default: m.PruningPanel })),
);
const LatencyPanel = lazy(() =>
  import('../ui/LatencyPanel.tsx').then((m) => ({ default: m.LatencyPanel })),
);
const BenchPanel = lazy(() =>
  import('../ui/BenchPanel.tsx').then((m) => ({ default: m.BenchPanel })),
);
const PlannerPanel = lazy(() =>
  import('../ui/PlannerPanel.tsx').then((m) => ({ default: m.PlannerPanel })),
);
const SensitivityTable = lazy(() =>
  import('../ui/SensitivityTable.tsx').then((m) => ({ default: m.SensitivityTable })),
);

export function App() {
  const model = useStore((s) => s.model);
  const opening = useStore((s) => s.opening);
  const hidden = useStore((s) => s.teaching.hidden);
  const show = (panel: string) => !hidden.includes(panel);
  // Panels that only a runnable demo model fills are not even loaded until one is open.
  const runnable = Boolean(model?.architecture);
  return (
    <DropZone>
      <header className="app-header">
        <h1>Slimlab</h1>
        {show('open') && <OpenControls demos={DEMOS} accept={ACCEPT} />}
        <LessonPicker />
        <ReportButton />
        <ThemeSwitch />
        <StatusBar />
      </header>
      <Notices />
      <ProgressBar />
      <ModelTabs />
      <LessonCard />
      <main>
        {!model && (
          <p className="welcome">
            {opening ? 'Opening…' : 'Open a weights file or a demo model to begin.'}
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
          <Suspense fallback={<p className="hint">Loading the panels…</p>}>
            {runnable && show('accuracy') && <AccuracyPanel />}
            {runnable && show('calibration') && <CalibrationPanel />}
            {runnable && show('pruning') && <PruningPanel />}
            {runnable && show('training') && <TrainingPanel />}
            {show('latency') && <LatencyPanel />}
            {model && show('planner') && <SensitivityTable />}
            {model && show('planner') && <PlannerPanel />}
          </Suspense>
          <ZeroPointCard />
        </ErrorBoundary>
        {show('benchmarks') && (
          <ErrorBoundary>
            <Suspense fallback={null}>
              <BenchPanel />
            </Suspense>
          </ErrorBoundary>
        )}
      </main>
    </DropZone>
  );
}

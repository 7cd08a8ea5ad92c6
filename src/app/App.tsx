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
import { SensitivityTable } from '../ui/SensitivityTable.tsx';
import { PlannerPanel } from '../ui/PlannerPanel.tsx';
import { AccuracyPanel } from '../ui/AccuracyPanel.tsx';
import { CalibrationPanel } from '../ui/CalibrationPanel.tsx';
import { TrainingPanel } from '../ui/TrainingPanel.tsx';
import { PruningPanel } from '../ui/PruningPanel.tsx';
import { LatencyPanel } from '../ui/LatencyPanel.tsx';
import { BenchPanel } from '../ui/BenchPanel.tsx';
import { ZeroPointCard } from '../ui/ZeroPointCard.tsx';
import { TensorTable } from '../ui/TensorTable.tsx';
import { useStore } from '../state/store.ts';
import { LessonCard, LessonPicker } from '../ui/LessonCard.tsx';
import { ReportButton } from '../ui/ReportButton.tsx';
import { ThemeSwitch } from '../ui/ThemeSwitch.tsx';

export function App() {
  const model = useStore((s) => s.model);
  const opening = useStore((s) => s.opening);
  const hidden = useStore((s) => s.teaching.hidden);
  const show = (panel: string) => !hidden.includes(panel);
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
          {show('accuracy') && <AccuracyPanel />}
          {show('calibration') && <CalibrationPanel />}
          {show('pruning') && <PruningPanel />}
          {show('training') && <TrainingPanel />}
          {show('latency') && <LatencyPanel />}
          {show('planner') && <SensitivityTable />}
          {show('planner') && <PlannerPanel />}
          <ZeroPointCard />
        </ErrorBoundary>
        {show('benchmarks') && (
          <ErrorBoundary>
            <BenchPanel />
          </ErrorBoundary>
        )}
      </main>
    </DropZone>
  );
}

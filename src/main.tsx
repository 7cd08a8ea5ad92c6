// Entry: reads the preset in the URL, connects the engine worker, opens the preset's demo model
// (mnist-mlp by default: it runs every lab) and its tensor, renders the app, and keeps the URL in step.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { DEMOS } from './app/demos.ts';
import './app/app.css';
import { createEngineClient } from './bridge/client.ts';
import { connectEngine } from './state/device/actions.ts';
import { notify } from './state/jobs/actions.ts';
import { openDemo, selectTensor } from './state/tensors/actions.ts';
import { applyPreset } from './state/settings/actions.ts';
import { syncUrl } from './state/settings/url.ts';
import { useStore } from './state/store.ts';
import { awaitLinkModel, readLink } from './state/settings/session.ts';
import { installTestApi } from './app/test-api.ts';
import { applyTheme } from './ui/shell/ThemeSwitch.tsx';

installTestApi();
applyTheme();

// A lesson link's own preset applies first, then what the link says over it (see readLink).
const preset = readLink(location.search);
applyPreset(preset);
for (const n of preset.notices) notify('info', `Preset: ${n}`);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

const demoIdOf = (file: string) => DEMOS.find((d) => d.name === file)?.id ?? null;

async function start(): Promise<void> {
  await connectEngine(createEngineClient());
  const demo = DEMOS.find((d) => d.id === preset.settings.demo);
  if (demo) {
    await openDemo(demo.url, demo.name);
    const want = preset.settings.tensor;
    const model = useStore.getState().model;
    if (want && model) {
      if (model.tensors.some((t) => t.name === want)) await selectTensor(want);
      else notify('info', `Preset: ${model.file} has no tensor named "${want}"; showing another.`);
    }
  } else if (preset.file) awaitLinkModel(preset.file, preset.settings.tensor);
}

start()
  .catch((e: Error) => notify('error', `The engine failed to start: ${e.message}`))
  // The address bar follows the controls from here on, whatever happened above.
  .finally(() => syncUrl(demoIdOf));

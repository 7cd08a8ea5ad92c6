// Entry: connects the engine worker, opens the first demo model, renders the app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { DEMOS } from './app/demos.ts';
import './app/app.css';
import { createEngineClient } from './bridge/client.ts';
import { connectEngine, notify, openDemo } from './state/actions.ts';
import { installTestApi } from './app/test-api.ts';

installTestApi();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

const demo = DEMOS[0];
connectEngine(createEngineClient())
  .then(() =>
    demo && new URLSearchParams(location.search).get('demo') !== 'none'
      ? openDemo(demo.url, demo.name)
      : undefined,
  )
  .catch((e: Error) => notify('error', `The engine failed to start: ${e.message}`));

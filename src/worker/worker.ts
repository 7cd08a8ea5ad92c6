// Worker entry: exposes the engine API to the main thread.
import * as Comlink from 'comlink';
import { createEngineApi } from './api.ts';

Comlink.expose(createEngineApi(self.navigator.gpu));

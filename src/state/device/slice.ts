// The device the engine computes on: WebGPU (and its adapter) or the CPU.
import type { BackendStatus } from '../../engine/types.ts';

export interface DeviceSlice {
  backend: BackendStatus | null;
}

export const deviceSlice = (): DeviceSlice => ({ backend: null });

// One colour per calibration method, shared by the calibration charts and the table of picks beside
// them, so that a threshold's line and its swatch match.
const PICK_COLORS: Record<string, string> = {
  minmax: '#111827',
  ema: '#6b7280',
  'p99.9': '#7c3aed',
  'p99.99': '#a855f7',
  'p99.999': '#c084fc',
  mse: '#0f766e',
  kl: '#c2410c',
  'kl-ort': '#ea580c',
  'kl-mxnet': '#f59e0b',
};

/** The colour of a calibration method's threshold (black for a method without one). */
export function pickColor(id: string): string {
  return PICK_COLORS[id] ?? '#000';
}

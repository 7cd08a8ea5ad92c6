// Exporting the open model: its file name, streaming to disk or a download, and the one rule of the
// job runner that matters here (an export is never displaced by other work).
import type { ExportOptions, QuantSpec } from '../../engine/types.ts';
import { client, notify, startJob } from '../jobs/actions.ts';
import { analyseSelected } from '../tensors/actions.ts';
import { useStore } from '../store.ts';

/** The file name an export gets: the model's name with the format's extension. */
export function exportFileName(options: ExportOptions): string {
  const model = useStore.getState().model;
  const base = (model?.file ?? 'model')
    .replace(/^.*[\\/]/, '')
    .replace(/(\.safetensors\.index\.json|\.[^.]+)$/, '');
  if (options.format === 'npy') return `${options.tensor.replace(/[^\w.-]+/g, '_')}.npy`;
  if (options.format === 'gguf') return `${base}.${options.type.toLowerCase()}.gguf`;
  if (options.spec) return `${base}.${specTag(options.spec)}.safetensors`;
  const q =
    options.quantize && options.quantize !== 'none'
      ? `.${options.quantize}${options.symmetric === false ? '-asym' : ''}`
      : '';
  return `${base}${q}.safetensors`;
}

/** A short tag for a scheme in a file name: int4-g32-asym, int8-ch, fp16… */
export function specTag(spec: QuantSpec): string {
  if (spec.format !== 'int') return spec.format;
  const g = spec.granularity;
  const gran = g.kind === 'tensor' ? 't' : g.kind === 'channel' ? `ch${g.axis}` : `g${g.size}`;
  return `int${spec.bits}-${gran}${spec.symmetric ? '' : '-asym'}`;
}

/** Above this size an export asks for a file to stream into rather than building a download. */
const STREAM_TO_DISK_BYTES = 512 << 20;

interface SavePicker {
  showSaveFilePicker?: (o: { suggestedName: string }) => Promise<FileSystemFileHandle>;
}

/**
 * Exports the open model. Where the browser can save straight to disk (File System Access API) the
 * worker streams into the chosen file; elsewhere the file is handed to the browser's download.
 */
export async function exportModel(options: ExportOptions): Promise<void> {
  const { model } = useStore.getState();
  if (!model) return;
  const name = exportFileName(options);
  let target: FileSystemFileHandle | null = null;
  const picker = (globalThis as unknown as SavePicker).showSaveFilePicker;
  // Big files stream straight to disk where the browser lets us; smaller ones take the download bar.
  if (picker && model.bytes > STREAM_TO_DISK_BYTES) {
    try {
      target = await picker({ suggestedName: name });
    } catch (e) {
      if ((e as Error).name === 'AbortError') return; // the person closed the picker
      target = null;
    }
  }
  const r = await startJob(
    `Exporting ${name}`,
    { cancelled: `Export of ${name} cancelled`, failed: (m) => `Export failed: ${m}` },
    (opts) => client().run('export', { modelId: model.id, options, target }, opts),
    'export',
  );
  // Analyses asked for during the export run now.
  const after = useStore.getState();
  if (after.selected && after.analysis?.tensor !== after.selected) void analyseSelected();
  if (!r) return;
  if (r.blob) download(r.blob, name);
  notify('info', `Saved ${name} (${r.bytes.toLocaleString('en-US')} bytes)`);
}

/** Hands a file made in the tab to the browser's download. */
export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  // Give the download a moment to start before the URL goes.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

// Export the open model: format and compression choices, then a streamed write with progress.
import { useRef, useState } from 'react';
import { JobButton } from '../common/JobButton.tsx';
import { exportFileName, exportModel } from '../../state/export/actions.ts';
import { useQuantSpec } from '../../state/settings/hooks.ts';
import { useStore } from '../../state/store.ts';
import type { ExportOptions, QuantSpec } from '../../engine/types.ts';

type Choice =
  | 'safetensors'
  | 'safetensors-int8'
  | 'safetensors-int4'
  | 'safetensors-scheme'
  | 'gguf-F16'
  | 'gguf-Q8_0'
  | 'gguf-Q4_0'
  | 'npy';

const CHOICES: Array<{ value: Choice; label: string }> = [
  { value: 'safetensors', label: 'safetensors, original dtypes' },
  { value: 'safetensors-int8', label: 'safetensors, int8 per-channel codes + scales' },
  { value: 'safetensors-int4', label: 'safetensors, int4 per-channel codes + scales' },
  { value: 'safetensors-scheme', label: "safetensors, the tensor panel's scheme" },
  { value: 'gguf-F16', label: 'GGUF, F16 weights' },
  { value: 'gguf-Q8_0', label: 'GGUF, Q8_0 weights' },
  { value: 'gguf-Q4_0', label: 'GGUF, Q4_0 weights' },
  { value: 'npy', label: '.npy, the selected tensor' },
];

function optionsFor(
  choice: Choice,
  symmetric: boolean,
  tensor: string | null,
  spec: QuantSpec,
): ExportOptions {
  if (choice === 'npy') return { format: 'npy', tensor: tensor ?? '' };
  if (choice === 'safetensors-scheme') return { format: 'safetensors', spec };
  if (choice.startsWith('gguf-'))
    return { format: 'gguf', type: choice.slice(5) as 'F16' | 'Q8_0' | 'Q4_0' };
  const quantize = choice === 'safetensors' ? 'none' : (choice.slice(12) as 'int8' | 'int4');
  return { format: 'safetensors', quantize, symmetric };
}

export function ExportDialog() {
  const model = useStore((s) => s.model);
  const selected = useStore((s) => s.selected);
  const dialog = useRef<HTMLDialogElement>(null);
  const [choice, setChoice] = useState<Choice>('safetensors');
  const [symmetric, setSymmetric] = useState(true);
  const spec = useQuantSpec();
  if (!model) return null;
  // The stored layout holds integer codes with scales, or plain fp16 / bf16.
  const schemeStorable = ['int', 'fp16', 'bf16'].includes(spec.format);
  const options = optionsFor(choice, symmetric, selected, spec);
  const quantized = choice === 'safetensors-int8' || choice === 'safetensors-int4';
  return (
    <>
      <JobButton onClick={() => dialog.current?.showModal()}>Export…</JobButton>
      <dialog ref={dialog} className="export-dialog" aria-label="Export the model">
        <form
          method="dialog"
          onSubmit={() => {
            void exportModel(options);
          }}
        >
          <h3>Export {model.file}</h3>
          <label>
            format{' '}
            <select
              value={choice}
              onChange={(e) => setChoice(e.target.value as Choice)}
              aria-label="Export format"
            >
              {CHOICES.map((c) => (
                <option
                  key={c.value}
                  value={c.value}
                  disabled={
                    (c.value === 'npy' && !selected) ||
                    (c.value === 'safetensors-scheme' && !schemeStorable)
                  }
                >
                  {c.label}
                </option>
              ))}
            </select>
          </label>
          {quantized && (
            <label>
              <input
                type="checkbox"
                checked={!symmetric}
                onChange={(e) => setSymmetric(!e.target.checked)}
              />{' '}
              asymmetric (unsigned codes with a zero point)
            </label>
          )}
          <p className="hint">
            {choice === 'safetensors-scheme'
              ? 'Float weights of rank ≥ 2 are stored with the scheme chosen in the tensor panel (integer codes with per-tensor, per-channel or per-group scales, or fp16 / bf16); Slimlab reads the file back exactly.'
              : quantized
                ? 'Float weights of rank ≥ 2 become codes with a scale per output channel; Slimlab reads the file back exactly.'
                : choice.startsWith('gguf')
                  ? 'Weights whose rows are whole 32-blocks take the chosen type; the rest stay float32, as llama.cpp does.'
                  : 'Tensors keep their dtype where the format has it, float32 otherwise.'}
          </p>
          {!schemeStorable && (
            <p className="hint">
              The tensor panel&apos;s {spec.format} cannot be stored yet: choose an integer format,
              fp16 or bf16 there to export it.
            </p>
          )}
          <p>
            saves as <code data-testid="export-name">{exportFileName(options)}</code>
          </p>
          <menu>
            <button type="button" onClick={() => dialog.current?.close()}>
              Close
            </button>
            <button type="submit" value="export">
              Export
            </button>
          </menu>
        </form>
      </dialog>
    </>
  );
}

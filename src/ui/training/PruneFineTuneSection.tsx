// Retraining, first part: prune the open demo model, then fine-tune it with the masks held fixed.
import { CsvExport } from '../export/ExportButtons.tsx';
import { JobButton } from '../common/JobButton.tsx';
import { useSetting } from '../../state/settings/hooks.ts';
import { useStore } from '../../state/store.ts';
import { pruneFineTune, pruneLabel } from '../../state/training/actions.ts';
import type { PruneMethod } from '../../engine/types.ts';
import { formatCount, formatBytes, formatPercent } from '../common/format.ts';

const PRUNE_CHOICES: Array<{ id: string; method: PruneMethod }> = [
  { id: 'm50', method: { kind: 'magnitude', sparsity: 0.5 } },
  { id: 'm80', method: { kind: 'magnitude', sparsity: 0.8 } },
  { id: 'm90', method: { kind: 'magnitude', sparsity: 0.9 } },
  { id: 'm95', method: { kind: 'magnitude', sparsity: 0.95 } },
  { id: 'm98', method: { kind: 'magnitude', sparsity: 0.98 } },
  { id: 'nm24', method: { kind: 'nm', n: 2, m: 4 } },
  { id: 'nm14', method: { kind: 'nm', n: 1, m: 4 } },
];

export function PruneFineTuneSection() {
  const model = useStore((s) => s.model)!;
  const prune = useStore((s) => s.prune);
  const [choice, setChoice] = useSetting('ftChoice');
  const [epochs, setEpochs] = useSetting('ftEpochs');
  const r = prune && prune.modelId === model.id ? prune.result : null;
  const method = PRUNE_CHOICES.find((c) => c.id === choice)!.method;
  return (
    <div className="prune" data-testid="prune">
      <h3>Prune, then fine-tune with the masks fixed</h3>
      <div className="controls">
        <label>
          method{' '}
          <select
            aria-label="Pruning method"
            value={choice}
            onChange={(e) => setChoice(e.target.value)}
          >
            {PRUNE_CHOICES.map((c) => (
              <option key={c.id} value={c.id}>
                {pruneLabel(c.method)}
              </option>
            ))}
          </select>
        </label>
        <label>
          fine-tune epochs{' '}
          <input
            type="number"
            aria-label="Fine-tuning epochs"
            min={1}
            max={10}
            value={epochs}
            onChange={(e) => setEpochs(Math.max(1, Math.min(10, Number(e.target.value) || 1)))}
          />
        </label>
        <JobButton onClick={() => void pruneFineTune(method, epochs)}>
          Prune and fine-tune
        </JobButton>
      </div>
      {r && prune && (
        <>
          <p
            data-testid="prune-summary"
            data-pruned={r.pruned.accuracy}
            data-tuned={r.tuned.accuracy}
            data-sparsity={r.sparsity}
          >
            {pruneLabel(prune.method)}: {formatPercent(r.sparsity)} of the weights removed. Accuracy{' '}
            {formatPercent(r.fp32.accuracy)} → <strong>{formatPercent(r.pruned.accuracy)}</strong>{' '}
            pruned → <strong>{formatPercent(r.tuned.accuracy)}</strong> after {r.curve.length} epoch
            {r.curve.length === 1 ? '' : 's'} of fine-tuning (trained on{' '}
            <span data-testid="prune-trained-on">
              {r.trainedOn === 'webgpu' ? 'WebGPU' : 'CPU'}
            </span>
            , evaluated on {r.on === 'webgpu' ? 'WebGPU' : 'CPU'}). Stored as non-zeros plus a
            bitmask: {formatBytes(r.bytes)}.
          </p>
          <CsvExport name="prune-fine-tune" />
          <table data-testid="prune-table">
            <thead>
              <tr>
                <th scope="col">weight</th>
                <th scope="col" className="num">
                  parameters
                </th>
                <th scope="col" className="num">
                  sparsity
                </th>
              </tr>
            </thead>
            <tbody>
              {r.layers.map((l) => (
                <tr key={l.name}>
                  <th scope="row">{l.name}</th>
                  <td className="num">{formatCount(l.params)}</td>
                  <td className="num">{formatPercent(l.sparsity)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}

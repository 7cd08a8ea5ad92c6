// Gradual pruning in the pruning lab: Zhu & Gupta's cubic schedule while training, against the
// same final sparsity in one shot.
import { JobButton } from '../common/JobButton.tsx';
import { pruneGradually } from '../../state/pruning/actions.ts';
import { useSetting } from '../../state/settings/hooks.ts';
import type { GradualResult } from '../../engine/types.ts';
import { formatPercent } from '../common/format.ts';
import { Term } from '../common/Term.tsx';

/** The controls and, once run for the open model, the curve and the comparison. */
export function GradualSection({ gradual }: { gradual: GradualResult | null | undefined }) {
  const [final, setFinal] = useSetting('pruneFinal');
  const [epochs, setEpochs] = useSetting('pruneEpochs');
  return (
    <>
      <h3>
        <Term k="gradual">Gradual pruning</Term> (Zhu &amp; Gupta&apos;s cubic schedule)
      </h3>
      <div className="controls">
        <label>
          to{' '}
          <select
            aria-label="Final sparsity"
            value={final}
            onChange={(e) => setFinal(Number(e.target.value))}
          >
            {[0.8, 0.9, 0.95, 0.98].map((v) => (
              <option key={v} value={v}>
                {formatPercent(v)}
              </option>
            ))}
          </select>
        </label>
        <label>
          over{' '}
          <select
            aria-label="Gradual pruning epochs"
            value={epochs}
            onChange={(e) => setEpochs(Number(e.target.value))}
          >
            {[1, 2, 3, 5].map((v) => (
              <option key={v} value={v}>
                {v} epoch{v === 1 ? '' : 's'}
              </option>
            ))}
          </select>
        </label>
        <JobButton onClick={() => void pruneGradually(final, epochs)}>Prune gradually</JobButton>
      </div>
      {gradual && (
        <div data-testid="gradual">
          <table>
            <thead>
              <tr>
                <th scope="col">epoch</th>
                <th scope="col" className="num">
                  sparsity
                </th>
                <th scope="col" className="num">
                  accuracy
                </th>
              </tr>
            </thead>
            <tbody>
              {gradual.curve.map((c) => (
                <tr key={c.epoch}>
                  <td>{c.epoch}</td>
                  <td className="num">{formatPercent(c.sparsity)}</td>
                  <td className="num">{formatPercent(c.accuracy)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p
            data-testid="gradual-summary"
            data-final={gradual.final.accuracy}
            data-one-shot={gradual.oneShot.accuracy}
          >
            Pruned gradually while training:{' '}
            <strong>{formatPercent(gradual.final.accuracy)}</strong>; the same sparsity in one shot,
            without training: <strong>{formatPercent(gradual.oneShot.accuracy)}</strong>.
          </p>
        </div>
      )}
    </>
  );
}

// Model variants side by side on the test digits: accuracy, agreement with the fp32 model, and
// (optionally) the KL divergence of their outputs from its outputs.
import type { Evaluation } from '../../engine/types.ts';
import { formatPercent, formatValue } from '../common/format.ts';
import { LabelTerm } from '../common/LabelTerm.tsx';
import { Term } from '../common/Term.tsx';

export function VariantTable({
  rows,
  heading,
  testId,
  kl = false,
}: {
  rows: ReadonlyArray<{ label: string; evaluation: Evaluation }>;
  heading: string;
  testId: string;
  kl?: boolean;
}) {
  return (
    <table data-testid={testId}>
      <thead>
        <tr>
          <th scope="col">{heading}</th>
          <th scope="col" className="num">
            accuracy
          </th>
          <th scope="col" className="num">
            <Term k="agreement">agrees</Term> with fp32
          </th>
          {kl && (
            <th scope="col" className="num">
              <Term k="kl-divergence">KL</Term>(fp32 ‖ this)
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.label} data-variant={r.label} data-accuracy={r.evaluation.accuracy}>
            <th scope="row">
              <LabelTerm label={r.label} />
            </th>
            <td className="num">{formatPercent(r.evaluation.accuracy)}</td>
            <td className="num">{formatPercent(r.evaluation.agreement)}</td>
            {kl && (
              <td className="num">
                {r.evaluation.kl === null ? '—' : formatValue(r.evaluation.kl)}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

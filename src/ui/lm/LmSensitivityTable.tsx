// Which weights of the language model matter by what it says: each one quantized alone with the
// tensor panel's scheme, the text scored, and the weights ranked by the KL they cause (sortable).
import { useMemo, useState } from 'react';
import type { LmSensitivityRow } from '../../engine/types.ts';
import { rankTensorsByKl } from '../../state/lm/actions.ts';
import { useQuantSpec } from '../../state/settings/hooks.ts';
import { useStore } from '../../state/store.ts';
import { selectTensor } from '../../state/tensors/actions.ts';
import { JobButton } from '../common/JobButton.tsx';
import { Term } from '../common/Term.tsx';
import { formatCount, formatValue } from '../common/format.ts';
import { onActivateKey, SortableHeader, type SortColumn } from '../common/SortableHeader.tsx';

type Key = keyof LmSensitivityRow;
const COLUMNS: ReadonlyArray<SortColumn<Key>> = [
  { key: 'name', label: 'tensor' },
  { key: 'params', label: 'params', numeric: true },
  { key: 'bitsPerWeight', label: 'bits / weight', numeric: true, gloss: 'bits-per-weight' },
  { key: 'klMean', label: 'KL mean', numeric: true, gloss: 'kl-divergence' },
  { key: 'klP99', label: 'KL p99', numeric: true, gloss: 'kl-divergence' },
  { key: 'sameTopPct', label: 'same top', numeric: true, gloss: 'top-token' },
  { key: 'mseWeights', label: 'weight MSE', numeric: true, gloss: 'mse' },
];
/** The bar of the largest KL, in pixels. */
const BAR = 60;

export function LmSensitivityTable({ tokenizer }: { tokenizer?: string | undefined }) {
  const model = useStore((s) => s.model);
  const result = useStore((s) => s.lmSensitivity);
  const text = useStore((s) => s.lmText);
  const ctx = useStore((s) => s.settings.lmCtx);
  const spec = useQuantSpec();
  const [sort, setSort] = useState<{ key: Key; desc: boolean }>({ key: 'klMean', desc: true });
  const shown = result && result.modelId === model?.id ? result : null;
  const rows = useMemo(() => {
    const r = shown ? [...shown.rows] : [];
    const dir = sort.desc ? -1 : 1;
    return r.sort((a, b) =>
      sort.key === 'name'
        ? dir * a.name.localeCompare(b.name)
        : dir * ((a[sort.key] as number) - (b[sort.key] as number)),
    );
  }, [shown, sort]);
  const top = rows.reduce((m, r) => Math.max(m, r.klMean), 0);
  const stale =
    shown &&
    (JSON.stringify(shown.spec) !== JSON.stringify(spec) ||
      shown.ctx !== ctx ||
      shown.text !== text);
  return (
    <div className="lm-sensitivity" data-testid="lm-sensitivity">
      <h3>
        Weights ranked by <Term k="kl-divergence">KL</Term> (
        <Term k="sensitivity">sensitivity</Term>)
      </h3>
      <p className="hint">
        Each weight quantized alone with the tensor panel&apos;s scheme (the rest in float), the
        first tokens of the text scored: the KL to the base model says what that weight&apos;s error
        costs in what the model says, which its own squared error (last column) need not.
      </p>
      <div className="controls">
        <JobButton onClick={() => void rankTensorsByKl(tokenizer)}>
          {shown ? 'Rank again' : 'Rank tensors by KL'}
        </JobButton>
        {stale && <span className="hint"> (ranked with another scheme, context or text)</span>}
        {shown && (
          <span className="hint">
            {' '}
            {rows.length} weights, {formatCount(shown.scored)} tokens scored
          </span>
        )}
      </div>
      {rows.length > 0 && (
        <div className="scroll">
          <table data-testid="lm-sensitivity-table" aria-label="Weights ranked by KL">
            <thead>
              <SortableHeader
                columns={COLUMNS}
                sort={sort}
                onSort={(key) =>
                  setSort((s) => ({ key, desc: s.key === key ? !s.desc : key !== 'name' }))
                }
              />
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr
                  key={r.name}
                  tabIndex={0}
                  data-name={r.name}
                  onClick={() => void selectTensor(r.name)}
                  onKeyDown={onActivateKey(() => void selectTensor(r.name))}
                >
                  <td className="name">{r.name}</td>
                  <td className="num">{formatCount(r.params)}</td>
                  <td className="num">{r.bitsPerWeight.toFixed(2)}</td>
                  <td className="num" data-kl={r.klMean}>
                    <span
                      className="share-bar"
                      style={{ width: `${top > 0 ? Math.round((r.klMean / top) * BAR) : 0}px` }}
                    />{' '}
                    {formatValue(r.klMean)}
                  </td>
                  <td className="num">{formatValue(r.klP99)}</td>
                  <td className="num">{r.sameTopPct.toFixed(1)}%</td>
                  <td className="num">{formatValue(r.mseWeights)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

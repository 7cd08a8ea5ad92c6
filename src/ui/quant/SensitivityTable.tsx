// Which layers lose the most under the current scheme: every float weight quantized, sortable.
import { CsvExport } from '../export/ExportButtons.tsx';
import { JobButton } from '../common/JobButton.tsx';
import { useMemo, useState } from 'react';
import { showTensor } from '../../state/tensors/actions.ts';
import { rankLayers } from '../../state/quant/actions.ts';
import { useQuantSpec } from '../../state/settings/hooks.ts';
import { useStore } from '../../state/store.ts';
import type { SensitivityRow } from '../../engine/types.ts';
import { formatBytes, formatCount, formatValue } from '../common/format.ts';
import { onActivateKey, SortableHeader, type SortColumn } from '../common/SortableHeader.tsx';

type Key = 'name' | 'params' | 'bytes' | 'bytesAfter' | 'mse' | 'sqnrDb' | 'share';
const COLUMNS: ReadonlyArray<SortColumn<Key>> = [
  { key: 'name', label: 'tensor' },
  { key: 'params', label: 'params', numeric: true },
  { key: 'bytes', label: 'size', numeric: true },
  { key: 'bytesAfter', label: 'quantized', numeric: true },
  { key: 'mse', label: 'MSE', numeric: true, gloss: 'mse' },
  { key: 'sqnrDb', label: 'SQNR dB', numeric: true, gloss: 'sqnr' },
  { key: 'share', label: 'share of error', numeric: true },
];

export function SensitivityTable() {
  const model = useStore((s) => s.model);
  const spec = useQuantSpec();
  const filter = useStore((s) => s.filter);
  const result = useStore((s) => s.sensitivity);
  const [sort, setSort] = useState<{ key: Key; desc: boolean }>({ key: 'share', desc: true });
  const rows = useMemo(() => {
    const r: SensitivityRow[] = result && result.modelId === model?.id ? [...result.rows] : [];
    const dir = sort.desc ? -1 : 1;
    return r.sort(
      (a, b) =>
        dir *
        (sort.key === 'name'
          ? a.name.localeCompare(b.name)
          : (a[sort.key] as number) - (b[sort.key] as number)),
    );
  }, [result, model?.id, sort]);
  if (!model) return null;
  const stale =
    result &&
    result.modelId === model.id &&
    (JSON.stringify(result.spec) !== JSON.stringify(spec) || result.filter !== filter);
  const before = rows.reduce((a, r) => a + r.bytes, 0);
  const after = rows.reduce((a, r) => a + r.bytesAfter, 0);
  return (
    <section className="sensitivity" aria-label="Layer sensitivity" data-testid="sensitivity">
      <header>
        <h2>Sensitivity</h2>
        <p>
          Every float weight (those matching the tensor filter, if any) quantized with the scheme
          chosen in the tensor panel; where does the error go?
        </p>
        <JobButton onClick={() => void rankLayers()}>
          {rows.length ? 'Rank again' : 'Rank layers by error'}
        </JobButton>
        {stale && <span className="hint"> (ranked with another scheme or filter)</span>}
      </header>
      {rows.length > 0 && (
        <p data-testid="model-size">
          {rows.length} weights: {formatBytes(before)} → {formatBytes(after)}; the whole model{' '}
          {formatBytes(model.bytes)} → {formatBytes(model.bytes - before + after)}
        </p>
      )}
      {rows.length > 0 && (
        <>
          <CsvExport name="sensitivity" />
          <div className="scroll">
            <table data-testid="sensitivity-table">
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
                    title="Show this tensor in the quantization lab"
                    onClick={() => void showTensor(r.name)}
                    onKeyDown={onActivateKey(() => void showTensor(r.name))}
                  >
                    <td className="name">{r.name}</td>
                    <td className="num">{formatCount(r.params)}</td>
                    <td className="num">{formatBytes(r.bytes)}</td>
                    <td className="num" data-bpw={r.bitsPerWeight}>
                      {formatBytes(r.bytesAfter)}
                    </td>
                    <td className="num">{formatValue(r.mse)}</td>
                    <td className="num">{formatValue(r.sqnrDb)}</td>
                    <td className="num" data-share={r.share}>
                      <span
                        className="share-bar"
                        style={{ width: `${Math.round(r.share * 60)}px` }}
                      />{' '}
                      {(r.share * 100).toFixed(1)}%
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

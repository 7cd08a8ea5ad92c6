// Every tensor of the open model: sortable by any column, filterable by name or dtype.
import { useState } from 'react';
import { CsvExport } from '../export/ExportButtons.tsx';
import { selectTensor, setFilter, toggleSort } from '../../state/tensors/actions.ts';
import type { SortKey } from '../../state/tensors/slice.ts';
import { useStore } from '../../state/store.ts';
import { formatBytes, formatCount, formatShape } from '../common/format.ts';
import { useVisibleTensors } from '../common/hooks.ts';
import { ExportDialog } from '../export/ExportDialog.tsx';
import { ModelMetadata } from './ModelMetadata.tsx';
import { onActivateKey, SortableHeader, type SortColumn } from '../common/SortableHeader.tsx';

const COLUMNS: ReadonlyArray<SortColumn<SortKey>> = [
  { key: 'name', label: 'name' },
  { key: 'dtype', label: 'dtype' },
  { key: 'rank', label: 'shape' },
  { key: 'params', label: 'params', numeric: true },
  { key: 'bytes', label: 'bytes', numeric: true },
];

/**
 * Rows drawn at once. A file may hold tens of thousands of tensors; drawing them all froze the page
 * for seconds (20,000 rows: about 4 s on two cores), so the table grows a page at a time and the
 * filter finds the rest.
 */
export const ROWS_PER_PAGE = 500;

export function TensorTable() {
  const model = useStore((s) => s.model);
  const filter = useStore((s) => s.filter);
  const sort = useStore((s) => s.sort);
  const selected = useStore((s) => s.selected);
  const rows = useVisibleTensors();
  // How many rows are drawn; a new model or filter starts again at one page.
  const [shown, setShown] = useState({ n: ROWS_PER_PAGE, of: rows });
  const limit = shown.of === rows ? shown.n : ROWS_PER_PAGE;
  if (!model) return null;
  const more = Math.min(ROWS_PER_PAGE, rows.length - limit);
  return (
    <section className="tensor-table" aria-label="Tensors">
      <header>
        <h2>
          {model.file} <small>{model.format}</small>
        </h2>
        <p>
          {formatCount(model.tensors.length)} {model.tensors.length === 1 ? 'tensor' : 'tensors'} ·{' '}
          {formatCount(model.params)} parameters · {formatBytes(model.bytes)}
        </p>
        <div className="model-actions">
          <ExportDialog />
        </div>
        <ModelMetadata />
        <input
          type="search"
          placeholder="Filter by name or dtype"
          aria-label="Filter tensors"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
      </header>
      <CsvExport name="tensors" />
      <div className="scroll">
        <table data-testid="tensor-table">
          <thead>
            <SortableHeader columns={COLUMNS} sort={sort} onSort={toggleSort} />
          </thead>
          <tbody>
            {rows.slice(0, limit).map((t) => (
              <tr
                key={t.name}
                className={t.name === selected ? 'selected' : undefined}
                aria-selected={t.name === selected}
                tabIndex={0}
                onClick={() => void selectTensor(t.name)}
                onKeyDown={onActivateKey(() => void selectTensor(t.name))}
              >
                <td className="name">{t.name}</td>
                <td>{t.dtype}</td>
                <td>{formatShape(t.shape)}</td>
                <td className="num">{formatCount(t.params)}</td>
                <td className="num">{formatBytes(t.bytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length === 0 && <p className="empty">No tensor matches “{filter}”.</p>}
        {more > 0 && (
          <p className="more">
            {formatCount(limit)} of {formatCount(rows.length)} rows shown; filter by name to find
            one, or{' '}
            <button type="button" onClick={() => setShown({ n: limit + more, of: rows })}>
              show {formatCount(more)} more
            </button>
          </p>
        )}
      </div>
    </section>
  );
}

// What the pruned weight layers take to store in each sparse layout, at fp32 and int8, against dense.
import { useStore } from '../../state/store.ts';
import { formatBytes, formatPercent } from '../common/format.ts';
import { Term } from '../common/Term.tsx';

export function StorageTable() {
  const s = useStore((st) => st.pruneLab!.study!);
  const dense32 = s.storage.find((r) => r.layout === 'dense' && r.bits === 32)!.bytes;
  return (
    <table data-testid="prune-storage">
      <caption>Weights of the weight layers in each layout</caption>
      <thead>
        <tr>
          <th scope="col">layout</th>
          <th scope="col" className="num">
            fp32
          </th>
          <th scope="col" className="num">
            int8
          </th>
        </tr>
      </thead>
      <tbody>
        {['dense', 'bitmask', 'csr', '2:4'].map((layout) => {
          const at = (bits: number) =>
            s.storage.find((r) => r.layout === layout && r.bits === bits);
          if (!at(32)) return null;
          return (
            <tr key={layout} data-layout={layout} data-bytes={at(32)!.bytes}>
              <th scope="row">
                {layout === 'csr' ? (
                  <>
                    <Term k="csr">CSR</Term> (values + int32 indices)
                  </>
                ) : layout === 'bitmask' ? (
                  'values + bitmask'
                ) : layout === '2:4' ? (
                  '2:4 (half the values + 2-bit positions)'
                ) : (
                  'dense'
                )}
              </th>
              {[32, 8].map((b) => (
                <td key={b} className="num">
                  {formatBytes(at(b)!.bytes)} ({formatPercent(at(b)!.bytes / dense32)})
                </td>
              ))}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

// Which backend does the work: the adapter's name, whether it is a fallback, key limits and features.
import { chooseBackend } from '../../state/device/actions.ts';
import { useStore } from '../../state/store.ts';
import { formatBytes } from '../common/format.ts';

export function StatusBar() {
  const b = useStore((s) => s.backend);
  if (!b)
    return (
      <div className="status" role="status">
        Starting the engine…
      </div>
    );
  const a = b.adapter;
  return (
    <div className="status" role="status" data-testid="backend-status" data-backend={b.kind}>
      <span className={`pill ${b.kind}`}>{b.kind === 'webgpu' ? 'WebGPU' : 'CPU'}</span>
      <span className="adapter">{b.label}</span>
      {a && (
        <details>
          <summary>limits &amp; features</summary>
          <dl>
            <dt>fallback adapter</dt>
            <dd>{a.isFallback ? 'yes' : 'no'}</dd>
            <dt>storage binding</dt>
            <dd>{formatBytes(a.maxStorageBufferBindingSize)}</dd>
            <dt>buffer size</dt>
            <dd>{formatBytes(a.maxBufferSize)}</dd>
            <dt>workgroup memory</dt>
            <dd>{formatBytes(a.maxComputeWorkgroupStorageSize)}</dd>
            <dt>invocations / workgroup</dt>
            <dd>{a.maxComputeInvocationsPerWorkgroup}</dd>
            <dt>features</dt>
            <dd>
              {[...a.features, ...(a.packedDot4 ? ['packed_4x8_integer_dot_product'] : [])].join(
                ', ',
              ) || 'none'}
            </dd>
          </dl>
        </details>
      )}
      {b.reason && <span className="reason">{b.reason}</span>}
      {a?.isFallback && b.kind === 'webgpu' && (
        <span className="reason" title="A fallback adapter emulates the GPU on the CPU">
          software adapter: the CPU backend may be faster here
        </span>
      )}
      {(a || b.kind === 'webgpu') && (
        <label className="backend-choice">
          compute on{' '}
          <select
            value={b.kind}
            onChange={(e) => void chooseBackend(e.target.value as 'webgpu' | 'cpu')}
            aria-label="Compute backend"
          >
            <option value="webgpu">WebGPU</option>
            <option value="cpu">CPU</option>
          </select>
        </label>
      )}
    </div>
  );
}

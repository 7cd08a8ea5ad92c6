// Dismissible messages: bad files, cancelled work, lost devices.
import { dismissNotice } from '../../state/jobs/actions.ts';
import { useStore } from '../../state/store.ts';

export function Notices() {
  const notices = useStore((s) => s.notices);
  if (notices.length === 0) return null;
  return (
    <ul className="notices" aria-live="polite" data-testid="notices">
      {notices.map((n) => (
        <li key={n.id} className={n.kind} role={n.kind === 'error' ? 'alert' : 'status'}>
          <span>{n.text}</span>
          <button type="button" onClick={() => dismissNotice(n.id)} aria-label="Dismiss message">
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}

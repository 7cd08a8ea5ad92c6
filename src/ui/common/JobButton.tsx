// A button that starts work: disabled while a job runs. It reads the job itself, so that a job
// starting or ending redraws the button and not the panel around it (and that panel's charts).
import type { ButtonHTMLAttributes } from 'react';
import { useStore } from '../../state/store.ts';

export function JobButton({ disabled, ...props }: ButtonHTMLAttributes<HTMLButtonElement>) {
  const busy = useStore((s) => s.job !== null);
  return <button type="button" {...props} disabled={busy || disabled === true} />;
}

// Light or dark: the person's choice (kept in this browser), else the system's preference.
import { useEffect, useState } from 'react';

type Choice = 'system' | 'light' | 'dark';
const KEY = 'slimlab-theme';

function stored(): Choice {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

/** Sets <html data-theme> from a choice; 'system' follows prefers-color-scheme. */
export function applyTheme(choice: Choice = stored()): void {
  const dark =
    choice === 'dark' ||
    (choice === 'system' && window.matchMedia?.('(prefers-color-scheme: dark)').matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
}

export function ThemeSwitch() {
  const [choice, setChoice] = useState<Choice>(stored);
  useEffect(() => {
    applyTheme(choice);
    if (choice !== 'system') return;
    const m = window.matchMedia?.('(prefers-color-scheme: dark)');
    const on = () => applyTheme('system');
    m?.addEventListener('change', on);
    return () => m?.removeEventListener('change', on);
  }, [choice]);
  return (
    <label>
      theme{' '}
      <select
        aria-label="Theme"
        value={choice}
        onChange={(e) => {
          const c = e.target.value as Choice;
          setChoice(c);
          try {
            if (c === 'system') localStorage.removeItem(KEY);
            else localStorage.setItem(KEY, c);
          } catch {
            // Storage may be off (private mode): the choice lasts for this page.
          }
        }}
      >
        <option value="system">system</option>
        <option value="light">light</option>
        <option value="dark">dark</option>
      </select>
    </label>
  );
}

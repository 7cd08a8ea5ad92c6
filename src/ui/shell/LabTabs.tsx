// The labs beside the model, as tabs a person moves between (the WAI-ARIA tabs pattern: one tab in
// the Tab order, the arrow keys, Home and End move between them and show the lab at once). The lab
// shown is a setting (`lab`), so a link opens on it.
import { useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { LabId } from '../../presets/fields.ts';

export interface LabTab {
  id: LabId;
  label: string;
}

export const labTabId = (id: LabId) => `lab-tab-${id}`;
export const labPanelId = (id: LabId) => `lab-panel-${id}`;

/** The tab list: `labs` are those listed (in order), `chosen` the one shown. */
export function LabTabs({
  labs,
  chosen,
  onChoose,
  locked = false,
}: {
  labs: readonly LabTab[];
  chosen: LabId;
  onChoose: (id: LabId) => void;
  /** A lesson that fixes the lab: the other tabs are shown but cannot be chosen. */
  locked?: boolean;
}) {
  const refs = useRef(new Map<LabId, HTMLButtonElement>());
  const go = (id: LabId) => {
    if (locked && id !== chosen) return;
    onChoose(id);
    refs.current.get(id)?.focus();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const at = labs.findIndex((l) => l.id === chosen);
    const step: Record<string, number> = {
      ArrowRight: 1,
      ArrowDown: 1,
      ArrowLeft: -1,
      ArrowUp: -1,
    };
    let next: number | null = null;
    if (e.key in step) next = (at + step[e.key]! + labs.length) % labs.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = labs.length - 1;
    if (next === null) return;
    e.preventDefault();
    go(labs[next]!.id);
  };
  return (
    <div className="lab-tabs" role="tablist" aria-label="Labs" onKeyDown={onKeyDown}>
      {labs.map((l) => {
        const selected = l.id === chosen;
        return (
          <button
            key={l.id}
            ref={(el) => {
              if (el) refs.current.set(l.id, el);
              else refs.current.delete(l.id);
            }}
            type="button"
            role="tab"
            id={labTabId(l.id)}
            aria-selected={selected}
            aria-controls={selected ? labPanelId(l.id) : undefined}
            aria-disabled={locked && !selected ? true : undefined}
            tabIndex={selected ? 0 : -1}
            data-lab={l.id}
            onClick={() => go(l.id)}
          >
            {l.label}
          </button>
        );
      })}
    </div>
  );
}

/**
 * A lab's panel, or a line saying what it needs where the panel has nothing to show for the open
 * model (it renders nothing; an empty hint: nothing in its place). Rendered only once the panel's code has loaded, so an empty box means
 * the panel itself chose to show nothing.
 */
export function PanelOrHint({ hint, children }: { hint: string; children: ReactNode }) {
  const box = useRef<HTMLDivElement>(null);
  const [empty, setEmpty] = useState(false);
  useLayoutEffect(() => {
    const el = box.current!;
    const check = () => setEmpty(el.childElementCount === 0);
    check();
    // The panel may fill or empty later (a model opened or closed while the lab is shown).
    const watch = new MutationObserver(check);
    watch.observe(el, { childList: true });
    return () => watch.disconnect();
  }, []);
  return (
    <>
      <div className="lab-part" ref={box}>
        {children}
      </div>
      {empty && hint && (
        <p className="hint lab-needs" data-testid="lab-needs">
          {hint}
        </p>
      )}
    </>
  );
}

// A technical label with its glossary entry: dotted underline, and the entry in a popover that
// hovering or keyboard focus opens, linked by aria-describedby for screen readers. No `title`: the
// browser's own tooltip would open over the popover with the same words.
import { useId, type ReactNode } from 'react';
import { GLOSSARY, type GlossKey } from './glossary.ts';
import './term.css';

export function Term({ k, children }: { k: GlossKey; children: ReactNode }) {
  const id = useId();
  const e = GLOSSARY[k];
  return (
    <span className="term" tabIndex={0} aria-describedby={id} data-term={k}>
      {children}
      <span className="term-tip" role="tooltip" id={id}>
        {e.text} <cite>{e.source}</cite>
      </span>
    </span>
  );
}

// A label made outside the UI (a calibration method, a model variant) with its glossary entry when
// the glossary knows the term, else the plain label.
import { glossForLabel } from './glossary.ts';
import { Term } from './Term.tsx';

export function LabelTerm({ label }: { label: string }) {
  const k = glossForLabel(label);
  return k ? <Term k={k}>{label}</Term> : <>{label}</>;
}

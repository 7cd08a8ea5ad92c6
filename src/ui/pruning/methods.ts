// The pruning lab's methods, in the order of its menu: an id kept in the preset, the label shown,
// and the request each makes at the chosen sparsity (N:M methods have a sparsity of their own).
import type { LabMethod } from '../../engine/types.ts';
import type { GlossKey } from '../common/glossary.ts';

export const METHODS: Array<{
  id: string;
  label: string;
  gloss: GlossKey;
  make: (s: number) => LabMethod;
}> = [
  {
    id: 'magnitude',
    label: 'magnitude, per layer',
    gloss: 'magnitude',
    make: (s) => ({ kind: 'magnitude', sparsity: s }),
  },
  {
    id: 'global',
    label: 'magnitude, global threshold',
    gloss: 'magnitude',
    make: (s) => ({ kind: 'global', sparsity: s }),
  },
  { id: 'nm24', label: '2:4 structured', gloss: 'n-m', make: () => ({ kind: 'nm', n: 2, m: 4 }) },
  { id: 'nm14', label: '1:4 structured', gloss: 'n-m', make: () => ({ kind: 'nm', n: 1, m: 4 }) },
  { id: 'nm48', label: '4:8 structured', gloss: 'n-m', make: () => ({ kind: 'nm', n: 4, m: 8 }) },
  {
    id: 'channel',
    label: 'L1 channels (shrinks layers)',
    gloss: 'l1-channels',
    make: (s) => ({ kind: 'channel', sparsity: s }),
  },
];

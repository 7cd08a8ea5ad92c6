// How a classifier does on a labelled set, and how far a compressed variant strays from the original.
import { argmaxRows, logSoftmax } from '../core/nn/nn.ts';

export interface Evaluation {
  count: number;
  accuracy: number;
  perClass: number[];
  /** confusion[true][predicted], counts. */
  confusion: number[][];
  /** Against the reference model's logits, when given: top-1 agreement and mean KL(ref ‖ this). */
  agreement: number | null;
  kl: number | null;
}

export function evaluateLogits(
  logits: Float32Array,
  labels: ArrayLike<number>,
  classes: number,
  reference: Float32Array | null = null,
): Evaluation {
  const B = labels.length;
  const pred = argmaxRows(logits, B, classes);
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  let right = 0;
  for (let i = 0; i < B; i++) {
    confusion[labels[i]!]![pred[i]!]!++;
    if (pred[i] === labels[i]) right++;
  }
  const perClass = confusion.map((row, c) => {
    const n = row.reduce((a, b) => a + b, 0);
    return n ? row[c]! / n : NaN;
  });
  let agreement: number | null = null;
  let kl: number | null = null;
  if (reference) {
    const refPred = argmaxRows(reference, B, classes);
    const lp = logSoftmax(logits, B, classes);
    const lr = logSoftmax(reference, B, classes);
    let same = 0;
    let sum = 0;
    for (let i = 0; i < B; i++) {
      if (refPred[i] === pred[i]) same++;
      for (let c = 0; c < classes; c++) {
        const a = lr[i * classes + c]!;
        sum += Math.exp(a) * (a - lp[i * classes + c]!);
      }
    }
    agreement = B ? same / B : NaN;
    kl = B ? sum / B : NaN;
  }
  return { count: B, accuracy: B ? right / B : NaN, perClass, confusion, agreement, kl };
}

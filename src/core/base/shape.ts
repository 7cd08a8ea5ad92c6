// Shape arithmetic with overflow checks: element counts must stay exact in a double.

/** Product of dims, or null when a dim is not a non-negative safe integer or the product is not safe. */
export function shapeProduct(shape: readonly number[]): number | null {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) return null;
    n *= d;
    if (!Number.isSafeInteger(n)) return null;
  }
  return n;
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

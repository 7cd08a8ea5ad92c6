// 2×2 max pooling with stride 2 over planes [S, H, W] (S = batch · channels, H and W even): the CPU
// twin of shaders/nn/maxpool.wgsl. Ties go to the first maximum in the order (0,0), (0,1), (1,0),
// (1,1); a NaN is never greater, so it wins only from the first position.

export function maxPool2Forward(
  x: Float32Array,
  planes: number,
  h: number,
  w: number,
): { y: Float32Array; arg: Uint32Array } {
  const oh = h / 2;
  const ow = w / 2;
  const y = new Float32Array(planes * oh * ow);
  const arg = new Uint32Array(y.length);
  let o = 0;
  for (let bc = 0; bc < planes; bc++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++, o++) {
        const base = (bc * h + 2 * oy) * w + 2 * ox;
        let best = base;
        for (const j of [base + 1, base + w, base + w + 1]) if (x[j]! > x[best]!) best = j;
        y[o] = x[best]!;
        arg[o] = best;
      }
  return { y, arg };
}

/** dx[arg[o]] = dy[o], 0 elsewhere; `n` input values. */
export function maxPool2Backward(dy: Float32Array, arg: Uint32Array, n: number): Float32Array {
  const dx = new Float32Array(n);
  for (let i = 0; i < dy.length; i++) dx[arg[i]!]! += dy[i]!;
  return dx;
}

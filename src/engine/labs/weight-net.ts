// Any model's Linear and convolution weights (core/perf/matmul-weights.ts) as a network of matrix
// products, whose work models/work.ts counts for the latency model.
import { Dense } from '../../core/nn/dense.ts';
import type { Net } from '../../core/nn/network.ts';
import type { MatmulWeight } from '../../core/perf/matmul-weights.ts';

/**
 * A network of one product per weight, for the latency model (models/work.ts counts its work): a
 * Linear runs once per token; a convolution once per output position, as the im2col product
 * [positions, in·kh·kw] · [in·kh·kw, out] (its input is counted kh·kw times, an upper bound on the
 * traffic a tiled kernel has). Biases are not counted: a file's biases are a few
 * bytes per output channel. `rows` may give fewer output channels per weight (channels pruned).
 */
export function weightNet(
  weights: readonly MatmulWeight[],
  positions: number,
  rows: ReadonlyMap<string, number> = new Map(),
): Net {
  if (!(Number.isInteger(positions) && positions >= 1))
    throw new RangeError(`conv output positions must be a whole number ≥ 1, not ${positions}`);
  const layers = weights.map(
    (w) =>
      new Dense(
        w.name,
        w.cols,
        rows.get(w.name) ?? w.rows,
        w.kind === 'conv' ? positions : 1,
        false,
      ),
  );
  return {
    arch: 'weights of the file',
    about: 'one matrix product per Linear or convolution weight',
    inSize: layers[0]?.inSize ?? 0,
    classes: layers.at(-1)?.rows ?? 0,
    layers,
  };
}

// Elementwise operations of the demo networks as one function over arrays: the CPU twin of
// shaders/nn/elementwise.wgsl (ReLU and GELU with their gradients, sums, products).

/** The operations, numbered as the shader's OP constant. */
export const ELEMENTWISE_OP = {
  relu: 0,
  gelu: 1,
  reluBackward: 2,
  geluBackward: 3,
  add: 4,
  addPeriodic: 5,
  multiply: 6,
} as const;

export type ElementwiseOp = (typeof ELEMENTWISE_OP)[keyof typeof ELEMENTWISE_OP];

const GELU_C = Math.sqrt(2 / Math.PI);

/** GELU, tanh approximation (torch's approximate='tanh'). */
export function gelu(v: number): number {
  return 0.5 * v * (1 + Math.tanh(GELU_C * (v + 0.044715 * v * v * v)));
}

/** The derivative of gelu at v. */
export function geluDerivative(v: number): number {
  const u = GELU_C * (v + 0.044715 * v * v * v);
  const t = Math.tanh(u);
  return 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * GELU_C * (1 + 3 * 0.044715 * v * v);
}

/**
 * y[i] = op(a[i], b[i]) for i < n (b unused by relu and gelu). The gradient ops take the forward
 * input as a and dy as b; addPeriodic adds b[i mod period] (a position embedding). ReLU keeps
 * positive values and maps everything else, NaN included, to 0; its gradient passes dy where the
 * input was positive.
 */
export function elementwise(
  op: ElementwiseOp,
  a: Float32Array,
  b: Float32Array | null,
  n: number = a.length,
  period = 1,
): Float32Array {
  const y = new Float32Array(n);
  const B = b ?? new Float32Array(0);
  for (let i = 0; i < n; i++) {
    const v = a[i]!;
    switch (op) {
      case ELEMENTWISE_OP.relu:
        y[i] = v > 0 ? v : 0;
        break;
      case ELEMENTWISE_OP.gelu:
        y[i] = gelu(v);
        break;
      case ELEMENTWISE_OP.reluBackward:
        y[i] = v > 0 ? B[i]! : 0;
        break;
      case ELEMENTWISE_OP.geluBackward:
        y[i] = B[i]! * geluDerivative(v);
        break;
      case ELEMENTWISE_OP.add:
        y[i] = v + B[i]!;
        break;
      case ELEMENTWISE_OP.addPeriodic:
        y[i] = v + B[i % period]!;
        break;
      default:
        y[i] = v * B[i]!;
    }
  }
  return y;
}

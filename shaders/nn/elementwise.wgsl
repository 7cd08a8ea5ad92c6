// Elementwise operations of the demo networks (twins: Relu, Gelu, Residual, AddPosition in
// src/core/net.ts). Mapping: one invocation per element, 256 per workgroup, 2-D grid for large n.
//   OP 0  y = relu(a)              OP 1  y = gelu_tanh(a)
//   OP 2  y = b · relu'(a)         OP 3  y = b · gelu_tanh'(a)     (a: forward input, b: dy)
//   OP 4  y = a + b                OP 5  y = a + b[i mod period]   (position embedding)
//   OP 6  y = a · b

override OP: u32 = 0;

struct Params {
  n: u32,
  period: u32,
  row: u32,
}

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

const GELU_C: f32 = 0.7978845608028654;
// tanh's argument is clamped to ±10, where tanh already rounds to ±1 in f32: some tanh
// implementations (SwiftShader's) overflow to NaN past |u| ≈ 44, i.e. GELU inputs above about 20.
const TANH_MAX: f32 = 10.0;

fn gelu_tanh(v: f32) -> f32 {
  return tanh(clamp(GELU_C * (v + 0.044715 * v * v * v), -TANH_MAX, TANH_MAX));
}

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.y * params.row + gid.x;
  if (gid.x >= params.row || i >= params.n) {
    return;
  }
  let v = a[i];
  switch OP {
    case 0u: {
      y[i] = max(v, 0.0);
    }
    case 1u: {
      y[i] = 0.5 * v * (1.0 + gelu_tanh(v));
    }
    case 2u: {
      y[i] = select(0.0, b[i], v > 0.0);
    }
    case 3u: {
      let t = gelu_tanh(v);
      let d = 0.5 * (1.0 + t) + 0.5 * v * (1.0 - t * t) * GELU_C * (1.0 + 3.0 * 0.044715 * v * v);
      y[i] = b[i] * d;
    }
    case 4u: {
      y[i] = v + b[i];
    }
    case 5u: {
      y[i] = v + b[i % params.period];
    }
    default: {
      y[i] = v * b[i];
    }
  }
}

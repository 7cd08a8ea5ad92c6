// y[B, N] = x[B, K] · W[N, K]ᵀ (+ b), the direct variant of linear.wgsl: no workgroup memory and no
// barriers, each invocation reads its row of x and its row of W (twin: linearForward in
// src/core/nn.ts). On adapters where barriers are slow (SwiftShader) this beats the tiled kernel, and
// it is the fair dense baseline for the sparse kernels, which share its mapping. S is the storage
// type of x and W (f16 in the variant src/gpu/f16-linear.ts writes from this text; sums stay f32).

alias S = f32;
// Mapping: one invocation per output element, 8 × 8 per workgroup (x: output column n, y: row b).

struct Params {
  b: u32,
  k: u32,
  n: u32,
  bias: u32,
}

@group(0) @binding(0) var<storage, read> x: array<S>;
@group(0) @binding(1) var<storage, read> w: array<S>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let r = gid.x;
  let b = gid.y;
  if (r >= params.n || b >= params.b) {
    return;
  }
  var acc = 0.0;
  let xo = b * params.k;
  let wo = r * params.k;
  for (var k = 0u; k < params.k; k++) {
    acc += f32(x[xo + k]) * f32(w[wo + k]);
  }
  if (params.bias != 0u) {
    acc += bias[r];
  }
  y[b * params.n + r] = acc;
}

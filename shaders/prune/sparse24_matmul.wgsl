// y[B, N] = x[B, K] · Wᵀ + b with W in 2:4 compressed form (twin: sparse24Matmul in
// src/core/sparse.ts): `values` [N, K/2], the two kept values of each group of four; `positions` (meta), their
// positions (2 bits each, 4 bits a group, 8 groups a u32, ceil(K/32) words a row). Half the
// multiply-adds and about 0.56 of the weight bytes of dense fp32 (values + 2-bit positions).
// Mapping: one invocation per output element, 8 × 8 per workgroup (x: output column n, y: row b);
// each loads one metadata word per 8 groups.

struct Params {
  b: u32,
  k: u32,
  n: u32,
  bias: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> values: array<f32>;
@group(0) @binding(2) var<storage, read> positions: array<u32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;
@group(0) @binding(5) var<uniform> params: Params;

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let r = gid.x;
  let b = gid.y;
  if (r >= params.n || b >= params.b) {
    return;
  }
  let groups = params.k / 4u;
  let wpr = (params.k + 31u) / 32u;
  var acc = 0.0;
  var word = 0u;
  for (var g = 0u; g < groups; g++) {
    if ((g & 7u) == 0u) {
      word = positions[r * wpr + (g >> 3u)];
    }
    let nib = (word >> (4u * (g & 7u))) & 15u;
    let xo = b * params.k + g * 4u;
    let vo = (r * groups + g) * 2u;
    acc += values[vo] * x[xo + (nib & 3u)] + values[vo + 1u] * x[xo + (nib >> 2u)];
  }
  if (params.bias != 0u) {
    acc += bias[r];
  }
  y[b * params.n + r] = acc;
}

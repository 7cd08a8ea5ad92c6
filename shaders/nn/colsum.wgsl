// Column sums: out[j] (+)= Σ_r a[r, j] over a [rows, n] matrix; bias and norm gradients (twin: the
// db / dγ / dβ loops of src/core/nn.ts and src/core/net.ts). Mapping: one invocation per column,
// 64 per workgroup, looping over the rows in order.

override ACCUMULATE: bool = false;

struct Params {
  rows: u32,
  n: u32,
}

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let j = gid.x;
  if (j >= params.n) {
    return;
  }
  var s = 0.0;
  for (var r = 0u; r < params.rows; r++) {
    s += a[r * params.n + j];
  }
  if (ACCUMULATE) {
    s += out[j];
  }
  out[j] = s;
}

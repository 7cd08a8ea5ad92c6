// y[B, N] = x[B, K] · Wᵀ + b with W in CSR form (twin: csrMatmul in src/core/sparse.ts): row n's
// non-zeros are values[rowPtr[n] .. rowPtr[n+1]) at columns colIdx[…]. Each non-zero costs a value,
// an index and a gathered x: CSR pays off only at high sparsity (npm run bench sweeps it).
// Mapping: one invocation per output element, 8 × 8 per workgroup (x: output column n, y: row b).

struct Params {
  b: u32,
  k: u32,
  n: u32,
  bias: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> row_ptr: array<u32>;
@group(0) @binding(2) var<storage, read> col_idx: array<u32>;
@group(0) @binding(3) var<storage, read> values: array<f32>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;
@group(0) @binding(5) var<storage, read_write> y: array<f32>;
@group(0) @binding(6) var<uniform> params: Params;

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let r = gid.x;
  let b = gid.y;
  if (r >= params.n || b >= params.b) {
    return;
  }
  var acc = 0.0;
  let xo = b * params.k;
  for (var j = row_ptr[r]; j < row_ptr[r + 1u]; j++) {
    acc += values[j] * x[xo + col_idx[j]];
  }
  if (params.bias != 0u) {
    acc += bias[r];
  }
  y[b * params.n + r] = acc;
}

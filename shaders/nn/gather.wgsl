// y[s, i] = x[s, idx[i]] for each of the samples s, n values per sample: patch extraction and its
// inverse (twin: Patchify in src/core/net.ts). Mapping: one invocation per output value, 256 per
// workgroup, 2-D grid for large outputs.

struct Params {
  total: u32,
  n: u32,
  row: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> idx: array<u32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let o = gid.y * params.row + gid.x;
  if (gid.x >= params.row || o >= params.total) {
    return;
  }
  let s = o / params.n;
  y[o] = x[s * params.n + idx[o % params.n]];
}

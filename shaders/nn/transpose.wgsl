// Batched transpose: y[s, j, i] = x[s, i, j] for s < batches, x being [rows, cols] per batch
// (twin: the NHWC ↔ NCHW reorderings of Conv2d in src/core/net.ts). Mapping: one invocation per
// output value, 256 per workgroup, 2-D grid for large outputs.

struct Params {
  total: u32,
  rows: u32,
  cols: u32,
  row: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let o = gid.y * params.row + gid.x;
  if (gid.x >= params.row || o >= params.total) {
    return;
  }
  let per = params.rows * params.cols;
  let s = o / per;
  let r = o % per;
  // Output [cols, rows]: r = j · rows + i.
  let j = r / params.rows;
  let i = r % params.rows;
  y[o] = x[s * per + i * params.cols + j];
}

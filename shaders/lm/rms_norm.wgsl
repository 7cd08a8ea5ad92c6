// RMSNorm of the Llama blocks: y[r] = x[r] / √(mean(x[r]²) + eps) · w for `rows` rows of `dim`
// values (twin: rmsNorm in src/core/lm/ops.ts).
// Mapping: one workgroup per row (rows spread over x and y past 65,535); its WG invocations stride
// along the row summing squares, the WG partial sums meet in workgroup memory and every invocation
// adds all of them in the same order (one barrier: barriers are what costs most on SwiftShader, and
// WG reads of one shared value are broadcasts on GPUs), then scales its strided values.

override WG: u32 = 64u;

struct Params {
  rows: u32,
  dim: u32,
  eps: f32,
  // Workgroups per row of the dispatch grid.
  gx: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

var<workgroup> part: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(local_invocation_id) lid: vec3<u32>,
) {
  let r = wg.y * params.gx + wg.x;
  // Workgroup-uniform, so the barriers below stay in uniform control flow.
  if (r >= params.rows) {
    return;
  }
  let dim = params.dim;
  let o = r * dim;
  var s = 0.0;
  for (var i = lid.x; i < dim; i += WG) {
    let v = x[o + i];
    s += v * v;
  }
  part[lid.x] = s;
  workgroupBarrier();
  var total = 0.0;
  for (var j = 0u; j < WG; j++) {
    total += part[j];
  }
  let inv = 1.0 / sqrt(total / f32(dim) + params.eps);
  for (var i = lid.x; i < dim; i += WG) {
    y[o + i] = w[i] * (x[o + i] * inv);
  }
}

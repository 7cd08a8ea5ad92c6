// One Adam step, torch.optim.Adam / AdamW semantics (twin: adamStep in src/core/nn.ts, with the
// decoupled decay of src/models/train.ts): p ← p·(1 − lr·wd); m, v moments; p ← p − lr·m̂/(√v̂ + eps).
// With MASKED, entries whose mask is 0 get a zero gradient and stay 0. Mapping: one invocation per
// parameter, 256 per workgroup, 2-D grid for large tensors.

override MASKED: bool = false;

struct Params {
  n: u32,
  row: u32,
  lr: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  c1: f32,
  c2: f32,
  decay: f32,
}

@group(0) @binding(0) var<storage, read> g: array<f32>;
@group(0) @binding(1) var<storage, read> mask: array<f32>;
@group(0) @binding(2) var<storage, read_write> p: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;
@group(0) @binding(5) var<uniform> params: Params;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.y * params.row + gid.x;
  if (gid.x >= params.row || i >= params.n) {
    return;
  }
  var gi = g[i];
  if (MASKED && mask[i] == 0.0) {
    gi = 0.0;
  }
  let w = p[i] * params.decay;
  let mi = params.beta1 * m[i] + (1.0 - params.beta1) * gi;
  let vi = params.beta2 * v[i] + (1.0 - params.beta2) * gi * gi;
  m[i] = mi;
  v[i] = vi;
  var nw = w - params.lr * (mi / params.c1) / (sqrt(vi / params.c2) + params.eps);
  if (MASKED && mask[i] == 0.0) {
    nw = 0.0;
  }
  p[i] = nw;
}

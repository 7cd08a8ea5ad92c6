// Naive attention, the baseline FlashAttention avoids: the whole score matrix S [BH, N, N] is
// written to memory, then each row is normalised and multiplied by V (twin: attentionReference in
// src/core/attention.ts). Memory grows with N²: at N = 4096 and 32 heads, fp32 scores are 2 GiB.
//   STAGE 0: one invocation per score, S[h, i, j] = q_i·k_j·scale (−inf after i when causal)
//   STAGE 1: one invocation per query row: softmax of its scores, O_i = Σ_j P_ij v_j
// 64 invocations per workgroup; a 2-D grid where one dimension would pass 65,535 workgroups.

override D: u32 = 64;
override STAGE: u32 = 0;
override CAUSAL: bool = false;

struct Params {
  bh: u32,
  n: u32,
  scale: f32,
  row: u32,
}

@group(0) @binding(0) var<storage, read> q: array<f32>;
@group(0) @binding(1) var<storage, read> k: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read_write> s: array<f32>;
@group(0) @binding(4) var<storage, read_write> o: array<f32>;
@group(0) @binding(5) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let N = params.n;
  let g = gid.y * params.row + gid.x;
  if (gid.x >= params.row) {
    return;
  }
  if (STAGE == 0u) {
    if (g >= params.bh * N * N) {
      return;
    }
    let j = g % N;
    let i = (g / N) % N;
    let h = g / (N * N);
    if (CAUSAL && j > i) {
      s[g] = -3.4e38;
      return;
    }
    var acc = 0.0;
    for (var c = 0u; c < D; c++) {
      acc += q[(h * N + i) * D + c] * k[(h * N + j) * D + c];
    }
    s[g] = acc * params.scale;
    return;
  }
  if (g >= params.bh * N) {
    return;
  }
  let row = g * N;
  var m = -3.4e38;
  for (var j = 0u; j < N; j++) {
    m = max(m, s[row + j]);
  }
  var l = 0.0;
  for (var j = 0u; j < N; j++) {
    l += exp(s[row + j] - m);
  }
  let h = g / N;
  for (var c = 0u; c < D; c++) {
    var acc = 0.0;
    for (var j = 0u; j < N; j++) {
      acc += exp(s[row + j] - m) * v[(h * N + j) * D + c];
    }
    o[g * D + c] = acc / l;
  }
}

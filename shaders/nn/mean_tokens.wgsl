// Mean over T tokens (twin: MeanTokens in src/core/net.ts):
//   forward (BACKWARD false): y[b, d] = Σ_t x[b, t, d] / T, one invocation per (b, d)
//   backward (true): dx[b, t, d] = dy[b, d] / T, one invocation per (b, t, d)
// 64 invocations per workgroup.

override BACKWARD: bool = false;

struct Params {
  total: u32,
  t: u32,
  d: u32,
}

@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let o = gid.x;
  if (o >= params.total) {
    return;
  }
  let D = params.d;
  let T = params.t;
  if (!BACKWARD) {
    let b = o / D;
    let d = o % D;
    var s = 0.0;
    for (var t = 0u; t < T; t++) {
      s += src[(b * T + t) * D + d] / f32(T);
    }
    dst[o] = s;
    return;
  }
  let b = o / (T * D);
  dst[o] = src[b * D + o % D] / f32(T);
}

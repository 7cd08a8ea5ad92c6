// Pass 2 of tensor statistics: per-workgroup sums of d², d³, d⁴ with d = x · inv_scale − mean_scaled
// (= (x − mean) · inv_scale, scaled first so that x − mean cannot overflow), over finite x only.
// inv_scale is a power of two chosen so |d| ≤ 2 and d⁴ cannot overflow.
// Mapping: grid-stride loop as in reduce_stats.wgsl; partials[workgroup_id.x] = (m2, m3, m4, 0).
// Twin: momentsCpu in src/core/stats.ts.

override WG: u32 = 256;

struct Params {
  n: u32,
  stride: u32,
  mean_scaled: f32,
  inv_scale: f32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> partials: array<vec4<f32>>;
@group(0) @binding(2) var<uniform> params: Params;

var<workgroup> s_m: array<vec4<f32>, WG>;

@compute @workgroup_size(WG)
fn main(
  @builtin(global_invocation_id) gid: vec3<u32>,
  @builtin(local_invocation_id) lid: vec3<u32>,
  @builtin(workgroup_id) wid: vec3<u32>,
) {
  var m = vec4<f32>(0.0);
  for (var i = gid.x; i < params.n; i += params.stride) {
    let v = x[i];
    if ((bitcast<u32>(v) & 0x7f800000u) == 0x7f800000u) {
      continue;
    }
    let d = v * params.inv_scale - params.mean_scaled;
    let d2 = d * d;
    m += vec4<f32>(d2, d2 * d, d2 * d2, 0.0);
  }
  let l = lid.x;
  s_m[l] = m;
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half /= 2u) {
    if (l < half) {
      s_m[l] = s_m[l] + s_m[l + half];
    }
    workgroupBarrier();
  }
  if (l == 0u) {
    partials[wid.x] = s_m[0];
  }
}

// Pass 1 of tensor statistics: per-workgroup extremes, shifted sum Σ(x − shift) and counts.
// Mapping: invocation g (global id) visits x[g], x[g + stride], ... with stride = WG · workgroups;
// each workgroup then tree-reduces its WG partials and writes partials[workgroup_id.x].
// Twin: rangeCpu in src/core/stats.ts (partials are merged on the CPU in float64).

override WG: u32 = 256;

struct Partial {
  minv: f32,
  maxv: f32,
  sum: f32,
  absmax: f32,
  finite: u32,
  zeros: u32,
  nans: u32,
  posinf: u32,
  neginf: u32,
}

struct Params {
  n: u32,
  stride: u32,
  // Subtracted before summing (the caller passes a value of the tensor): float32 sums of values far
  // from 0 lose the digits that make their mean, and a constant tensor must come out exact.
  shift: f32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> partials: array<Partial>;
@group(0) @binding(2) var<uniform> params: Params;

const F32_MAX: f32 = 0x1.fffffep+127f;

var<workgroup> s_min: array<f32, WG>;
var<workgroup> s_max: array<f32, WG>;
var<workgroup> s_sum: array<f32, WG>;
var<workgroup> s_cnt: array<vec4<u32>, WG>;
var<workgroup> s_neginf: array<u32, WG>;

@compute @workgroup_size(WG)
fn main(
  @builtin(global_invocation_id) gid: vec3<u32>,
  @builtin(local_invocation_id) lid: vec3<u32>,
  @builtin(workgroup_id) wid: vec3<u32>,
) {
  var mn = F32_MAX;
  var mx = -F32_MAX;
  var sum = 0.0;
  // finite, zeros, nans, posinf
  var cnt = vec4<u32>(0u);
  var neginf = 0u;
  for (var i = gid.x; i < params.n; i += params.stride) {
    let v = x[i];
    let b = bitcast<u32>(v);
    if ((b & 0x7f800000u) == 0x7f800000u) {
      if ((b & 0x007fffffu) != 0u) {
        cnt.z += 1u;
      } else if ((b >> 31u) == 0u) {
        cnt.w += 1u;
      } else {
        neginf += 1u;
      }
      continue;
    }
    cnt.x += 1u;
    if ((b & 0x7fffffffu) == 0u) {
      cnt.y += 1u;
    }
    mn = min(mn, v);
    mx = max(mx, v);
    sum += v - params.shift;
  }
  let l = lid.x;
  s_min[l] = mn;
  s_max[l] = mx;
  s_sum[l] = sum;
  s_cnt[l] = cnt;
  s_neginf[l] = neginf;
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half /= 2u) {
    if (l < half) {
      s_min[l] = min(s_min[l], s_min[l + half]);
      s_max[l] = max(s_max[l], s_max[l + half]);
      s_sum[l] = s_sum[l] + s_sum[l + half];
      s_cnt[l] = s_cnt[l] + s_cnt[l + half];
      s_neginf[l] = s_neginf[l] + s_neginf[l + half];
    }
    workgroupBarrier();
  }
  if (l == 0u) {
    let c = s_cnt[0];
    var p: Partial;
    p.minv = s_min[0];
    p.maxv = s_max[0];
    p.sum = s_sum[0];
    p.absmax = max(abs(s_min[0]), abs(s_max[0]));
    p.finite = c.x;
    p.zeros = c.y;
    p.nans = c.z;
    p.posinf = c.w;
    p.neginf = s_neginf[0];
    partials[wid.x] = p;
  }
}

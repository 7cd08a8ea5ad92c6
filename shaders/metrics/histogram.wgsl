// Histogram of finite values into `bins` equal bins over [lo, hi] (last bin closed).
// Mapping: grid-stride loop as in reduce_stats.wgsl; each workgroup counts into workgroup-local
// atomics, then adds its non-zero bins to the global counts with one atomicAdd each.
// Bin rule (bit-identical to binOf in src/core/histogram.ts): t = (x − lo) · scale in f32,
// bin = min(floor(t), bins − 1). WGSL rounds f32 − and · correctly, so CPU and GPU agree exactly.

override WG: u32 = 256;
// 8 KiB of workgroup memory; src/core/histogram.ts MAX_BINS must match.
override MAX_BINS: u32 = 2048;

struct Params {
  n: u32,
  stride: u32,
  bins: u32,
  lo: f32,
  hi: f32,
  scale: f32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> counts: array<atomic<u32>>;
@group(0) @binding(2) var<uniform> params: Params;

var<workgroup> local_counts: array<atomic<u32>, MAX_BINS>;

@compute @workgroup_size(WG)
fn main(
  @builtin(global_invocation_id) gid: vec3<u32>,
  @builtin(local_invocation_id) lid: vec3<u32>,
) {
  let bins = min(params.bins, MAX_BINS);
  for (var k = lid.x; k < bins; k += WG) {
    atomicStore(&local_counts[k], 0u);
  }
  workgroupBarrier();
  let last = f32(bins - 1u);
  for (var i = gid.x; i < params.n; i += params.stride) {
    let v = x[i];
    if ((bitcast<u32>(v) & 0x7f800000u) == 0x7f800000u) {
      continue;
    }
    if (v < params.lo || v > params.hi) {
      continue;
    }
    let t = (v - params.lo) * params.scale;
    let k = u32(min(floor(t), last));
    atomicAdd(&local_counts[k], 1u);
  }
  workgroupBarrier();
  for (var k = lid.x; k < bins; k += WG) {
    let c = atomicLoad(&local_counts[k]);
    if (c != 0u) {
      atomicAdd(&counts[k], c);
    }
  }
}

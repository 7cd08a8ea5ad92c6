// Integer quantize–dequantize with error statistics (twin: quantize() in src/core/quant.ts, format
// 'int'). Mapping: one invocation per segment, grid-stride over segments. A segment is a contiguous
// run of elements of one block (and of one error-map cell), at most a few thousand long; its
// invocation quantizes every element, writes the code (when CODES), and writes eight sums:
// count, Σe², Σe² of clipped values, clipped count, Σx², Σx·x̂, Σx̂², max|e|.
// Rounding: nearest is round(x / scale) (WGSL round is half to even; division is accurate to
// 2.5 ULP, so a value within an ULP of a tie may land one code away from the CPU's); stochastic is
// floor(x / scale + u), u from the PCG hash of (flat index ^ hash(seed)) as in the core.

override WG: u32 = 64;
override CODES: bool = false;
override STOCHASTIC: bool = false;

struct Params {
  segments: u32,
  stride: u32,
  qmin: f32,
  qmax: f32,
  // Flat index of this chunk's first element (for the random stream).
  base: u32,
  seed_hash: u32,
}

// x of this chunk; segments as (start, length, local block) triplets; per local block
// (scale, zero point, clip low, clip high): the bounds beyond which a value is clipped.
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> segments: array<u32>;
@group(0) @binding(2) var<storage, read> blocks: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> codes: array<i32>;
@group(0) @binding(4) var<storage, read_write> sums: array<f32>;
@group(0) @binding(5) var<uniform> params: Params;

fn pcg(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

fn is_finite(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7f800000u) != 0x7f800000u;
}

fn is_nan(v: f32) -> bool {
  let b = bitcast<u32>(v);
  return (b & 0x7f800000u) == 0x7f800000u && (b & 0x007fffffu) != 0u;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  for (var s = gid.x; s < params.segments; s += params.stride) {
    let start = segments[3u * s];
    let len = segments[3u * s + 1u];
    let blk = blocks[segments[3u * s + 2u]];
    let scale = blk.x;
    let zp = blk.y;
    var count = 0.0;
    var sse = 0.0;
    var clip_sse = 0.0;
    var clipped = 0.0;
    var signal = 0.0;
    var xq_dot = 0.0;
    var qq = 0.0;
    var max_abs = 0.0;
    for (var p = start; p < start + len; p++) {
      let v = x[p];
      var code = zp;
      // Past the clipping bounds (half a step beyond the end codes) a value saturates without a
      // division, which could overflow; ±Inf land here too.
      if (v > blk.w) {
        code = params.qmax;
      } else if (v < blk.z) {
        code = params.qmin;
      } else if (!is_nan(v)) {
        let y = v / scale;
        var r: f32;
        if (STOCHASTIC) {
          let u = f32(pcg((params.base + p) ^ params.seed_hash) >> 8u) * (1.0 / 16777216.0);
          r = floor(y + u);
        } else {
          r = round(y);
        }
        code = clamp(r + zp, params.qmin, params.qmax);
      }
      if (CODES) {
        codes[p] = i32(code);
      }
      let q = (code - zp) * scale;
      if (!is_finite(v) || !is_finite(q)) {
        continue;
      }
      let e = v - q;
      let e2 = e * e;
      count += 1.0;
      sse += e2;
      if (v < blk.z || v > blk.w) {
        clipped += 1.0;
        clip_sse += e2;
      }
      signal += v * v;
      xq_dot += v * q;
      qq += q * q;
      max_abs = max(max_abs, abs(e));
    }
    let o = 8u * s;
    sums[o] = count;
    sums[o + 1u] = sse;
    sums[o + 2u] = clip_sse;
    sums[o + 3u] = clipped;
    sums[o + 4u] = signal;
    sums[o + 5u] = xq_dot;
    sums[o + 6u] = qq;
    sums[o + 7u] = max_abs;
  }
}

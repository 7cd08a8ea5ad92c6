// C[M, N] = A[M, K] · B (+ bias[N]), B stored [K, N] (ONNX MatMul) or, with TRANS_B, [N, K] (a
// Linear weight). Register-blocked: each workgroup of 8 × 8 invocations computes a 32 × 32 tile of
// C, each invocation a 4 × 4 block of it held as four vec4 rows. K is walked in slices of BK: the
// workgroup stages A[32 rows × BK] and B[BK × 32 columns] in workgroup memory as vec4s, then each
// vec4 an invocation loads from there feeds four vec4 multiply-adds (the tiled kernel uses each
// loaded value once). Twin: matmul in src/core/matmul.ts. The f16 variant only changes the storage
// type S (sums stay f32); src/gpu/matmul.ts writes it from this text.

alias S = f32;

override TRANS_B: bool = false;
override BIAS: bool = false;

const TILE: u32 = 32u;
const BK: u32 = 32u;
const WG: u32 = 8u;

struct Params {
  m: u32,
  k: u32,
  n: u32,
}

@group(0) @binding(0) var<storage, read> a: array<S>;
@group(0) @binding(1) var<storage, read> b: array<S>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

// as_[kk][r / 4] holds rows r..r+3 of column kk of the A slice; bs[kk][col / 4] columns col..col+3
// of row kk of the B slice.
var<workgroup> as_: array<vec4<f32>, BK * TILE / 4u>;
var<workgroup> bs: array<vec4<f32>, BK * TILE / 4u>;

fn a_at(r: u32, kk: u32) -> f32 {
  if (r < params.m && kk < params.k) {
    return f32(a[r * params.k + kk]);
  }
  return 0.0;
}

fn b_at(kk: u32, col: u32) -> f32 {
  if (col < params.n && kk < params.k) {
    if (TRANS_B) {
      return f32(b[col * params.k + kk]);
    }
    return f32(b[kk * params.n + col]);
  }
  return 0.0;
}

@compute @workgroup_size(WG, WG)
fn main(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(local_invocation_id) lid: vec3<u32>,
  @builtin(local_invocation_index) li: u32,
) {
  let M = params.m;
  let N = params.n;
  let row0 = wg.y * TILE;
  let col0 = wg.x * TILE;
  var acc: array<vec4<f32>, 4>;
  for (var t = 0u; t < params.k; t += BK) {
    // BK × 8 vec4s of each slice, four per invocation. A: consecutive invocations take consecutive
    // k of the same four rows; B: consecutive columns (or consecutive k when transposed).
    for (var e = li; e < BK * TILE / 4u; e += WG * WG) {
      let kk = e % BK;
      let r4 = e / BK;
      let r = row0 + r4 * 4u;
      as_[kk * (TILE / 4u) + r4] = vec4(
        a_at(r, t + kk),
        a_at(r + 1u, t + kk),
        a_at(r + 2u, t + kk),
        a_at(r + 3u, t + kk),
      );
    }
    for (var e = li; e < BK * TILE / 4u; e += WG * WG) {
      var kk: u32;
      var c4: u32;
      if (TRANS_B) {
        kk = e % BK;
        c4 = e / BK;
      } else {
        kk = e / (TILE / 4u);
        c4 = e % (TILE / 4u);
      }
      let col = col0 + c4 * 4u;
      bs[kk * (TILE / 4u) + c4] = vec4(
        b_at(t + kk, col),
        b_at(t + kk, col + 1u),
        b_at(t + kk, col + 2u),
        b_at(t + kk, col + 3u),
      );
    }
    workgroupBarrier();
    for (var kk = 0u; kk < BK; kk++) {
      let av = as_[kk * (TILE / 4u) + lid.y];
      let bv = bs[kk * (TILE / 4u) + lid.x];
      acc[0] += av.x * bv;
      acc[1] += av.y * bv;
      acc[2] += av.z * bv;
      acc[3] += av.w * bv;
    }
    workgroupBarrier();
  }
  let col = col0 + lid.x * 4u;
  for (var i = 0u; i < 4u; i++) {
    let row = row0 + lid.y * 4u + i;
    if (row < M) {
      for (var j = 0u; j < 4u; j++) {
        if (col + j < N) {
          var v = acc[i][j];
          if (BIAS) {
            v += bias[col + j];
          }
          c[row * N + col + j] = v;
        }
      }
    }
  }
}

// C[M, N] = A[M, K] · B (+ bias[N]), B stored [K, N] (ONNX MatMul) or, with TRANS_B, [N, K] (a
// Linear weight). Register-blocked: each workgroup computes a 64 × 64 tile of C with 16 × 16
// invocations, each invocation a 4 × 4 block of it (rows lid.y + 16·i, columns lid.x + 16·j, so
// neighbouring invocations write neighbouring addresses). K is walked in slices of 16: the
// workgroup stages A[64 rows × 16] and B[16 × 64 columns] in workgroup memory, then every value an
// invocation loads from there is used four times from registers (the tiled kernel uses it once).
// Twin: matmul in src/core/matmul.ts. The f16 variant only changes the storage type S (sums stay
// f32); src/gpu/matmul.ts writes it from this text.

alias S = f32;

override TRANS_B: bool = false;
override BIAS: bool = false;

const BM: u32 = 64u;
const BN: u32 = 64u;
const BK: u32 = 16u;
const T: u32 = 16u;

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

// as_[kk][r] and bs[kk][col]: one slice of K.
var<workgroup> as_: array<f32, BK * BM>;
var<workgroup> bs: array<f32, BK * BN>;

@compute @workgroup_size(16, 16)
fn main(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(local_invocation_id) lid: vec3<u32>,
  @builtin(local_invocation_index) li: u32,
) {
  let M = params.m;
  let K = params.k;
  let N = params.n;
  let row0 = wg.y * BM;
  let col0 = wg.x * BN;
  var acc: array<f32, 16>;
  for (var i = 0u; i < 16u; i++) {
    acc[i] = 0.0;
  }
  for (var t = 0u; t < K; t += BK) {
    // 1,024 values of each tile, four per invocation; consecutive invocations read consecutive
    // addresses along K for A (and for B when transposed), along N for B otherwise.
    for (var e = li; e < BM * BK; e += T * T) {
      let r = e / BK;
      let kk = e % BK;
      var v = 0.0;
      if (row0 + r < M && t + kk < K) {
        v = f32(a[(row0 + r) * K + t + kk]);
      }
      as_[kk * BM + r] = v;
    }
    for (var e = li; e < BK * BN; e += T * T) {
      var kk: u32;
      var col: u32;
      if (TRANS_B) {
        col = e / BK;
        kk = e % BK;
      } else {
        kk = e / BN;
        col = e % BN;
      }
      var v = 0.0;
      if (col0 + col < N && t + kk < K) {
        if (TRANS_B) {
          v = f32(b[(col0 + col) * K + t + kk]);
        } else {
          v = f32(b[(t + kk) * N + col0 + col]);
        }
      }
      bs[kk * BN + col] = v;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < BK; kk++) {
      var ar: array<f32, 4>;
      var br: array<f32, 4>;
      for (var i = 0u; i < 4u; i++) {
        ar[i] = as_[kk * BM + lid.y + i * T];
        br[i] = bs[kk * BN + lid.x + i * T];
      }
      for (var i = 0u; i < 4u; i++) {
        for (var j = 0u; j < 4u; j++) {
          acc[i * 4u + j] += ar[i] * br[j];
        }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i++) {
    let row = row0 + lid.y + i * T;
    for (var j = 0u; j < 4u; j++) {
      let col = col0 + lid.x + j * T;
      if (row < M && col < N) {
        var v = acc[i * 4u + j];
        if (BIAS) {
          v += bias[col];
        }
        c[row * N + col] = v;
      }
    }
  }
}

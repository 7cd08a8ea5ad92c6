// C[M, N] = A[M, K] · B (+ bias[N]) for few rows (M ≤ ROWS ≤ 8): a stream over B, which is read
// once, with each invocation keeping one sum per row of A in registers. Memory-bound by nature, so
// the mapping is chosen for coalesced reads of B:
// - B stored [K, N]: one invocation per output column; at each k the workgroup's invocations read
//   neighbouring columns. A is staged 64 values of K at a time in workgroup memory.
// - TRANS_B (B stored [N, K], a Linear weight): one workgroup per output column; its 64 invocations
//   stride along the column's contiguous row of B and the partial sums are reduced in workgroup
//   memory.
// Twin: matmul in src/core/matmul.ts. The f16 variant only changes the storage type S.

alias S = f32;

override TRANS_B: bool = false;
override BIAS: bool = false;
override ROWS: u32 = 1u;

const WG: u32 = 64u;
const MAX_ROWS: u32 = 8u;

struct Params {
  m: u32,
  k: u32,
  n: u32,
  // Workgroups per row of the dispatch grid (TRANS_B: columns are spread over x and y).
  gx: u32,
}

@group(0) @binding(0) var<storage, read> a: array<S>;
@group(0) @binding(1) var<storage, read> b: array<S>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

var<workgroup> tile: array<f32, MAX_ROWS * WG>;

@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(local_invocation_id) lid: vec3<u32>,
) {
  let M = params.m;
  let K = params.k;
  let N = params.n;
  var acc: array<f32, MAX_ROWS>;
  for (var r = 0u; r < MAX_ROWS; r++) {
    acc[r] = 0.0;
  }
  if (TRANS_B) {
    let col = wg.y * params.gx + wg.x;
    // Workgroup-uniform, so the barriers below stay in uniform control flow.
    if (col >= N) {
      return;
    }
    for (var t = lid.x; t < K; t += WG) {
      let w = f32(b[col * K + t]);
      for (var r = 0u; r < ROWS; r++) {
        if (r < M) {
          acc[r] += f32(a[r * K + t]) * w;
        }
      }
    }
    for (var r = 0u; r < ROWS; r++) {
      tile[r * WG + lid.x] = acc[r];
    }
    workgroupBarrier();
    for (var s = WG / 2u; s > 0u; s >>= 1u) {
      if (lid.x < s) {
        for (var r = 0u; r < ROWS; r++) {
          tile[r * WG + lid.x] += tile[r * WG + lid.x + s];
        }
      }
      workgroupBarrier();
    }
    if (lid.x == 0u) {
      for (var r = 0u; r < ROWS; r++) {
        if (r < M) {
          var v = tile[r * WG];
          if (BIAS) {
            v += bias[col];
          }
          c[r * N + col] = v;
        }
      }
    }
    return;
  }
  let col = wg.x * WG + lid.x;
  for (var t0 = 0u; t0 < K; t0 += WG) {
    for (var r = 0u; r < ROWS; r++) {
      var v = 0.0;
      if (r < M && t0 + lid.x < K) {
        v = f32(a[r * K + t0 + lid.x]);
      }
      tile[r * WG + lid.x] = v;
    }
    workgroupBarrier();
    if (col < N) {
      let end = min(WG, K - t0);
      for (var kk = 0u; kk < end; kk++) {
        let w = f32(b[(t0 + kk) * N + col]);
        for (var r = 0u; r < ROWS; r++) {
          acc[r] += tile[r * WG + kk] * w;
        }
      }
    }
    workgroupBarrier();
  }
  if (col < N) {
    for (var r = 0u; r < ROWS; r++) {
      if (r < M) {
        var v = acc[r];
        if (BIAS) {
          v += bias[col];
        }
        c[r * N + col] = v;
      }
    }
  }
}

// FlashAttention-style attention (Dao et al. 2022), forward: O = softmax(Q·Kᵀ/√d [+ causal mask])·V
// for BH independent heads of N tokens and head size D ≤ 128, without ever storing the N × N scores
// (twin: attentionReference in src/core/attention.ts). Memory is linear in N.
// Mapping: one invocation per query row, WG rows per workgroup; each row keeps q, its running max m,
// its running denominator l and its output accumulator in registers. The workgroup walks the keys in
// tiles of TK: all its invocations load the tile's K and V into workgroup memory, then each folds the
// tile into its row with the online softmax (rescaling by exp(m_old − m_new)). Causal masking bounds
// the tiles by the workgroup's last row and skips keys after each row's own position.
// S is the storage type of Q, K and V: f16 in the variant src/gpu/attention.ts writes from this text
// (the tiles, the softmax and the output stay f32).

alias S = f32;

override D: u32 = 64;
override TK: u32 = 16;
override WG: u32 = 64;
override CAUSAL: bool = false;
const MAX_D: u32 = 128;

struct Params {
  bh: u32,
  n: u32,
  scale: f32,
}

@group(0) @binding(0) var<storage, read> q: array<S>;
@group(0) @binding(1) var<storage, read> k: array<S>;
@group(0) @binding(2) var<storage, read> v: array<S>;
@group(0) @binding(3) var<storage, read_write> o: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

var<workgroup> ks: array<f32, TK * D>;
var<workgroup> vs: array<f32, TK * D>;

@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(local_invocation_id) lid: vec3<u32>,
) {
  let N = params.n;
  let h = wg.y;
  let i = wg.x * WG + lid.x;
  let base = h * N * D;
  let live = i < N;
  var qr: array<f32, MAX_D>;
  var acc: array<f32, MAX_D>;
  if (live) {
    for (var c = 0u; c < D; c++) {
      qr[c] = f32(q[base + i * D + c]) * params.scale;
      acc[c] = 0.0;
    }
  }
  var m = -3.4e38;
  var l = 0.0;
  // Keys the workgroup needs: all of them, or up to its last row when causal.
  var end = N;
  if (CAUSAL) {
    end = min(N, (wg.x + 1u) * WG);
  }
  for (var t0 = 0u; t0 < end; t0 += TK) {
    // Load the tile (every invocation takes part, so barriers stay in uniform control flow).
    for (var e = lid.x; e < TK * D; e += WG) {
      let j = t0 + e / D;
      var kv = 0.0;
      var vv = 0.0;
      if (j < N) {
        kv = f32(k[base + j * D + e % D]);
        vv = f32(v[base + j * D + e % D]);
      }
      ks[e] = kv;
      vs[e] = vv;
    }
    workgroupBarrier();
    if (live) {
      for (var jj = 0u; jj < TK; jj++) {
        let j = t0 + jj;
        if (j >= N || (CAUSAL && j > i)) {
          break;
        }
        var s = 0.0;
        for (var c = 0u; c < D; c++) {
          s += qr[c] * ks[jj * D + c];
        }
        let mn = max(m, s);
        let corr = exp(m - mn);
        let p = exp(s - mn);
        l = l * corr + p;
        for (var c = 0u; c < D; c++) {
          acc[c] = acc[c] * corr + p * vs[jj * D + c];
        }
        m = mn;
      }
    }
    workgroupBarrier();
  }
  if (live) {
    for (var c = 0u; c < D; c++) {
      o[base + i * D + c] = acc[c] / l;
    }
  }
}

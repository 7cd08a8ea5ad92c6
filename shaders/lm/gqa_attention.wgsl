// Grouped-query causal attention of the Llama blocks, without storing the scores: for each query
// row at position pos = pos0 + r and query head h, out = softmax(q·kᵀ/√D over keys 0 … pos) · v,
// where head h reads key/value head ⌊h · kvHeads / heads⌋ (twin: gqaAttention in
// src/core/lm/attention.ts). q and out are [rows, heads · D]; k and v are [≥ pos0 + rows,
// kvHeads · D] by position (a window's own keys when pos0 = 0, or a cache).
// Mapping: one invocation per query row, WG rows of one query head per workgroup (x: row block,
// y: head); each row keeps q (scaled by 1/√D), its running max m, its running denominator l and
// its output accumulator in registers. The workgroup walks the keys its last row needs in tiles of
// TK: all its invocations load the tile's keys and values into workgroup memory, then each folds
// the tile into its row with the online softmax (rescaling by exp(m_old − m_new)), stopping at its
// own position. The same scheme as shaders/attention/flash_attention.wgsl, over the
// [rows, heads · D] layout of the projections with shared key/value heads and a position offset.

override D: u32 = 64u;
override TK: u32 = 16u;
override WG: u32 = 64u;
const MAX_D: u32 = 128u;

struct Params {
  rows: u32,
  pos0: u32,
  heads: u32,
  kvHeads: u32,
  scale: f32,
}

@group(0) @binding(0) var<storage, read> q: array<f32>;
@group(0) @binding(1) var<storage, read> k: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read_write> o: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

var<workgroup> ks: array<f32, TK * D>;
var<workgroup> vs: array<f32, TK * D>;

@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(local_invocation_id) lid: vec3<u32>,
) {
  let rows = params.rows;
  let h = wg.y;
  let kvh = h * params.kvHeads / params.heads;
  let kvDim = params.kvHeads * D;
  let i = wg.x * WG + lid.x;
  let live = i < rows;
  let pos = params.pos0 + i;
  let qo = (i * params.heads + h) * D;
  var qr: array<f32, MAX_D>;
  var acc: array<f32, MAX_D>;
  if (live) {
    for (var c = 0u; c < D; c++) {
      qr[c] = q[qo + c] * params.scale;
      acc[c] = 0.0;
    }
  }
  var m = -3.4e38;
  var l = 0.0;
  // Keys up to the workgroup's last live row (workgroup-uniform).
  let end = params.pos0 + min(rows, (wg.x + 1u) * WG);
  for (var t0 = 0u; t0 < end; t0 += TK) {
    // Load the tile (every invocation takes part, so barriers stay in uniform control flow).
    for (var e = lid.x; e < TK * D; e += WG) {
      let j = t0 + e / D;
      var kv = 0.0;
      var vv = 0.0;
      if (j < end) {
        let at = j * kvDim + kvh * D + e % D;
        kv = k[at];
        vv = v[at];
      }
      ks[e] = kv;
      vs[e] = vv;
    }
    workgroupBarrier();
    if (live) {
      for (var jj = 0u; jj < TK; jj++) {
        let j = t0 + jj;
        if (j > pos) {
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
      o[qo + c] = acc[c] / l;
    }
  }
}

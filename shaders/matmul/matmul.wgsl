// C[M, N] = op(A) · op(B) (+ bias[N]), op a transpose when TRANS_A / TRANS_B is set; with
// ACCUMULATE the product is added to C. A is [M, K] (or [K, M] transposed), B is [K, N] (or [N, K]).
// Twins: linearForward / linearBackward in src/core/nn.ts (y = x·Wᵀ + b is TRANS_B; dx = dy·W;
// dW = dyᵀ·x is TRANS_A). Mapping: one invocation per element of C, TILE × TILE per workgroup; A and
// B are staged through workgroup memory one TILE-wide slice of K at a time. S is the storage type of
// A and B (f16 in the variant src/gpu/matmul.ts writes from this text; sums stay f32).

alias S = f32;

override TILE: u32 = 16;
override TRANS_A: bool = false;
override TRANS_B: bool = false;
override BIAS: bool = false;
override ACCUMULATE: bool = false;

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

var<workgroup> as_: array<f32, TILE * TILE>;
var<workgroup> bs: array<f32, TILE * TILE>;

fn a_at(i: u32, k: u32) -> f32 {
  if (i >= params.m || k >= params.k) {
    return 0.0;
  }
  if (TRANS_A) {
    return f32(a[k * params.m + i]);
  }
  return f32(a[i * params.k + k]);
}

fn b_at(k: u32, j: u32) -> f32 {
  if (k >= params.k || j >= params.n) {
    return 0.0;
  }
  if (TRANS_B) {
    return f32(b[j * params.k + k]);
  }
  return f32(b[k * params.n + j]);
}

@compute @workgroup_size(TILE, TILE)
fn main(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(local_invocation_id) lid: vec3<u32>,
) {
  let row = wg.y * TILE + lid.y;
  let col = wg.x * TILE + lid.x;
  var acc = 0.0;
  for (var t = 0u; t < params.k; t += TILE) {
    // as_[r][k] and bs[k][c] for this tile.
    as_[lid.y * TILE + lid.x] = a_at(row, t + lid.x);
    bs[lid.y * TILE + lid.x] = b_at(t + lid.y, col);
    workgroupBarrier();
    for (var k = 0u; k < TILE; k++) {
      acc += as_[lid.y * TILE + k] * bs[k * TILE + lid.x];
    }
    workgroupBarrier();
  }
  if (row < params.m && col < params.n) {
    var v = acc;
    if (BIAS) {
      v += bias[col];
    }
    if (ACCUMULATE) {
      v += c[row * params.n + col];
    }
    c[row * params.n + col] = v;
  }
}

// A dense layer, y[B, N] = x[B, K] · W[N, K]ᵀ + b[N], optionally followed by ReLU (twin:
// linearForward in src/core/nn.ts; torch's Linear layout). Mapping: one invocation per output
// element, TILE × TILE of them per workgroup; x and W are staged through workgroup memory one
// TILE-wide slice of K at a time, so each value is read from storage once per tile.

override TILE: u32 = 16;
override RELU: bool = false;
override BIAS: bool = true;

struct Params {
  rows: u32,
  k: u32,
  n: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

var<workgroup> xs: array<f32, TILE * TILE>;
var<workgroup> ws: array<f32, TILE * TILE>;

@compute @workgroup_size(TILE, TILE)
fn main(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(local_invocation_id) lid: vec3<u32>,
) {
  let row = wg.y * TILE + lid.y;
  let col = wg.x * TILE + lid.x;
  // The output column whose weights this invocation stages.
  let wcol = wg.x * TILE + lid.y;
  let K = params.k;
  var acc = 0.0;
  for (var t = 0u; t < K; t += TILE) {
    let kx = t + lid.x;
    var xv = 0.0;
    if (row < params.rows && kx < K) {
      xv = x[row * K + kx];
    }
    xs[lid.y * TILE + lid.x] = xv;
    var wv = 0.0;
    if (wcol < params.n && kx < K) {
      wv = w[wcol * K + kx];
    }
    // ws[k][n]: k along the tile's rows, n along its columns.
    ws[lid.x * TILE + lid.y] = wv;
    workgroupBarrier();
    for (var k = 0u; k < TILE; k++) {
      acc += xs[lid.y * TILE + k] * ws[k * TILE + lid.x];
    }
    workgroupBarrier();
  }
  if (row < params.rows && col < params.n) {
    var v = acc;
    if (BIAS) {
      v += bias[col];
    }
    if (RELU) {
      v = max(v, 0.0);
    }
    y[row * params.n + col] = v;
  }
}

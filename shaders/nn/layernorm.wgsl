// Layer normalisation over rows of D values, eps EPS (twin: LayerNorm in src/core/net.ts).
//   forward (BACKWARD false): xhat = (x − mean)·rstd, y = xhat·γ + β; keeps xhat and rstd
//   backward (true): dx = rstd·(dy·γ − mean(dy·γ) − xhat·mean(dy·γ·xhat))   (γ, β grads: colsum)
// Mapping: one invocation per row, 64 per workgroup; each loops over its D values.

override EPS: f32 = 1e-5;
override BACKWARD: bool = false;

struct Params {
  rows: u32,
  d: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> gamma: array<f32>;
@group(0) @binding(2) var<storage, read> beta: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<storage, read_write> xhat: array<f32>;
@group(0) @binding(5) var<storage, read_write> rstd: array<f32>;
@group(0) @binding(6) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let r = gid.x;
  if (r >= params.rows) {
    return;
  }
  let D = params.d;
  let o = r * D;
  let fd = f32(D);
  if (!BACKWARD) {
    var mean = 0.0;
    for (var i = 0u; i < D; i++) {
      mean += x[o + i];
    }
    mean /= fd;
    var v = 0.0;
    for (var i = 0u; i < D; i++) {
      let c = x[o + i] - mean;
      v += c * c;
    }
    let rs = 1.0 / sqrt(v / fd + EPS);
    rstd[r] = rs;
    for (var i = 0u; i < D; i++) {
      let h = (x[o + i] - mean) * rs;
      xhat[o + i] = h;
      y[o + i] = h * gamma[i] + beta[i];
    }
    return;
  }
  // Backward: x holds dy; y receives dx.
  var s1 = 0.0;
  var s2 = 0.0;
  for (var i = 0u; i < D; i++) {
    let dh = x[o + i] * gamma[i];
    s1 += dh;
    s2 += dh * xhat[o + i];
  }
  s1 /= fd;
  s2 /= fd;
  for (var i = 0u; i < D; i++) {
    y[o + i] = rstd[r] * (x[o + i] * gamma[i] - s1 - xhat[o + i] * s2);
  }
}

// Rotary position embedding of the Llama q/k rows, in place: x is [rows, heads · headDim] at
// positions pos0 … pos0 + rows − 1, and pair i of every head turns by pos · theta^(−2i/headDim)
// (twin: rope in src/core/lm/ops.ts). HALF_SPLIT pairs dimensions (i, i + headDim/2), as HF
// does; otherwise (2i, 2i + 1), as llama2.c does.
// Accuracy: a float32 angle pos · freq is off by up to half an ulp of the angle (4e-3 rad at
// position 65,536), and sin/cos of large arguments are loose on some GPUs. So the angle is kept in
// turns, reduced modulo 1 exactly: the wrapper gives each pair's turns per position
// t = theta^(−2i/headDim) / 2π (computed in float64) as three float32 pieces c0 + c1 + c2, c0 and
// c1 with at most 12 significant bits; the position is split as pos = a · 4096 + b with a, b < 4096,
// so that every product a · c and b · c of 12-bit numbers is exact in float32 and its fraction is
// exact too. Only the few additions of fractions round, leaving an angle error of about 1e-6 rad
// at any position below 2^24. WGSL's own sin and cos only promise an absolute error of 2^−11 on
// [−π, π] (SwiftShader's are off by 1e-4), so they are not used: the exact quarter-turn is taken
// out of the angle, and sin and cos of the rest (|x| ≤ π/4) come from their Taylor series to x^10,
// within 2e-9 of the true values before float32 rounding.
// Mapping: one invocation per (row, head, pair), 256 per workgroup, on a 2-D grid for large counts.

override HALF_SPLIT: bool = false;

struct Params {
  // rows · heads · headDim / 2
  n: u32,
  heads: u32,
  headDim: u32,
  pos0: u32,
  // Invocations per row of the dispatch grid.
  row: u32,
}

// [headDim / 2, 3]: the pieces c0, c1, c2 of each pair's turns per position.
@group(0) @binding(0) var<storage, read> turns: array<f32>;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

const HALF_PI: f32 = 1.5707963267948966;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let idx = gid.y * params.row + gid.x;
  if (gid.x >= params.row || idx >= params.n) {
    return;
  }
  let half = params.headDim / 2u;
  let i = idx % half;
  let rh = idx / half;
  let r = rh / params.heads;
  let pos = params.pos0 + r;
  let a = f32(pos >> 12u) * 4096.0;
  let b = f32(pos & 4095u);
  let c0 = turns[3u * i];
  let c1 = turns[3u * i + 1u];
  let c2 = turns[3u * i + 2u];
  // fract(pos · t), each exact fraction added and reduced again so the sum stays below 2.
  var f = fract(a * c0);
  f = fract(f + fract(b * c0));
  f = fract(f + fract(a * c1));
  f = fract(f + fract(b * c1));
  f = fract(f + fract((a + b) * c2));
  // Quarter turns q (exact, as 4f is) and the rest x in [−π/4, π/4].
  let f4 = 4.0 * f;
  let qt = round(f4);
  let x1 = (f4 - qt) * HALF_PI;
  let x2 = x1 * x1;
  let sx = x1 * (1.0 + x2 * (-1.0 / 6.0 + x2 * (1.0 / 120.0
    + x2 * (-1.0 / 5040.0 + x2 / 362880.0))));
  let cx = 1.0 + x2 * (-0.5 + x2 * (1.0 / 24.0
    + x2 * (-1.0 / 720.0 + x2 * (1.0 / 40320.0 - x2 / 3628800.0))));
  var cs = cx;
  var sn = sx;
  switch (u32(qt) & 3u) {
    case 1u: {
      cs = -sx;
      sn = cx;
    }
    case 2u: {
      cs = -cx;
      sn = -sx;
    }
    case 3u: {
      cs = sx;
      sn = -cx;
    }
    default: {}
  }
  let o = rh * params.headDim;
  var j0 = o + 2u * i;
  var j1 = j0 + 1u;
  if (HALF_SPLIT) {
    j0 = o + i;
    j1 = j0 + half;
  }
  let u = x[j0];
  let v = x[j1];
  x[j0] = u * cs - v * sn;
  x[j1] = u * sn + v * cs;
}

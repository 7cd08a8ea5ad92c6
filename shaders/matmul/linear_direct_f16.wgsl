// y[B, N] = x[B, K] · W[N, K]ᵀ (+ b) with x and W stored as f16 (half the bytes of
// linear_direct.wgsl) and the sums in f32. Needs the shader-f16 feature; without it the wrapper runs
// linear_direct.wgsl on the same values rounded to f16, which gives the same results (twin:
// linearForward in src/core/nn.ts on f16-rounded inputs).
// Mapping: one invocation per output element, 8 × 8 per workgroup (x: output column n, y: row b).
enable f16;

struct Params {
  b: u32,
  k: u32,
  n: u32,
  bias: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f16>;
@group(0) @binding(1) var<storage, read> w: array<f16>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let r = gid.x;
  let b = gid.y;
  if (r >= params.n || b >= params.b) {
    return;
  }
  var acc = 0.0;
  let xo = b * params.k;
  let wo = r * params.k;
  for (var k = 0u; k < params.k; k++) {
    acc += f32(x[xo + k]) * f32(w[wo + k]);
  }
  if (params.bias != 0u) {
    acc += bias[r];
  }
  y[b * params.n + r] = acc;
}

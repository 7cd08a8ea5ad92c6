// SwiGLU's gate of the Llama MLP: y = silu(gate) · up elementwise, silu(g) = g / (1 + e^(−g))
// (twin: swiglu in src/core/lm/ops.ts). For g below about −88, e^(−g) overflows to +∞ and silu
// gives −0, where the twin gives a subnormal: the same value to float32's precision.
// Mapping: one invocation per element, 256 per workgroup, on a 2-D grid for large n.

struct Params {
  n: u32,
  // Invocations per row of the dispatch grid.
  row: u32,
}

@group(0) @binding(0) var<storage, read> gate: array<f32>;
@group(0) @binding(1) var<storage, read> up: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.y * params.row + gid.x;
  if (gid.x >= params.row || i >= params.n) {
    return;
  }
  let g = gate[i];
  y[i] = g / (1.0 + exp(-g)) * up[i];
}

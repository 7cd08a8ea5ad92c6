// C[M, N] = A[M, K] · B[N, K]ᵀ in int8 with int32 sums, using dot4I8Packed (WGSL language feature
// packed_4x8_integer_dot_product: native DP4A on D3D12 SM 6.4+ and Vulkan, emulated on Metal). Twin:
// int8Matmul in src/core/int8-matmul.ts; int8_matmul.wgsl is the fallback with identical results.
// Four int8 values a u32, the first in the low byte; K padded to a multiple of 4 with zeros.
// Mapping: one invocation per element of C, 8 × 8 per workgroup (x: column n, y: row m).

struct Params {
  m: u32,
  n: u32,
  words: u32,
}

@group(0) @binding(0) var<storage, read> a: array<u32>;
@group(0) @binding(1) var<storage, read> b: array<u32>;
@group(0) @binding(2) var<storage, read_write> c: array<i32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let col = gid.x;
  let row = gid.y;
  if (col >= params.n || row >= params.m) {
    return;
  }
  var acc = 0;
  for (var k = 0u; k < params.words; k++) {
    acc += dot4I8Packed(a[row * params.words + k], b[col * params.words + k]);
  }
  c[row * params.n + col] = acc;
}

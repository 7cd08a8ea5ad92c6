// C[M, N] = A[M, K] · B[N, K]ᵀ in int8 with int32 sums (twin: int8Matmul in src/core/int8-matmul.ts),
// the variant for adapters without packed_4x8_integer_dot_product: each u32 holds four int8 values
// (the first in the low byte), unpacked with extractBits (sign-extending) and multiplied one by one.
// Its results are bit-identical to int8_matmul_dot4.wgsl. K is padded to a multiple of 4 with zeros.
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

fn dot4(x: u32, y: u32) -> i32 {
  let xi = bitcast<i32>(x);
  let yi = bitcast<i32>(y);
  var s = 0;
  for (var i = 0u; i < 4u; i++) {
    s += extractBits(xi, 8u * i, 8u) * extractBits(yi, 8u * i, 8u);
  }
  return s;
}

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let col = gid.x;
  let row = gid.y;
  if (col >= params.n || row >= params.m) {
    return;
  }
  var acc = 0;
  for (var k = 0u; k < params.words; k++) {
    acc += dot4(a[row * params.words + k], b[col * params.words + k]);
  }
  c[row * params.n + col] = acc;
}

// Convolution by matrix product (twin: Conv2d.im2col / col2im in src/core/net.ts), stride 1, zero
// padding PAD, kernel KS × KS, input [B, C, H, W], output pixels OH × OW:
//   forward (BACKWARD false): cols[b·OH·OW + p, c·KS² + ky·KS + kx] = x[b, c, oy + ky − PAD, ox + kx − PAD]
//   backward (true): dx[b, c, iy, ix] = Σ over the (ky, kx) that reach it of dcols[…]
// Mapping: one invocation per written value (cols element, or input element), 256 per workgroup,
// 2-D grid for large outputs.

override KS: u32 = 3;
override PAD: u32 = 1;
override BACKWARD: bool = false;

struct Params {
  total: u32,
  c: u32,
  h: u32,
  w: u32,
  oh: u32,
  ow: u32,
  row: u32,
}

@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let o = gid.y * params.row + gid.x;
  if (gid.x >= params.row || o >= params.total) {
    return;
  }
  let K = params.c * KS * KS;
  let P = params.oh * params.ow;
  if (!BACKWARD) {
    let r = o / K;
    let q = o % K;
    let b = r / P;
    let p = r % P;
    let c = q / (KS * KS);
    let ky = (q / KS) % KS;
    let kx = q % KS;
    let iy = i32(p / params.ow + ky) - i32(PAD);
    let ix = i32(p % params.ow + kx) - i32(PAD);
    var v = 0.0;
    if (iy >= 0 && ix >= 0 && iy < i32(params.h) && ix < i32(params.w)) {
      v = src[((b * params.c + c) * params.h + u32(iy)) * params.w + u32(ix)];
    }
    dst[o] = v;
    return;
  }
  let ix = o % params.w;
  let iy = (o / params.w) % params.h;
  let c = (o / (params.w * params.h)) % params.c;
  let b = o / (params.w * params.h * params.c);
  var s = 0.0;
  for (var ky = 0u; ky < KS; ky++) {
    let oy = i32(iy + PAD) - i32(ky);
    if (oy < 0 || oy >= i32(params.oh)) {
      continue;
    }
    for (var kx = 0u; kx < KS; kx++) {
      let ox = i32(ix + PAD) - i32(kx);
      if (ox < 0 || ox >= i32(params.ow)) {
        continue;
      }
      let r = b * P + u32(oy) * params.ow + u32(ox);
      s += src[r * K + (c * KS + ky) * KS + kx];
    }
  }
  dst[o] = s;
}

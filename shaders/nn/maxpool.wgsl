// 2×2 max pooling, stride 2, over planes [S, H, W] (S = batch · channels; twin: MaxPool2 in
// src/core/net.ts, ties to the first maximum in the order (0,0), (0,1), (1,0), (1,1)).
//   forward (BACKWARD false): y and the flat index of each maximum
//   backward (true): dx[i] = dy[o] where o is i's window and arg[o] = i, else 0
// Mapping: one invocation per output value (forward) or input value (backward), 256 per workgroup,
// 2-D grid for large sizes.

override BACKWARD: bool = false;

struct Params {
  total: u32,
  h: u32,
  w: u32,
  row: u32,
}

@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<storage, read_write> arg: array<u32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let o = gid.y * params.row + gid.x;
  if (gid.x >= params.row || o >= params.total) {
    return;
  }
  let oh = params.h / 2u;
  let ow = params.w / 2u;
  if (!BACKWARD) {
    let s = o / (oh * ow);
    let oy = (o / ow) % oh;
    let ox = o % ow;
    let base = (s * params.h + 2u * oy) * params.w + 2u * ox;
    var best = base;
    for (var t = 1u; t < 4u; t++) {
      let j = base + (t / 2u) * params.w + (t % 2u);
      if (src[j] > src[best]) {
        best = j;
      }
    }
    dst[o] = src[best];
    arg[o] = best;
    return;
  }
  // o indexes the input; its window's output:
  let x = o % params.w;
  let y = (o / params.w) % params.h;
  let s = o / (params.w * params.h);
  let q = (s * oh + y / 2u) * ow + x / 2u;
  dst[o] = select(0.0, src[q], arg[q] == o);
}

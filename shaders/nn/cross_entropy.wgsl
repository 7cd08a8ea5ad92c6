// Cross-entropy of logits [B, C] against labels, with its gradient (softmax − one-hot) / B (twin:
// crossEntropy in src/core/nn.ts). Writes each row's loss; the mean is taken on the host.
// A row with a NaN or +∞ logit gets NaN loss and gradient. Mapping: one invocation per row, 64 per
// workgroup.

struct Params {
  b: u32,
  c: u32,
}

@group(0) @binding(0) var<storage, read> logits: array<f32>;
@group(0) @binding(1) var<storage, read> labels: array<u32>;
@group(0) @binding(2) var<storage, read_write> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> loss: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let r = gid.x;
  if (r >= params.b) {
    return;
  }
  let C = params.c;
  let o = r * C;
  // A NaN or +∞ logit makes the whole row NaN, as in the CPU twin. Recognised from the bits (see
  // shaders/README.md): max() may drop a NaN and exp(NaN) may come out +∞ (SwiftShader), which
  // would give a finite gradient for a broken row.
  var m = -3.4e38;
  var bad = 0u;
  for (var c = 0u; c < C; c++) {
    let l = logits[o + c];
    let bits = bitcast<u32>(l);
    if ((bits & 0x7f800000u) == 0x7f800000u && bits != 0xff800000u) {
      bad = bits | 0x00400000u;
    }
    m = max(m, l);
  }
  if (bad != 0u) {
    let nan = bitcast<f32>(bad);
    loss[r] = nan;
    for (var c = 0u; c < C; c++) {
      grad[o + c] = nan;
    }
    return;
  }
  var s = 0.0;
  for (var c = 0u; c < C; c++) {
    s += exp(logits[o + c] - m);
  }
  let lse = m + log(s);
  let y = labels[r];
  loss[r] = lse - logits[o + y];
  let inv = 1.0 / f32(params.b);
  for (var c = 0u; c < C; c++) {
    let p = exp(logits[o + c] - lse);
    grad[o + c] = (p - select(0.0, 1.0, c == y)) * inv;
  }
}

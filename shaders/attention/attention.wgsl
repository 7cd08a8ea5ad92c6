// Multi-head self-attention core over qkv [B, T, 3D] (q, k, v side by side; head h at h·dh within
// each; twin: Attention in src/core/net.ts). P = softmax(q·kᵀ/√dh) per head.
//   STAGE 0 (forward), per (b, h, i): probs[b, h, i, :] and y[b, i, h·dh:(h+1)·dh] = Σ_j P_ij v_j
//   STAGE 1 (backward), per (b, h, i): dS_ij = P_ij (dy_i·v_j − Σ_j' P_ij' dy_i·v_j') / √dh,
//           written to ds; dq_i = Σ_j dS_ij k_j into dqkv
//   STAGE 2 (backward), per (b, h, j): dk_j = Σ_i dS_ij q_i, dv_j = Σ_i P_ij dy_i into dqkv
// The score row lives in a private array of MAX_T values (T ≤ MAX_T, a constant: private arrays
// cannot be sized by an override). Mapping: one invocation per
// (b, h, row), 64 per workgroup.

const MAX_T: u32 = 64;
override STAGE: u32 = 0;

struct Params {
  b: u32,
  t: u32,
  d: u32,
  heads: u32,
}

@group(0) @binding(0) var<storage, read> qkv: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> probs: array<f32>;
@group(0) @binding(3) var<storage, read_write> ds: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
@group(0) @binding(5) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let T = params.t;
  let D = params.d;
  let H = params.heads;
  let dh = D / H;
  let g = gid.x;
  if (g >= params.b * H * T) {
    return;
  }
  let i = g % T;
  let h = (g / T) % H;
  let b = g / (T * H);
  let scale = 1.0 / sqrt(f32(dh));
  let P = (b * H + h) * T * T;
  let row = (b * T + i) * 3u * D + h * dh;
  if (STAGE == 0u) {
    var s: array<f32, MAX_T>;
    var m = -3.4e38;
    for (var j = 0u; j < T; j++) {
      let kr = (b * T + j) * 3u * D + D + h * dh;
      var acc = 0.0;
      for (var c = 0u; c < dh; c++) {
        acc += qkv[row + c] * qkv[kr + c];
      }
      s[j] = acc * scale;
      m = max(m, s[j]);
    }
    var sum = 0.0;
    for (var j = 0u; j < T; j++) {
      s[j] = exp(s[j] - m);
      sum += s[j];
    }
    let yo = (b * T + i) * D + h * dh;
    for (var c = 0u; c < dh; c++) {
      out[yo + c] = 0.0;
    }
    for (var j = 0u; j < T; j++) {
      let p = s[j] / sum;
      probs[P + i * T + j] = p;
      let vr = (b * T + j) * 3u * D + 2u * D + h * dh;
      for (var c = 0u; c < dh; c++) {
        out[yo + c] += p * qkv[vr + c];
      }
    }
    return;
  }
  if (STAGE == 1u) {
    var dp: array<f32, MAX_T>;
    let yo = (b * T + i) * D + h * dh;
    var dot = 0.0;
    for (var j = 0u; j < T; j++) {
      let vr = (b * T + j) * 3u * D + 2u * D + h * dh;
      var acc = 0.0;
      for (var c = 0u; c < dh; c++) {
        acc += dy[yo + c] * qkv[vr + c];
      }
      dp[j] = acc;
      dot += probs[P + i * T + j] * acc;
    }
    for (var c = 0u; c < dh; c++) {
      out[row + c] = 0.0;
    }
    for (var j = 0u; j < T; j++) {
      let d = probs[P + i * T + j] * (dp[j] - dot) * scale;
      ds[P + i * T + j] = d;
      let kr = (b * T + j) * 3u * D + D + h * dh;
      for (var c = 0u; c < dh; c++) {
        out[row + c] += d * qkv[kr + c];
      }
    }
    return;
  }
  // STAGE 2: i plays j, the key / value row.
  let j = i;
  let kr = (b * T + j) * 3u * D + D + h * dh;
  let vr = kr + D;
  for (var c = 0u; c < dh; c++) {
    out[kr + c] = 0.0;
    out[vr + c] = 0.0;
  }
  for (var q = 0u; q < T; q++) {
    let d = ds[P + q * T + j];
    let p = probs[P + q * T + j];
    let qr = (b * T + q) * 3u * D + h * dh;
    let yo = (b * T + q) * D + h * dh;
    for (var c = 0u; c < dh; c++) {
      out[kr + c] += d * qkv[qr + c];
      out[vr + c] += p * dy[yo + c];
    }
  }
}

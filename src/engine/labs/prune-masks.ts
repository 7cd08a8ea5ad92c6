// The pruning lab's masks: by method (per-layer or global magnitude, N:M, L1 channels), the channel
// plan that really shrinks a chain of layers, and the masks applied to a copy of the parameters.
import {
  channelL1Keep,
  globalMagnitudeMasks,
  magnitudeMask,
  nmMask,
} from '../../core/prune/prune.ts';
import { Conv2d } from '../../core/nn/conv2d.ts';
import { Dense } from '../../core/nn/dense.ts';
import type { Layer, Params, WeightLayer } from '../../core/nn/layer.ts';
import { weightLayers, type Net } from '../../core/nn/network.ts';
import { MaxPool2, Relu } from '../../core/nn/pointwise-layers.ts';

export type LabMethod =
  | { kind: 'magnitude'; sparsity: number }
  | { kind: 'global'; sparsity: number }
  | { kind: 'nm'; n: number; m: number }
  | { kind: 'channel'; sparsity: number };

export function methodLabel(m: LabMethod): string {
  switch (m.kind) {
    case 'magnitude':
      return `magnitude per layer, ${Math.round(m.sparsity * 100)}%`;
    case 'global':
      return `global magnitude, ${Math.round(m.sparsity * 100)}%`;
    case 'nm':
      return `${m.n}:${m.m} structured`;
    case 'channel':
      return `L1 channels, ${Math.round(m.sparsity * 100)}% of each hidden layer`;
  }
}

/** 2:4 structured sparsity, the one N:M pattern with a compressed format and a latency gain. */
export function is24(m: LabMethod): boolean {
  return m.kind === 'nm' && m.n === 2 && m.m === 4;
}

/**
 * Masks for every weight-layer weight. Channel pruning removes output channels of every weight layer
 * but the last (the classes), whose next layer then loses the matching inputs.
 */
export function labMasks(net: Net, p: Params, m: LabMethod): Map<string, Uint8Array> {
  const layers = weightLayers(net);
  const out = new Map<string, Uint8Array>();
  const w = (l: WeightLayer) => p[`${l.name}.weight`]!;
  if (m.kind === 'global') {
    const masks = globalMagnitudeMasks(layers.map(w), m.sparsity);
    layers.forEach((l, i) => out.set(l.name, masks[i]!));
  } else if (m.kind === 'channel') {
    const plan = channelPlan(net, p, m.sparsity);
    for (const l of layers) {
      const mask = new Uint8Array(l.rows * l.cols).fill(1);
      const rows = plan.keepRows.get(l.name);
      const cols = plan.keepCols.get(l.name);
      for (let r = 0; r < l.rows; r++)
        for (let c = 0; c < l.cols; c++)
          if ((rows && !rows[r]) || (cols && !cols[c])) mask[r * l.cols + c] = 0;
      out.set(l.name, mask);
    }
  } else
    for (const l of layers)
      out.set(
        l.name,
        m.kind === 'magnitude' ? magnitudeMask(w(l), m.sparsity) : nmMask(w(l), l.cols, m.n, m.m),
      );
  return out;
}

/** Whether L1 channel pruning applies: a plain chain of Linear / Conv2d / ReLU / pooling layers. */
export function channelPrunable(net: Net): boolean {
  return net.layers.every(
    (l) => l instanceof Dense || l instanceof Conv2d || l instanceof Relu || l instanceof MaxPool2,
  );
}

interface ChannelPlan {
  /** Output channels kept, per weight layer that loses some. */
  keepRows: Map<string, Uint8Array>;
  /** Input columns kept, per weight layer whose input lost channels. */
  keepCols: Map<string, Uint8Array>;
}

/**
 * Which channels L1 pruning removes from a chain of weight layers (the MLPs and the CNN): each
 * hidden layer's output channels, and the matching inputs of the next weight layer (a convolution's
 * input channel is k·k columns; a flattened feature map's channel is h·w columns).
 */
export function channelPlan(net: Net, p: Params, amount: number): ChannelPlan {
  if (!channelPrunable(net))
    throw new Error(
      `${net.arch}: channel pruning here handles chains of Linear / Conv2d layers (the MLPs and the CNN); residual blocks would need every layer of the residual stream pruned alike`,
    );
  const layers = weightLayers(net);
  const keepRows = new Map<string, Uint8Array>();
  const keepCols = new Map<string, Uint8Array>();
  for (let i = 0; i + 1 < layers.length; i++) {
    const l = layers[i]!;
    const next = layers[i + 1]!;
    const keep = channelL1Keep(p[`${l.name}.weight`]!, l.rows, amount);
    keepRows.set(l.name, keep);
    const per = next.cols / l.rows;
    const cols = new Uint8Array(next.cols);
    for (let c = 0; c < next.cols; c++) cols[c] = keep[Math.floor(c / per)]!;
    keepCols.set(next.name, cols);
  }
  return { keepRows, keepCols };
}

/** The network with the pruned channels gone: thinner layers and parameters (really smaller). */
export function shrinkNet(net: Net, p: Params, plan: ChannelPlan): { net: Net; params: Params } {
  const params: Params = {};
  let channels = 0; // output channels of the last weight layer
  let size = net.inSize; // values per sample coming into the next layer
  const layers: Layer[] = net.layers.map((l) => {
    let out: Layer = l;
    if (l instanceof Dense || l instanceof Conv2d) {
      const rows = plan.keepRows.get(l.name);
      const cols = plan.keepCols.get(l.name);
      const w = p[`${l.name}.weight`]!;
      const b = p[`${l.name}.bias`];
      const kr: number[] = [];
      for (let r = 0; r < l.rows; r++) if (!rows || rows[r]) kr.push(r);
      const kc: number[] = [];
      for (let c = 0; c < l.cols; c++) if (!cols || cols[c]) kc.push(c);
      const nw = new Float32Array(kr.length * kc.length);
      kr.forEach((r, i) => kc.forEach((c, j) => (nw[i * kc.length + j] = w[r * l.cols + c]!)));
      params[`${l.name}.weight`] = nw;
      if (b) params[`${l.name}.bias`] = Float32Array.from(kr, (r) => b[r]!);
      channels = kr.length;
      out =
        l instanceof Dense
          ? new Dense(l.name, kc.length, kr.length, l.tokens, l.bias)
          : new Conv2d(l.name, kc.length / (l.k * l.k), kr.length, l.k, l.pad, l.h, l.w, l.bias);
    } else if (l instanceof MaxPool2) out = new MaxPool2(channels, l.h, l.w);
    else if (l instanceof Relu) out = new Relu(size);
    size = out.outSize;
    return out;
  });
  return { net: { ...net, arch: `${net.arch} (channels pruned)`, layers }, params };
}

/** A copy of every parameter (training may change it in place), with the masked weights zeroed. */
export function applyLabMasks(p: Params, masks: Map<string, Uint8Array>): Params {
  const q: Params = {};
  for (const [k, v] of Object.entries(p)) q[k] = Float32Array.from(v);
  for (const [name, m] of masks)
    q[`${name}.weight`] = p[`${name}.weight`]!.map((v, i) => (m[i] ? v : 0));
  return q;
}

/** Masks as training holds them: float 0/1 per weight, keyed by the weight's parameter name. */
export function trainingMasks(masks: Map<string, Uint8Array>): Params {
  const out: Params = {};
  for (const [name, m] of masks) out[`${name}.weight`] = Float32Array.from(m);
  return out;
}

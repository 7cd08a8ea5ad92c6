// What one digit costs a demo network under a compression, layer by layer, for the latency model:
// multiply-adds, weight bytes at the stored precision, activation bytes, and the arithmetic
// precision. Weight layers carry the compression; the others (activations, pooling, norms,
// attention) move activations.
import type { Deployment } from '../core/perf/deployments.ts';
import type { LayerWork, Precision } from '../core/perf/latency.ts';
import { codeBits, type QuantSpec } from '../core/quant/spec.ts';
import { Conv2d } from '../core/nn/conv2d.ts';
import { Dense } from '../core/nn/dense.ts';
import { factorNet } from '../core/nn/factor-net.ts';
import type { Layer } from '../core/nn/layer.ts';
import type { Net } from '../core/nn/network.ts';
import { Residual } from '../core/nn/sequence.ts';
import { Attention } from '../core/nn/token-layers.ts';

export type { Deployment } from '../core/perf/deployments.ts';

export const FP32: Deployment = { weightBits: 32, actBits: 32 };

/** Weights through a quantization spec, activations kept in float. */
export function weightsOnly(spec: QuantSpec): Deployment {
  return { weightBits: codeBits(spec), actBits: 32 };
}

function precisionOf(d: Deployment): Precision {
  if (d.weightBits <= 8 && d.actBits === 8) return 'int8';
  if (d.actBits === 16 || d.weightBits === 16) return 'fp16';
  // Integer weights with float activations are dequantized to fp16 where the kernels can (W4A16).
  return d.weightBits < 16 ? 'fp16' : 'fp32';
}

function weightBytes(rows: number, cols: number, d: Deployment): number {
  const n = rows * cols;
  const bits = d.weightBits;
  const scales = bits < 16 ? rows * 4 : 0;
  // Unstructured sparsity (d.density) saves storage, but a dense kernel still reads every weight:
  // only a sparse kernel past its break-even would read less (see npm run bench), so it is not
  // counted here.
  return n * (bits / 8) + scales;
}

/** Per-digit work of each layer (batch 1; scale with atBatch in core/latency.ts). */
export function networkWork(net0: Net, d: Deployment): LayerWork[] {
  const net = d.ranks ? factorNet(net0, new Map(Object.entries(d.ranks))) : net0;
  const compute = precisionOf(d);
  const actBytes = d.actBits / 8;
  const out: LayerWork[] = [];
  const visit = (layers: Layer[], prefix: string) => {
    for (const [i, l] of layers.entries()) {
      if (l instanceof Residual) {
        visit(l.inner, `${prefix}residual ${i} › `);
        continue;
      }
      const act = (l.inSize + l.outSize) * actBytes;
      if (l instanceof Dense || l instanceof Conv2d) {
        const bias = l.bias ? l.rows * 4 : 0;
        // 2:4 needs the reduction length in groups of four (conv1's 9 is not: it stays dense).
        const s24 = !!d.sparse24 && l.cols % 4 === 0;
        const n = l.rows * l.cols;
        const scales = d.weightBits < 16 ? l.rows * 4 : 0;
        out.push({
          name: l.name,
          macs: l.macs,
          weightBytes: weightBytes(l.rows, l.cols, d) + bias,
          ...(s24
            ? {
                sparseWeightBytes: (n / 2) * (d.weightBits / 8) + (n / 2) * (2 / 8) + scales + bias,
              }
            : {}),
          activationBytes: act,
          compute,
          sparse24: s24,
          passes: 1,
        });
      } else
        out.push({
          name: `${prefix}${l.kind}`,
          macs: l instanceof Attention ? 2 * l.tokens * l.tokens * l.dim : 0,
          weightBytes: l.params().reduce((a, [, s]) => a + 4 * s.reduce((x, y) => x * y, 1), 0),
          activationBytes: act,
          compute: compute === 'int8' ? 'fp16' : compute,
          sparse24: false,
          passes: 1,
        });
    }
  };
  visit(net.layers, '');
  return out;
}

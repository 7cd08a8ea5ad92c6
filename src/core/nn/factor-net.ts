// Low-rank factorization of a network's weight layers into two thinner ones.
import { Conv2d } from './conv2d.ts';
import { Dense } from './dense.ts';
import type { Layer } from './layer.ts';
import type { Net } from './network.ts';
import { Residual } from './sequence.ts';

/**
 * The network with some weight layers replaced by two thinner ones (low-rank factorization): a
 * Linear [out, in] by `NAME.a` [k, in] (no bias) then `NAME.b` [out, k] (with the bias); a Conv2d by
 * a k-channel convolution `NAME.a` of the same kernel (no bias) then a 1×1 convolution `NAME.b`.
 */
export function factorNet(net: Net, ranks: ReadonlyMap<string, number>): Net {
  const map = (layers: Layer[]): Layer[] =>
    layers.flatMap((l): Layer[] => {
      if (l instanceof Residual) return [new Residual(map(l.inner))];
      const k = ranks.get(l instanceof Dense || l instanceof Conv2d ? l.name : '');
      if (k === undefined) return [l];
      if (l instanceof Dense)
        return [
          new Dense(`${l.name}.a`, l.cols, k, l.tokens, false),
          new Dense(`${l.name}.b`, k, l.rows, l.tokens, l.bias),
        ];
      const c = l as Conv2d;
      return [
        new Conv2d(`${c.name}.a`, c.cin, k, c.k, c.pad, c.h, c.w, false),
        new Conv2d(`${c.name}.b`, k, c.cout, 1, 0, c.oh, c.ow, c.bias),
      ];
    });
  return { ...net, arch: `${net.arch} (factorized)`, layers: map(net.layers) };
}

// Wrapper of shaders/nn/cross_entropy.wgsl: each row's cross-entropy and the gradient
// (softmax − one-hot) / B, one invocation per row (twin: crossEntropyRows in src/core/nn/nn.ts).
import code from '../../../shaders/nn/cross_entropy.wgsl?raw';
import { pipeline } from '../buffers.ts';
import { checkCounts, checkSize, encodePass, groups1d, type KernelRecord } from '../kernel.ts';

export async function encodeCrossEntropy(
  device: GPUDevice,
  enc: GPUCommandEncoder,
  b: { logits: GPUBuffer; labels: GPUBuffer; grad: GPUBuffer; loss: GPUBuffer },
  batch: number,
  classes: number,
): Promise<GPUBuffer[]> {
  checkCounts('cross_entropy', { batch, classes });
  checkSize('cross_entropy', 'logits', b.logits, batch * classes);
  checkSize('cross_entropy', 'labels', b.labels, batch);
  checkSize('cross_entropy', 'grad', b.grad, batch * classes);
  checkSize('cross_entropy', 'loss', b.loss, batch);
  const groups = groups1d(batch, 64, 'rows');
  const p = await pipeline(device, 'cross_entropy', code);
  return encodePass(device, enc, p, {
    buffers: [b.logits, b.labels, b.grad, b.loss],
    params: [
      ['u32', batch],
      ['u32', classes],
    ],
    groups,
  });
}

export const kernel: KernelRecord = {
  stem: 'cross_entropy',
  shader: 'shaders/nn/cross_entropy.wgsl',
  code,
  twin: { module: 'src/core/nn/nn.ts', name: 'crossEntropyRows' },
  encode: encodeCrossEntropy,
};

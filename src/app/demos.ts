// Built-in models served from public/models (scripts/make-demo-models.sh converts the PaddleOCR one;
// scripts/train-demos.ts trains the MNIST ones).

export interface DemoModel {
  id: string;
  name: string;
  url: string;
  about: string;
}

export const DEMOS: readonly DemoModel[] = [
  {
    id: 'ppocr-cls',
    name: 'ppocr-cls.safetensors',
    url: `${import.meta.env.BASE_URL}models/ppocr-cls.safetensors`,
    about: 'PaddleOCR v2.0 text-direction classifier (MobileNetV3, Apache-2.0), as safetensors',
  },
  {
    id: 'mnist-mlp',
    name: 'mnist-mlp.safetensors',
    url: `${import.meta.env.BASE_URL}models/mnist-mlp.safetensors`,
    about: 'MLP 784-256-128-10 trained by Slimlab on MNIST (npm run train:demos); runs in the app',
  },
  {
    id: 'mnist-cnn',
    name: 'mnist-cnn.safetensors',
    url: `${import.meta.env.BASE_URL}models/mnist-cnn.safetensors`,
    about: 'Small CNN (two 3×3 convolutions, 52k parameters) trained by Slimlab on MNIST',
  },
  {
    id: 'mnist-vit',
    name: 'mnist-vit.safetensors',
    url: `${import.meta.env.BASE_URL}models/mnist-vit.safetensors`,
    about:
      'Tiny vision transformer (7×7 patches, 2 blocks × 4 heads, width 64) trained by Slimlab on MNIST',
  },
];

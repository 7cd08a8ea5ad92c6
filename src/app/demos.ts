// Built-in models served from public/models (scripts/make-demo-models.sh converts the PaddleOCR one;
// scripts/train-demos.ts trains the MNIST ones; stories260K is karpathy/tinyllamas' own file).

export interface DemoModel {
  id: string;
  name: string;
  url: string;
  about: string;
  /** A language model's tokenizer, served beside it (the model file does not hold one). */
  tokenizer?: string;
  /** The licence and attribution shown while the model is open, where its licence asks for one. */
  credit?: string;
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
  {
    id: 'stories260K',
    name: 'stories260K.bin',
    url: `${import.meta.env.BASE_URL}models/stories260K.bin`,
    about: 'stories260K — a small Llama language model (TinyStories, MIT, karpathy/tinyllamas)',
    tokenizer: `${import.meta.env.BASE_URL}models/stories260K.tok512.bin`,
    credit:
      'stories260K and its tok512 tokenizer: karpathy/tinyllamas by Andrej Karpathy, trained on TinyStories; MIT licence (models/stories260K.LICENSE)',
  },
];

// Built-in models served from public/models (see scripts/make-demo-models.sh for their origin).

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
];

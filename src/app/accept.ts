// File extensions offered by the file picker (readers sniff content, so this is only a hint).
export const ACCEPT = '.safetensors,.json,.npy,.npz,.gguf,.onnx,.weights,.data,.bin,.pt,.pth,.ckpt';

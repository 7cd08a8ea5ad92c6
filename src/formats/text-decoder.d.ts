// TextDecoder exists in every runtime we target (browsers, workers, Node), but it lives in the DOM
// lib, which the pure layers deliberately do not see. Declare just what the readers use.
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: Uint8Array): string;
}

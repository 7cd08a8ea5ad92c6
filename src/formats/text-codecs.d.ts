// TextDecoder and TextEncoder exist in every runtime we target (browsers, workers, Node), but live
// in the DOM lib, which the pure layers deliberately do not see. Declare just what the code uses.
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: Uint8Array): string;
}
declare class TextEncoder {
  encode(input?: string): Uint8Array<ArrayBuffer>;
}

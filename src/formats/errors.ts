// The one error type every reader throws: it names the file, the field and what was wrong,
// so a person can act on it ("model.safetensors: tensor 'w1' data_offsets ... exceed ...").

type FormatErrorCode =
  | 'unknown-format'
  | 'truncated'
  | 'header-too-large'
  | 'header-too-small'
  | 'bad-header'
  | 'bad-magic'
  | 'bad-version'
  | 'unsupported-dtype'
  | 'bad-shape'
  | 'bad-offsets'
  | 'size-mismatch'
  | 'read-failed';

export class FormatError extends Error {
  override readonly name = 'FormatError';
  constructor(
    readonly file: string,
    readonly code: FormatErrorCode,
    readonly field: string,
    readonly detail: string,
  ) {
    super(`${file}: ${field ? `${field}: ` : ''}${detail}`);
  }
}

export function isFormatError(e: unknown): e is FormatError {
  return e instanceof Error && e.name === 'FormatError' && 'code' in e && 'file' in e;
}

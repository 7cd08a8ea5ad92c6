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

// Error messages quote what the file holds, never what a lossy read made of it (Infinity for a
// number past the double range, null where JSON.stringify meets one, 2^53 − 1 for a capped u64).

/** Bytes as hex pairs: "89 50 4e 47 0d 0a 1a 0a". */
export function hexBytes(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
}

/** Magic numbers of files often dropped by mistake (a cheap guess: it never throws). */
const MAGICS: ReadonlyArray<[string, number[]]> = [
  ['a PNG image', [0x89, 0x50, 0x4e, 0x47]],
  ['a JPEG image', [0xff, 0xd8, 0xff]],
  ['a GIF image', [0x47, 0x49, 0x46, 0x38]],
  ['a PDF document', [0x25, 0x50, 0x44, 0x46]],
  ['a ZIP archive (a PyTorch .pt/.bin or .npz is one)', [0x50, 0x4b, 0x03, 0x04]],
  ['a gzip file', [0x1f, 0x8b]],
  ['a GGUF file', [0x47, 0x47, 0x55, 0x46]],
  ['a NumPy .npy file', [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]],
  ['a pickle (a PyTorch checkpoint)', [0x80, 0x02]],
];

/** What the first bytes of a file say it is, as " (it looks like a PNG image)", or ''. */
export function looksLike(head: Uint8Array): string {
  for (const [what, magic] of MAGICS)
    if (magic.every((m, i) => head[i] === m)) return ` (it looks like ${what})`;
  return '';
}

/**
 * A value as the header wrote it: the text after `key` (and after `from`), up to its closing
 * bracket or the next comma, for quoting in a message ("[0, 1e400]"). null when not found.
 */
export function rawValueText(text: string, key: string, from = 0): string | null {
  const k = text.indexOf(key, Math.max(0, from));
  if (k < 0) return null;
  let i = text.indexOf(':', k + key.length);
  if (i < 0) return null;
  i++;
  while (text[i] === ' ') i++;
  const open = text[i];
  const close = open === '[' ? ']' : open === '(' ? ')' : null;
  const end = close ? text.indexOf(close, i) + 1 : i + text.slice(i).search(/[,}]|$/);
  if (end <= i) return null;
  const raw = text.slice(i, end).trim();
  return raw.length > 80 ? `${raw.slice(0, 80)}…` : raw;
}

// The shape of a command in the table: its flags with their types, defaults and help, its
// positional arguments and its handler. Flags are read and checked here, for every command alike;
// `--help` text is rendered from the same records.
import type { createEngine } from '../engine/host.ts';

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

export interface Flag {
  name: string;
  /** bool flags take no value; the others take the next argument. */
  type: 'bool' | 'string' | 'int' | 'num' | 'enum';
  /** The value's name in the synopsis and help (FILE, N, …). */
  arg?: string;
  values?: readonly string[];
  min?: number;
  max?: number;
  /** What a number stands for in messages ('a fraction', 'a quantile'); 'a number' otherwise. */
  noun?: string;
  /** Shown in help; the handler applies it. */
  default?: string;
  required?: boolean;
  /** The message when a required flag is missing (else `--NAME is required`). */
  missing?: string;
  help: string;
}

export interface Command {
  name: string;
  /** What follows `slimlab NAME` in the usage lines; '\n' starts an aligned continuation line. */
  synopsis: string;
  /** The paragraph of `slimlab --help`; '\n' breaks lines. */
  summary: string;
  positional: { min: number; max?: number; missing?: string };
  flags: readonly Flag[];
  run(args: Args, ctx: CommandContext): Promise<number>;
}

export interface CommandContext {
  io: Io;
  engine: ReturnType<typeof createEngine>;
}

/** Checked flags: numbers parsed, enums one of their values. */
export interface Args {
  positional: string[];
  has(name: string): boolean;
  text(name: string): string | undefined;
  num(name: string): number | undefined;
}

export class UsageError extends Error {}

/** 'a, b or c' */
export const orList = (xs: readonly string[]) =>
  xs.length < 2 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} or ${xs.at(-1)}`;

/** What a numeric flag must be, in words. */
export function numberPhrase(f: Pick<Flag, 'type' | 'min' | 'max' | 'noun'>): string {
  const noun = f.noun ?? (f.type === 'int' ? 'an integer' : 'a number');
  if (f.min !== undefined && f.max !== undefined) return `${noun} from ${f.min} to ${f.max}`;
  if (f.type === 'int' && f.min === 0) return 'a non-negative integer';
  if (f.type === 'int' && f.min === 1) return 'a positive integer';
  return noun;
}

const INT = /^-?\d{1,15}$/;
const NUM = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

function checkValue(f: Flag, raw: string): number | undefined {
  const bad = (what: string) => new UsageError(`--${f.name} must be ${what}, not '${raw}'`);
  if (f.type === 'enum') {
    if (!f.values!.includes(raw)) throw bad(orList(f.values!));
    return undefined;
  }
  if (f.type !== 'int' && f.type !== 'num') return undefined;
  const v = Number(raw);
  // Not a number at all: say what kind; out of range: say the range.
  if (!(f.type === 'int' ? INT : NUM).test(raw) || !Number.isFinite(v)) {
    const floor = f.min === 0 || f.min === 1 ? { min: f.min } : {};
    throw bad(numberPhrase({ type: f.type, ...floor, ...(f.noun ? { noun: f.noun } : {}) }));
  }
  if ((f.min !== undefined && v < f.min) || (f.max !== undefined && v > f.max))
    throw bad(numberPhrase(f));
  return v;
}

/** Reads `--name value` and `--flag` options and the positional arguments; throws UsageError. */
export function parseArgs(cmd: Command, argv: readonly string[]): Args {
  const byName = new Map(cmd.flags.map((f) => [f.name, f]));
  const raw = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) positional.push(a);
    else {
      const f = byName.get(a.slice(2));
      if (!f) throw new UsageError(`unknown option ${a}`);
      raw.set(f.name, f.type === 'bool' ? '' : (argv[++i] ?? ''));
    }
  }
  const p = cmd.positional;
  if (positional.length < p.min) throw new UsageError(p.missing ?? `${cmd.name} needs arguments`);
  if (p.max !== undefined && positional.length > p.max)
    throw new UsageError(`unexpected '${positional[p.max]}'`);
  for (const f of cmd.flags)
    if (f.required && !raw.get(f.name))
      throw new UsageError(f.missing ?? `--${f.name} is required`);
  const nums = new Map<string, number>();
  for (const f of cmd.flags) {
    const v = raw.get(f.name);
    const n = v === undefined ? undefined : checkValue(f, v);
    if (n !== undefined) nums.set(f.name, n);
  }
  return {
    positional,
    has: (name) => raw.has(name),
    text: (name) => raw.get(name),
    num: (name) => nums.get(name),
  };
}

const flagHead = (f: Flag) => `--${f.name}${f.type === 'bool' ? '' : ` ${f.arg ?? 'VALUE'}`}`;

function flagNotes(f: Flag): string {
  const notes: string[] = [];
  if (f.required) notes.push('required');
  if (f.type === 'enum') notes.push(`one of ${f.values!.join(', ')}`);
  if (f.type === 'int' || f.type === 'num') notes.push(numberPhrase(f));
  if (f.default !== undefined) notes.push(`default ${f.default}`);
  return notes.length ? ` (${notes.join('; ')})` : '';
}

/** The usage lines of a command, continuation lines aligned under its first argument. */
export function synopsisLines(cmd: Command): string[] {
  const head = `slimlab ${cmd.name} `;
  return cmd.synopsis.split('\n').map((l, i) => (i ? ' '.repeat(head.length) + l : head + l));
}

/** `slimlab NAME --help`: usage, what the command does, and every flag. */
export function commandHelp(cmd: Command): string {
  const [first, ...rest] = synopsisLines(cmd);
  const width = Math.max(...cmd.flags.map((f) => flagHead(f).length), 6) + 2;
  return [
    `usage: ${first}`,
    ...rest.map((l) => `       ${l}`),
    '',
    cmd.summary,
    '',
    'options:',
    ...cmd.flags.map((f) => `  ${flagHead(f).padEnd(width)}${f.help}${flagNotes(f)}`),
    `  ${'--help'.padEnd(width)}this text`,
  ].join('\n');
}

/** `slimlab --help`: every command's usage lines, then what each does. */
export function usage(commands: readonly Command[]): string {
  const lines = commands.flatMap(synopsisLines);
  const indent = ' '.repeat(12);
  return [
    `usage: ${lines[0]}`,
    ...lines.slice(1).map((l) => `       ${l}`),
    '       slimlab COMMAND --help',
    '       slimlab --version',
    '',
    'commands:',
    ...commands.map((c) => {
      const [head, ...more] = c.summary.split('\n');
      const name = c.name.length < 10 ? `  ${c.name.padEnd(10)}` : `  ${c.name}\n${indent}`;
      return [name + head, ...more.map((l) => indent + l)].join('\n');
    }),
    '',
    'exit codes: 0 ok, 1 usage error, 2 bad input',
  ].join('\n');
}

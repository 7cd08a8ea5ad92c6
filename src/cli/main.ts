// The `slimlab` command line: the tab's engine and presets, from a shell. Commands are one table;
// flags are checked from it, and `--help` is written from it.
import { readFileSync } from 'node:fs';
import { calibrate } from './calibrate.ts';
import { convert } from './convert.ts';
import { cliEngine } from './engine.ts';
import { inspect } from './inspect.ts';
import { evaluate, generate } from './lm.ts';
import { prune } from './prune.ts';
import { dequantizeLinear, quantizeLinear } from './qdq.ts';
import { quantize } from './quantize.ts';
import { run } from './run.ts';
import { stats } from './stats.ts';
import { commandHelp, parseArgs, usage, UsageError, type Command, type Io } from './table.ts';

export type { Io };

/** Every command, in the order `slimlab --help` lists them. */
export const COMMANDS: readonly Command[] = [
  inspect,
  quantizeLinear,
  dequantizeLinear,
  quantize,
  calibrate,
  prune,
  stats,
  run,
  convert,
  evaluate,
  generate,
];

const USAGE = usage(COMMANDS);

function version(): string {
  const pkg = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}

// A reader that goes away (`slimlab … | head`) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const stdio: Io = {
  out: (s) => process.stdout.write(`${s}\n`),
  err: (s) => process.stderr.write(`${s}\n`),
};

export async function main(argv: string[], io: Io = stdio): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const about = name === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    io.out(about ? commandHelp(about) : USAGE);
    return name ? 0 : 1;
  }
  if (name === '--version') {
    io.out(`slimlab ${version()}`);
    return 0;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    io.err(`slimlab: unknown command '${name}'\n${USAGE}`);
    return 1;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(commandHelp(cmd));
    return 0;
  }
  let args;
  try {
    args = parseArgs(cmd, rest);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`slimlab: ${e.message}`);
    return 1;
  }
  return cmd.run(args, { io, engine: cliEngine() });
}

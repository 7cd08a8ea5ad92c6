// The table of commands: every command has `--help` written from its flags, `slimlab --version`
// prints the package's version, and flags are checked alike for every command.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { COMMANDS, main } from '../../src/cli/main.ts';

async function cli(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += `${s}\n`), err: (s) => (err += `${s}\n`) });
  return { code, out, err };
}

describe('the table of commands', () => {
  test('--version prints the version in package.json', async () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(await cli(['--version'])).toEqual({ code: 0, out: `slimlab ${pkg.version}\n`, err: '' });
  });

  test('every command has --help: its usage and each flag with its type and default', async () => {
    for (const c of COMMANDS) {
      const r = await cli([c.name, '--help']);
      expect(r.code, c.name).toBe(0);
      expect(r.out).toMatch(new RegExp(`^usage: slimlab ${c.name} `));
      for (const f of c.flags) expect(r.out, `${c.name} --${f.name}`).toContain(`--${f.name}`);
      expect(await cli(['help', c.name])).toEqual(r);
    }
    expect((await cli(['stats', '--help'])).out).toMatch(
      /--bins N\s+histogram bins \(an integer from 1 to 2048; default 64\)/,
    );
  });

  test('slimlab --help lists every command', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.out).toContain(`slimlab ${c.name} `);
  });

  test('unknown options, bad enum and number values exit 1 with one line naming the flag', async () => {
    for (const [args, msg] of [
      [['stats', 'x.npy', '--bogus'], /^slimlab: unknown option --bogus\n$/],
      [['convert', 'a.npy', 'b.gguf', '--type', 'Q5'], /--type must be F32, F16, Q8_0 or Q4_0/],
      [['calibrate', '--input', 'a.npy', '--method', 'mse', '--batch', '0'], /a positive integer/],
      [['prune', 'a.npy', '--method', 'magnitude', '--sparsity', 'x'], /--sparsity must be a/],
      [['quantize', 'a.npy', '--dtype', 'int8', '--axis', '9'], /--axis must be .* 0 to 7/],
      [['run', '--preset', 'b=16', 'extra'], /unexpected 'extra'/],
    ] as const) {
      const r = await cli([...args]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.err).toMatch(msg);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
  });
});

// Scale benchmark: a generated multi-GB safetensors file (default 6 GB, 256 MB tensors) is
// inspected and fully analysed by the CLI and by Chromium (through the worker), and the peak
// memory of each is measured — the CLI's own maxRSS, and the anonymous and shared-memory resident
// memory summed over Chromium's process tree, sampled every 200 ms. Usage: tsx bench/scale.ts [--gb=6] [--keep]
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { chromium } from 'playwright';
import { createServer } from 'vite';
import { chromiumPath, CHROMIUM_ARGS } from '../e2e/fixtures/chromium.ts';
import { normal } from '../tests/helpers/random.ts';
import type { ScaleReport } from './scale.page.ts';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const GB = Number(arg('gb') ?? 6);
const TENSOR_BYTES = 256 << 20;

async function makeFile(path: string): Promise<number> {
  const count = Math.max(1, Math.round((GB * 2 ** 30) / TENSOR_BYTES));
  const header: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) {
    header[`layers.${i}.weight`] = {
      dtype: 'F32',
      shape: [16384, 4096],
      data_offsets: [i * TENSOR_BYTES, (i + 1) * TENSOR_BYTES],
    };
  }
  let json = Buffer.from(JSON.stringify(header));
  json = Buffer.concat([json, Buffer.alloc((8 - (json.length % 8)) % 8, 0x20)]);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  const out = createWriteStream(path);
  out.write(len);
  out.write(json);
  const block = Buffer.from(normal(1 << 20, 1, 0.02).buffer); // 4 MiB, repeated
  for (let i = 0; i < count * (TENSOR_BYTES / block.length); i++) {
    if (!out.write(block)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return count;
}

/**
 * Anonymous plus shared-memory resident memory (RssAnon + RssShmem from /proc/PID/status) of a
 * process and all its descendants, in bytes. File-backed pages (the shared libraries every Chromium
 * process maps) are left out, since summing them per process would count them many times; shared
 * memory may still count twice, so the figure errs high. /proc/PID/status is cheap to read, unlike
 * smaps, whose page-table walk stalls a process that is faulting in a 256 MB buffer.
 */
function treeMemory(root: number): number {
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number) as [number, number]);
  const kids = new Map<number, number[]>();
  for (const [pid, ppid] of rows) kids.set(ppid, [...(kids.get(ppid) ?? []), pid]);
  let total = 0;
  const stack = [root];
  while (stack.length) {
    const p = stack.pop()!;
    try {
      const status = readFileSync(`/proc/${p}/status`, 'utf8');
      for (const key of ['RssAnon', 'RssShmem'])
        total += Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    } catch {
      // the process ended between ps and the read
    }
    stack.push(...(kids.get(p) ?? []));
  }
  return total;
}

async function cli(path: string) {
  const t0 = Date.now();
  const child = spawn(process.execPath, ['bin/slimlab.mjs', 'stats', path, '--json', '--memory'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let lines = 0;
  let err = '';
  child.stdout.on('data', (d: Buffer) => (lines += d.toString().split('\n').length - 1));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const [code] = (await once(child, 'exit')) as [number];
  if (code !== 0) throw new Error(`slimlab stats failed: ${err}`);
  const peak = Number(/peak resident memory: (\d+) MiB/.exec(err)?.[1]);
  return { tensors: lines, peakMiB: peak, seconds: (Date.now() - t0) / 1000 };
}

async function browser(path: string) {
  const server = await createServer({
    server: { port: 5180, host: '127.0.0.1' },
    logLevel: 'warn',
  });
  await server.listen();
  // A flag Chromium ignores marks its main process, whose process tree is then measured.
  const marker = `--slimlab-scale-run=${process.pid}`;
  const b = await chromium.launch({
    executablePath: chromiumPath(),
    args: [...CHROMIUM_ARGS, marker],
  });
  let peak = 0;
  try {
    const page = await b.newPage();
    await page.goto(`${server.resolvedUrls!.local[0]!}bench/scale.html?backend=cpu`);
    const pid = Number(
      execFileSync('ps', ['-e', '-o', 'pid=,args='], { encoding: 'utf8' })
        .split('\n')
        .find((l) => l.includes(marker) && !l.includes('--type='))
        ?.trim()
        .split(/\s+/)[0],
    );
    if (!pid) throw new Error('cannot find the browser process to measure');
    const baseline = pid ? treeMemory(pid) : 0;
    const timer = setInterval(() => pid && (peak = Math.max(peak, treeMemory(pid))), 200);
    const t0 = Date.now();
    await page.waitForFunction(() =>
      document.getElementById('status')?.textContent?.startsWith('ready'),
    );
    await page.setInputFiles('#file', path);
    // Say where the page is every 10 s, so a stall shows where it is.
    const ticker = setInterval(
      () => void page.textContent('#status').then((s) => console.log(`  … ${s}`)),
      10_000,
    );
    await page.waitForFunction(() => window.__scale !== undefined, null, { timeout: 30 * 60_000 });
    clearInterval(ticker);
    clearInterval(timer);
    const r = (await page.evaluate(() => window.__scale)) as ScaleReport;
    if (r.error) throw new Error(r.error);
    return {
      tensors: r.tensors,
      peakMiB: Math.round(peak / 2 ** 20),
      baselineMiB: Math.round(baseline / 2 ** 20),
      seconds: (Date.now() - t0) / 1000,
    };
  } finally {
    await b.close();
    await server.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'slimlab-scale-'));
const path = join(dir, 'big.safetensors');
try {
  console.log(`writing ${GB} GB to ${path}…`);
  const count = await makeFile(path);
  const c = await cli(path);
  console.log(
    `CLI: ${c.tensors}/${count} tensors analysed in ${c.seconds.toFixed(1)} s, peak resident memory ${c.peakMiB} MiB`,
  );
  const w = await browser(path);
  console.log(
    `Chromium (worker, CPU path): ${w.tensors}/${count} tensors analysed in ${w.seconds.toFixed(1)} s, peak memory (anonymous + shared, all processes) of the browser ${w.peakMiB} MiB (${w.baselineMiB} MiB before the file was opened)`,
  );
  const limit = 1024;
  const ok = c.tensors === count && w.tensors === count && c.peakMiB < limit && w.peakMiB < limit;
  console.log(ok ? `both under ${limit} MiB` : `OVER the ${limit} MiB bound or incomplete`);
  process.exitCode = ok ? 0 : 1;
} finally {
  if (!process.argv.includes('--keep') && existsSync(dir))
    rmSync(dir, { recursive: true, force: true });
}

/**
 * `npm run bench [-- --only <suite>[,<suite>…]] [--duration <s>] [--warmup <s>] [--quiet-wait <s>] [--keep-profiles <dir>]
 *   [--scan-pages <n>] [--scan-dpi <dpi>] [--scan-only] [--list]`
 *
 * Runs the named suites in order, prints a summary, and rewrites each suite's section of
 * bench/RESULTS.md with the date, the machine and the command. Servers under test always run in
 * child processes; this process only generates load.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { edgeSuite } from './edge.js';
import { ocrSuite } from './ocr.js';
import { analyticsSuite } from './analytics.js';
import { extractSuite } from './extract.js';
import { qaSuite } from './qa.js';
import { storeSuite } from './store.js';
import { otherLoad, QUIET_CORES, runInfo, writeSection } from './results.js';
import { stopAllServers } from './server-process.js';
import type { Suite } from './suite.js';

const SUITES: Suite[] = [edgeSuite, ocrSuite, qaSuite, extractSuite, analyticsSuite, storeSuite];

/** Other processes using more than this many cores make a machine "not quiet". */

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RESULTS_FILE = fileURLToPath(new URL('../RESULTS.md', import.meta.url));

interface Args {
  only?: string[];
  durationSec: number;
  warmupSec: number;
  /** Seconds to wait at most for other processes to leave the cores alone before each suite. */
  quietWaitSec: number;
  keepProfilesIn?: string;
  scanPages?: number;
  scanDpi?: number;
  scanOnly?: boolean;
  list: boolean;
  help?: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { durationSec: 10, warmupSec: 2, quietWaitSec: 60, list: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    const integer = (min: number, max: number) => {
      const n = Number(value());
      if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} takes a whole number between ${min} and ${max}`);
      return n;
    };
    const seconds = () => {
      const n = Number(value());
      if (!Number.isFinite(n) || n < 0 || n > 600) throw new UsageError(`${flag} takes seconds between 0 and 600`);
      return n;
    };
    switch (flag) {
      case '--only':
        args.only = [...(args.only ?? []), ...value().split(',').map((s) => s.trim()).filter(Boolean)];
        break;
      case '--duration':
        args.durationSec = seconds();
        if (args.durationSec < 1) throw new UsageError('--duration must be at least 1 s');
        break;
      case '--warmup':
        args.warmupSec = seconds();
        break;
      case '--quiet-wait':
        args.quietWaitSec = seconds();
        break;
      case '--keep-profiles':
        args.keepProfilesIn = resolve(value());
        break;
      case '--scan-pages':
        args.scanPages = integer(1, 500);
        break;
      case '--scan-dpi':
        args.scanDpi = integer(50, 600);
        break;
      case '--scan-only':
        args.scanOnly = true;
        break;
      case '--list':
        args.list = true;
        break;
      case '--help':
      case '-h':
        args.help = true;
        break;
      default:
        throw new UsageError(`unknown argument "${arg}"`);
    }
  }
  return args;
}

class UsageError extends Error {}

const USAGE = `usage: npm run bench [-- --only <suite>[,<suite>…]] [--duration <s>] [--warmup <s>] [--quiet-wait <s>] [--keep-profiles <dir>]
                       [--scan-pages <n>] [--scan-dpi <dpi>] [--scan-only] [--list]
suites: ${SUITES.map((s) => s.name).join(', ')}
--duration, --warmup, --keep-profiles: edge suite. The ocr suite's scanned PDFs, uploaded to an embedded server:
--scan-pages (default 300) and --scan-dpi (the server's OCR_DPI, default 300) set its long peak-RSS run (the 24
real 300-DPI pages timed against native stay as they are); --scan-only runs only the scanned PDFs and prints
the section instead of writing it to bench/RESULTS.md (a partial section is never written)`;

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message ? `${err.message}\n` : ''}${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args.list) {
    for (const s of SUITES) process.stdout.write(`${s.name}\t${s.description}\n`);
    return 0;
  }
  const unknown = (args.only ?? []).filter((name) => !SUITES.some((s) => s.name === name));
  if (unknown.length) {
    process.stderr.write(`unknown suite(s): ${unknown.join(', ')}\n${USAGE}\n`);
    return 2;
  }
  const selected = args.only ? SUITES.filter((s) => args.only!.includes(s.name)) : SUITES;
  const extra = process.argv.slice(2).join(' ');
  const command = process.env.npm_lifecycle_event === 'bench' ? `npm run bench${extra ? ` -- ${extra}` : ''}` : `node bench/dist/run.js${extra ? ` ${extra}` : ''}`;

  const stopOnSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`\n${signal}: stopping the servers under test\n`);
    void stopAllServers().finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);

  for (const suite of selected) {
    const info = runInfo(command);
    const started = Date.now();
    process.stdout.write(`\n== ${suite.name}: ${suite.description}\n`);
    let busyBefore = await otherLoad();
    if (busyBefore !== undefined && busyBefore > QUIET_CORES && args.quietWaitSec > 0) {
      process.stdout.write(`   other processes are using ${busyBefore.toFixed(2)} cores: waiting up to ${args.quietWaitSec} s for the machine to quieten\n`);
      const deadline = Date.now() + args.quietWaitSec * 1000;
      while (busyBefore !== undefined && busyBefore > QUIET_CORES && Date.now() < deadline) busyBefore = await otherLoad(2000);
    }
    const report = await suite.run({
      repoRoot: REPO_ROOT,
      durationSec: args.durationSec,
      warmupSec: args.warmupSec,
      ...(args.keepProfilesIn ? { keepProfilesIn: args.keepProfilesIn } : {}),
      ...(args.scanPages !== undefined ? { scanPages: args.scanPages } : {}),
      ...(args.scanDpi !== undefined ? { scanDpi: args.scanDpi } : {}),
      ...(args.scanOnly ? { scanOnly: true } : {}),
      log: (message) => process.stdout.write(`   ${message}\n`),
    });
    const busyAfter = await otherLoad();
    if (busyBefore !== undefined && busyAfter !== undefined) {
      const busy = `Other processes' CPU use (sampled while the bench was idle): ${busyBefore.toFixed(2)} cores just before the suite, ${busyAfter.toFixed(2)} just after`;
      const contended = Math.max(busyBefore, busyAfter) > QUIET_CORES;
      info.notes = [contended ? `${busy} — **the machine was not quiet; treat absolute figures with care**` : busy];
      if (contended) process.stdout.write(`   warning: ${busy}\n`);
    }
    if (report.partial) {
      process.stdout.write(`\n-- ${suite.name}: partial run (${report.partial}), not written to bench/RESULTS.md\n\n${report.markdown.trim()}\n`);
      process.stdout.write(`\n-- ${suite.name} summary (${((Date.now() - started) / 1000).toFixed(0)} s; not written to bench/RESULTS.md)\n`);
    } else {
      writeSection(RESULTS_FILE, suite.name, info, report.title, report.markdown);
      process.stdout.write(`\n-- ${suite.name} summary (${((Date.now() - started) / 1000).toFixed(0)} s; written to bench/RESULTS.md)\n`);
    }
    for (const line of report.summary) process.stdout.write(`   ${line}\n`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  async (err: Error) => {
    process.stderr.write(`\nbench failed: ${err.stack ?? err.message}\n`);
    await stopAllServers();
    process.exit(1);
  },
);

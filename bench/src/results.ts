import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { CpuMeter } from './cpu.js';

export interface RunInfo {
  date: string;
  machine: string;
  command: string;
  /** More header lines, e.g. how busy the machine was. */
  notes?: string[];
}

/**
 * Cores used by everything else on the machine over `ms` (undefined off Linux). Sampled while the
 * bench itself is idle, it shows what was competing for the cores.
 */
/** Other processes using more than this many cores (on average) make a measurement disturbed. */
export const QUIET_CORES = 0.15;

export async function otherLoad(ms = 1000): Promise<number | undefined> {
  const meter = new CpuMeter(undefined);
  await new Promise((r) => setTimeout(r, ms));
  return meter.stop()?.other;
}

export function runInfo(command: string): RunInfo {
  const cpus = os.cpus();
  const gib = (os.totalmem() / 1024 ** 3).toFixed(1);
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length;
  return {
    date: new Date().toISOString(),
    machine: `${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cores} cores, ${gib} GiB RAM, Node ${process.version}, ${os.type()} ${os.release()} ${os.arch()}`,
    command,
  };
}

const FILE_HEADER = `# Benchmark results

Written by \`npm run bench\` (\`bench/src/run.ts\`). Each suite owns the section between its
\`<!-- suite:NAME -->\` markers and rewrites it on every run of that suite
(\`npm run bench -- --only NAME\`); everything else in this file is kept. Figures are from one
machine and one run: compare ratios measured in the same run rather than absolute numbers.
`;

/** Replace (or append) one suite's section of the results file, keeping everything else. */
export function writeSection(file: string, suite: string, info: RunInfo, title: string, markdown: string): void {
  const open = `<!-- suite:${suite} -->`;
  const close = `<!-- /suite:${suite} -->`;
  const section = [
    open,
    `## ${title}`,
    '',
    `- Date: ${info.date}`,
    `- Machine: ${info.machine}`,
    `- Command: \`${info.command}\``,
    ...(info.notes ?? []).map((n) => `- ${n}`),
    '',
    markdown.trim(),
    close,
  ].join('\n');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : FILE_HEADER;
  const start = current.indexOf(open);
  const end = current.indexOf(close);
  const next =
    start >= 0 && end > start
      ? current.slice(0, start) + section + current.slice(end + close.length)
      : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
}

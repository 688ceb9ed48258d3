import { readdirSync, readFileSync } from 'node:fs';

/**
 * The extraction sandboxes a process has started (children running the sandbox entry), with their
 * resident memory, read from /proc: how tests see sandboxes come and go, and what they cost.
 */
export function sandboxProcesses(parentPid: number): Array<{ pid: number; rssBytes: number }> {
  const found: Array<{ pid: number; rssBytes: number }> = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== parentPid || !readFileSync(`/proc/${name}/cmdline`, 'utf8').includes('sandbox-child')) continue;
      const rss = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${name}/status`, 'utf8'));
      found.push({ pid: Number(name), rssBytes: Number(rss?.[1] ?? 0) * 1024 }); // a zombie has no VmRSS
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

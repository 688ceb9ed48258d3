import { readFileSync } from 'node:fs';

/**
 * CPU accounting from /proc (Linux): how much of the machine the server under test (one process,
 * or the sum of several when the stack is distributed), the load
 * generator (this process), this process's finished child processes and everything else used over
 * a window, in cores. On a shared machine the "other" figure says whether a run competed with
 * something else.
 */
export interface CpuUse {
  /** Every server process together. */
  server: number;
  bench: number;
  /** Child processes of this one that ended (and were reaped) within the window, e.g. native tesseract runs. */
  children: number;
  other: number;
}

interface Snapshot {
  busy: number;
  total: number;
  self: number;
  children: number;
  server: number;
}

export class CpuMeter {
  private readonly start: Snapshot | undefined;

  constructor(private readonly serverPids: readonly number[] = []) {
    this.start = snapshot(serverPids);
  }

  /** Use since construction, or undefined off Linux / when a server process is gone. */
  stop(): CpuUse | undefined {
    const end = snapshot(this.serverPids);
    if (!this.start || !end) return undefined;
    const total = end.total - this.start.total;
    if (total <= 0) return undefined;
    const cores = cpuCount();
    const asCores = (jiffies: number) => Math.max(0, (jiffies / total) * cores);
    const server = end.server - this.start.server;
    const self = end.self - this.start.self;
    const children = end.children - this.start.children;
    return { server: asCores(server), bench: asCores(self), children: asCores(children), other: asCores(end.busy - this.start.busy - server - self - children) };
  }
}

function snapshot(serverPids: readonly number[]): Snapshot | undefined {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal
    const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
    const { ticks: self, childTicks: children } = procStat('self');
    return { busy: total - idle, total, self, children, server: serverPids.reduce((sum, pid) => sum + procStat(pid).ticks, 0) };
  } catch {
    return undefined;
  }
}

/** What /proc/<pid>/stat says of a process: its parent, and its CPU time in clock ticks. */
export interface ProcStat {
  ppid: number;
  /** utime + stime: the process, all its threads. */
  ticks: number;
  /** cutime + cstime: its children that ended and were reaped. */
  childTicks: number;
}

/** Throws when the process is gone (or off Linux). */
export function procStat(pid: string | number): ProcStat {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // comm may hold spaces and parentheses: split after its last ')'. Then field 3 (state) is index 0;
  // ppid is field 4, utime, stime, cutime, cstime are fields 14-17.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]), childTicks: Number(fields[13]) + Number(fields[14]) };
}

let cores: number | undefined;
function cpuCount(): number {
  if (cores === undefined) {
    try {
      cores = readFileSync('/proc/stat', 'utf8').split('\n').filter((l) => /^cpu\d+ /.test(l)).length || 1;
    } catch {
      cores = 1;
    }
  }
  return cores;
}

import { readFileSync } from 'node:fs';

/**
 * CPU accounting from /proc (Linux): how much of the machine the server under test, the load
 * generator (this process) and everything else used over a window, in cores. On a shared machine
 * the "other" figure says whether a run competed with something else.
 */
export interface CpuUse {
  server: number;
  bench: number;
  other: number;
}

interface Snapshot {
  busy: number;
  total: number;
  self: number;
  server: number;
}

export class CpuMeter {
  private readonly start: Snapshot | undefined;

  constructor(private readonly serverPid: number | undefined) {
    this.start = snapshot(serverPid);
  }

  /** Use since construction, or undefined off Linux / when the server process is gone. */
  stop(): CpuUse | undefined {
    const end = snapshot(this.serverPid);
    if (!this.start || !end) return undefined;
    const total = end.total - this.start.total;
    if (total <= 0) return undefined;
    const cores = cpuCount();
    const asCores = (jiffies: number) => Math.max(0, (jiffies / total) * cores);
    const server = end.server - this.start.server;
    const self = end.self - this.start.self;
    return { server: asCores(server), bench: asCores(self), other: asCores(end.busy - this.start.busy - server - self) };
  }
}

function snapshot(serverPid: number | undefined): Snapshot | undefined {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal
    const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
    return { busy: total - idle, total, self: processJiffies('self'), server: serverPid ? processJiffies(String(serverPid)) : 0 };
  } catch {
    return undefined;
  }
}

/** utime + stime of a process (all its threads), in clock ticks. */
function processJiffies(pid: string): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After "pid (comm) ", field 3 (state) is index 0; utime and stime are fields 14 and 15.
  return Number(fields[11]) + Number(fields[12]);
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

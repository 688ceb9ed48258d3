import type { Logger } from 'pino';

/** What a stop marked `pastDeadline` still gets once the deadline has passed. */
const PAST_DEADLINE_MS = 1_000;

/**
 * Start-up registers a stop function for each thing it opens; shutdown runs them in reverse
 * (LIFO: stop taking HTTP traffic, then drain the bus, then close the store) under one deadline.
 */
export class Lifecycle {
  private readonly stops: Array<{ name: string; stop: () => Promise<void>; pastDeadline: boolean }> = [];
  private stopping: Promise<void> | undefined;
  draining = false;

  constructor(
    private readonly logger: Logger,
    private readonly timeoutMs: number,
  ) {}

  /**
   * `pastDeadline`: run this stop even once the deadline has passed (within PAST_DEADLINE_MS), as
   * stores need: an embedded store holds its file until closed, and a stack started again in the
   * same process must be able to open it.
   */
  onStop(name: string, stop: () => Promise<void>, options: { pastDeadline?: boolean } = {}): void {
    this.stops.push({ name, stop, pastDeadline: options.pastDeadline ?? false });
  }

  /** Idempotent; resolves when everything is closed or the deadline passes. */
  stop(): Promise<void> {
    this.stopping ??= this.runStops();
    return this.stopping;
  }

  /** SIGTERM/SIGINT → graceful stop, then exit (1 when the deadline was hit). */
  installSignalHandlers(): void {
    const handler = (signal: string) => {
      this.logger.info({ signal }, 'shutting down');
      const fuse = setTimeout(() => {
        this.logger.error('shutdown deadline passed; exiting');
        process.exit(1);
      }, this.timeoutMs + 1_000);
      fuse.unref();
      void this.stop().then(() => process.exit(0));
    };
    process.once('SIGTERM', handler);
    process.once('SIGINT', handler);
  }

  private async runStops(): Promise<void> {
    this.draining = true;
    const deadline = Date.now() + this.timeoutMs;
    for (const { name, stop, pastDeadline } of [...this.stops].reverse()) {
      let left = deadline - Date.now();
      if (left <= 0 && pastDeadline) left = PAST_DEADLINE_MS;
      if (left <= 0) {
        this.logger.warn({ component: name }, 'skipped: shutdown deadline reached');
        continue;
      }
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          stop(),
          new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), left))),
        ]);
      } catch (err) {
        this.logger.warn({ component: name, err: (err as Error).message }, 'did not stop cleanly');
      } finally {
        clearTimeout(timer);
      }
    }
  }
}

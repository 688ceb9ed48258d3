/**
 * Runs at most `slots` tasks at once. A free slot goes to the waiting client served longest ago
 * (one never served, or not since it last went idle, first), and each client's own tasks run in
 * the order given. Ingest's OCR pages go through it: a client's 500-page scan keeps every OCR
 * worker busy while it is alone, and another client's one-page upload gets the next slot that
 * frees, so it waits for one page of the scan at most, not for the scan. Plain turns rather than
 * weights by tier: a page costs about the same whoever sent it, and no tier should hold another's
 * upload back by more than a page.
 */
export class FairScheduler {
  /** Each client's tasks waiting for a slot, in order. */
  private readonly waiting = new Map<string, Array<() => void>>();
  /** Clients with a task waiting or running: when each was last given a slot, and how many it runs. */
  private readonly clients = new Map<string, { servedAt: number; running: number }>();
  private running = 0;
  private served = 0;

  constructor(readonly slots: number) {
    if (!Number.isInteger(slots) || slots < 1) throw new Error(`A scheduler needs at least one slot, not ${slots}.`);
  }

  /** `task`'s outcome, once `client` has been given a slot and the task has run in it. */
  async run<T>(client: string, task: () => Promise<T>): Promise<T> {
    if (!this.clients.has(client)) this.clients.set(client, { servedAt: -1, running: 0 });
    if (this.running < this.slots && this.waiting.size === 0) {
      this.running++;
      this.start(client);
    } else {
      await new Promise<void>((resolve) => {
        const tasks = this.waiting.get(client);
        if (tasks) tasks.push(resolve);
        else this.waiting.set(client, [resolve]);
      });
    }
    try {
      return await task();
    } finally {
      this.finish(client);
    }
  }

  private start(client: string): void {
    const state = this.clients.get(client)!;
    state.servedAt = ++this.served;
    state.running++;
  }

  /** The slot passes to the waiting client served longest ago, without being freed in between. */
  private finish(client: string): void {
    const state = this.clients.get(client)!;
    state.running--;
    if (state.running === 0 && !this.waiting.has(client)) this.clients.delete(client); // idle: its next task starts a new turn
    let next: string | undefined;
    for (const waiting of this.waiting.keys()) {
      if (next === undefined || this.clients.get(waiting)!.servedAt < this.clients.get(next)!.servedAt) next = waiting;
    }
    if (next === undefined) {
      this.running--;
      return;
    }
    const tasks = this.waiting.get(next)!;
    const resume = tasks.shift()!;
    if (!tasks.length) this.waiting.delete(next);
    this.start(next);
    resume();
  }
}

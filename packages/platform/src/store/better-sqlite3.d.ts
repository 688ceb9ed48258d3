// better-sqlite3 ships no types and @types/better-sqlite3 is not a dependency: the part the embedded engine uses.
declare module 'better-sqlite3' {
  namespace Database {
    interface RunResult {
      changes: number;
      lastInsertRowid: number | bigint;
    }

    interface Statement {
      /** True when the statement returns rows. */
      readonly reader: boolean;
      run(...params: unknown[]): RunResult;
      get(...params: unknown[]): unknown;
      all(...params: unknown[]): unknown[];
      iterate(...params: unknown[]): IterableIterator<unknown>;
      /** Rows become the value of their only column. */
      pluck(toggle?: boolean): this;
    }

    interface Transaction<F extends (...args: never[]) => unknown> {
      (...args: Parameters<F>): ReturnType<F>;
      /** BEGIN IMMEDIATE: takes the write lock before reading. */
      immediate(...args: Parameters<F>): ReturnType<F>;
    }

    interface Database {
      prepare(sql: string): Statement;
      exec(sql: string): this;
      pragma(source: string): unknown;
      transaction<F extends (...args: never[]) => unknown>(fn: F): Transaction<F>;
      close(): this;
    }
  }

  /** `timeout`: how long a statement waits for another connection's lock, in ms (SQLite's busy timeout; 5000 by default). */
  const Database: new (filename: string, options?: { timeout?: number }) => Database.Database;
  export = Database;
}

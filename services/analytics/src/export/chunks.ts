/** Text gathered into chunks of about this many UTF-16 code units (Node's default stream buffer). */
export const CHUNK_CHARS = 16 * 1024;

/**
 * Joins many small strings (one per row) into fewer, larger byte chunks: a download of a million
 * rows is then some thousands of writes, not a million. Holds at most one chunk.
 */
export class Chunker {
  private parts: string[] = [];
  private size = 0;

  constructor(private readonly limit = CHUNK_CHARS) {}

  /** Adds text; returns a full chunk when there is one to send. */
  push(text: string): Buffer | undefined {
    this.parts.push(text);
    this.size += text.length;
    return this.size >= this.limit ? this.flush() : undefined;
  }

  /** What is left, if anything. */
  flush(): Buffer | undefined {
    if (this.size === 0) return undefined;
    const chunk = Buffer.from(this.parts.join(''), 'utf8');
    this.parts = [];
    this.size = 0;
    return chunk;
  }
}

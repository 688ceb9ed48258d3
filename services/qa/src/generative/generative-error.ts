export type GenerativeFailure = 'timeout' | 'http' | 'invalid' | 'network';

/** Why no answer was written: the caller falls back to the extractive answer, whatever the reason. */
export class GenerativeError extends Error {
  constructor(
    readonly reason: GenerativeFailure,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'GenerativeError';
  }
}

import { pino, type Logger } from 'pino';
import { currentContext } from './request-context.js';

export type { Logger } from 'pino';

/**
 * JSON logs on stdout. Every line logged while a request is in flight carries its request id
 * (and client id), wherever in the process it is logged from. Secrets are redacted by path so a
 * careless `log.info({ headers })` cannot leak a key.
 */
export function createLogger(options: { level: string; name: string }): Logger {
  return pino({
    name: options.name,
    level: options.level,
    base: { service: options.name },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin() {
      const ctx = currentContext();
      if (!ctx) return {};
      return ctx.clientId ? { requestId: ctx.requestId, clientId: ctx.clientId } : { requestId: ctx.requestId };
    },
    redact: {
      paths: [
        'api_key',
        '*.api_key',
        'headers.authorization',
        '*.headers.authorization',
        'headers["x-admin-token"]',
        '*.headers["x-admin-token"]',
        'token',
        '*.token',
      ],
      censor: '[redacted]',
    },
  });
}
